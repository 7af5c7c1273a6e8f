import AndromedaSim
import ArgumentParser
import Foundation
import Scenarios

struct PlanMaxRateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "max-rate",
        abstract: "The highest job arrival rate whose P95 wait stays under a target (a search over simulations).",
        discussion: "Example: andromeda-sim plan max-rate andromeda-multitenant --policy easy-backfill --p95-wait-h 6 --jobs 300"
    )
    @Argument(help: "Scenario with a generated multitenant workload.") var scenario: String
    @Option(help: "Policy.") var policy: String = "easy-backfill"
    @Option(parsing: .unconditional, help: "P95 wait target, hours (0 to 1e6, above 0).") var p95WaitH: Double
    @Option(parsing: .unconditional, help: "Lowest rate to try, jobs/h (1e-6 to 1e9, below 1e9 and below --max; and at least (jobs + 10 sqrt(jobs)) / 1279800, the slowest rate whose arrivals fit in simulated time).") var min: Double = 0.1
    @Option(parsing: .unconditional, help: "Highest rate to try, jobs/h (1e-6 to 1e9, above 1e-6 and above --min; searched on a log scale).") var max: Double = 20
    @Option(parsing: .unconditional, help: "Generated jobs per simulation (1 to \(MultitenantSpec.maxJobs); default: the scenario's).") var jobs: Int?

    /// The checks of the flags alone (ArgumentParser runs them before `run`; exit status 2).
    func validate() throws {
        guard p95WaitH.isFinite, p95WaitH > 0, p95WaitH <= QuestionLimits.maxHours else { throw ValidationError("--p95-wait-h must be in (0, 1e6] hours") }
        // The generator's own range (generate.arrival_rate_per_h).
        guard min.isFinite, max.isFinite, min >= QuestionLimits.arrivalRate.lowerBound, max <= QuestionLimits.arrivalRate.upperBound, min < max else {
            throw ValidationError("--min and --max must satisfy 1e-6 <= --min < --max <= 1e9 jobs/h (got \(min) and \(max))")
        }
        guard PolicyName(rawValue: policy) != nil else { throw ValidationError("--policy must be one of \(PolicyName.names.joined(separator: ", "))") }
        if let j = jobs, !(1...MultitenantSpec.maxJobs).contains(j) { throw ValidationError("--jobs must be 1 to \(MultitenantSpec.maxJobs)") }
    }

    func run() throws {
        var s: Scenario
        do { s = try Andromeda.load(scenario) } catch { fail(describe(error)) }
        guard s.multitenant?.generator != nil else { fail("\(scenario): no generated multitenant workload") }
        let p = PolicyName(rawValue: policy)!   // validate() checked it
        if let j = jobs { s.multitenant?.generator?.jobs = j }
        s.multitenant?.config.horizon = nil
        // The slowest rate the generator takes for this many jobs, named as the flag that set it.
        if let g = s.multitenant?.generator, min < WorkloadGenerator.minArrivalRate(jobs: g.jobs) {
            fail("--min \(min): with \(g.jobs) jobs the arrivals would span \(WorkloadGenerator.arrivalSpanHours(jobs: g.jobs, rate: min)) h "
                + "(mean plus ten standard deviations); allowed: at least \(WorkloadGenerator.minArrivalRate(jobs: g.jobs)) jobs/h "
                + "((jobs + 10 sqrt(jobs)) / 1279800, arrivals within 146 years of simulated time)")
        }
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
