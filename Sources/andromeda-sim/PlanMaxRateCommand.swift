import AndromedaSim
import ArgumentParser
import Foundation

struct PlanMaxRateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "max-rate",
        abstract: "The highest job arrival rate whose P95 wait stays under a target (a search over simulations).",
        discussion: "Example: andromeda-sim plan max-rate andromeda-multitenant --policy easy-backfill --p95-wait-h 6 --jobs 300"
    )
    @Argument(help: "Scenario with a generated multitenant workload.") var scenario: String
    @Option(help: "Policy.") var policy: String = "easy-backfill"
    @Option(parsing: .unconditional, help: "P95 wait target, hours (0-1e6).") var p95WaitH: Double
    @Option(parsing: .unconditional, help: "Lowest rate to try, jobs/h (1e-6 to 1e9).") var min: Double = 0.1
    @Option(parsing: .unconditional, help: "Highest rate to try, jobs/h (1e-6 to 1e9; searched on a log scale).") var max: Double = 20
    @Option(parsing: .unconditional, help: "Generated jobs per simulation (default: the scenario's).") var jobs: Int?

    func run() throws {
        guard p95WaitH.isFinite, p95WaitH > 0, p95WaitH <= QuestionLimits.maxHours else { fail("--p95-wait-h must be in (0, 1e6] hours") }
        // The generator's own range (generate.arrival_rate_per_h).
        guard min.isFinite, max.isFinite, min >= QuestionLimits.arrivalRate.lowerBound, max <= QuestionLimits.arrivalRate.upperBound, min < max else {
            fail("--min and --max must satisfy 1e-6 <= --min < --max <= 1e9 jobs/h (got \(min) and \(max))")
        }
        var s: Scenario
        do { s = try Andromeda.load(scenario) } catch { fail("\(error)") }
        guard s.multitenant?.generator != nil else { fail("\(scenario): no generated multitenant workload") }
        guard let p = PolicyName(rawValue: policy) else { fail("--policy must be one of \(PolicyName.names.joined(separator: ", "))") }
        if let j = jobs {
            guard QuestionLimits.jobs.contains(j) else { fail("--jobs must be 1 to 1000000") }
            s.multitenant?.generator?.jobs = j
        }
        s.multitenant?.config.horizon = nil
        do {
            let target = try SimDuration(seconds: p95WaitH * 3600)
            let a = try ProgressBar.around("plan max-rate") {
                try Planning.highestArrivalRate(s, policy: p, p95Wait: target, range: min...max)
            }
            for t in a.tried { print(String(format: "rate %.6g jobs/h: P95 wait %.2f h", t.rate, t.p95WaitSeconds / 3600)) }
            print(a.rate.map { String(format: "highest rate with P95 wait <= %.2f h: %.6g jobs/h", p95WaitH, $0) }
                  ?? "even \(min) jobs/h misses the target")
            print("\(a.tried.count) simulations (at most \(a.iterationBound) for this range: geometric bisection to 2%)")
        } catch { fail("\(scenario): \(error)") }
    }
}
