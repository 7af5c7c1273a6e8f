import AndromedaSim
import ArgumentParser
import Foundation
import Scenarios
import SimEngine
import Training

struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Answer capacity-planning questions by simulation.",
        subcommands: [MinSystems.self, MaxRate.self, MemoryXNeed.self, Compare.self]
    )

    struct MinSystems: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "min-systems",
            abstract: "The fewest systems that train a model by a deadline (fixed costs included).",
            discussion: "Example: andromeda-sim plan min-systems --model genslm-1.3b --batch 16 --samples 700000 --deadline-h 12"
        )
        @Option(help: "Built-in model.") var model: String
        @Option(parsing: .unconditional, help: "Samples per system per step (1-1e6).") var batch: Int
        @Option(parsing: .unconditional, help: "Samples to train (1-1e15).") var samples: Double
        @Option(parsing: .unconditional, help: "Deadline, hours (0-1e6).") var deadlineH: Double
        @Option(parsing: .unconditional, help: "Systems in the cluster (1-192).") var clusterSystems: Int = 16

        func validate() throws {
            guard ModelCatalog.model(named: model) != nil else {
                throw ValidationError("unknown model \(model); known: \(ModelCatalog.all.map(\.name).joined(separator: ", "))")
            }
            guard (1...1_000_000).contains(batch) else { throw ValidationError("--batch must be 1 to 1000000") }
            guard samples.isFinite, samples >= 1, samples < 1e15 else { throw ValidationError("--samples must be 1 to 1e15") }
            guard deadlineH.isFinite, deadlineH > 0, deadlineH <= 1e6 else { throw ValidationError("--deadline-h must be in (0, 1e6]") }
            guard (1...192).contains(clusterSystems) else { throw ValidationError("--cluster-systems must be 1 to 192") }
        }

        func run() throws {
            guard let m = ModelCatalog.model(named: model) else { throw ExitCode(2) }
            var cluster = ClusterSpec()
            cluster.systems = clusterSystems
            let job = TrainingSpec(model: m, systems: 1, perSystemBatch: batch, stopping: .samples(Int64(samples)))
            let a: Planning.SystemsAnswer
            do {
                let deadline = try SimDuration(seconds: deadlineH * 3600)
                a = try ProgressBar.around("plan min-systems") { try Planning.fewestSystems(for: job, deadline: deadline, cluster: cluster) }
            } catch { fail("\(error)") }
            // Every count in order, simulated or not (with the reason).
            var lines: [(Int, String)] = a.tried.map { ($0.systems, String(format: "%.2f h", $0.timeToTrain.seconds / 3600)) }
            lines += a.failed.map { ($0.systems, "cannot run: \($0.reason)") }
            for (n, text) in lines.sorted(by: { $0.0 < $1.0 }) { print(String(format: "%3d systems: ", n) + text) }
            let searched = "\(a.tried.count + a.failed.count) of at most \(a.iterationBound) system counts simulated"
            if let n = a.systems { print("fewest systems meeting \(deadlineH) h: \(n) (\(searched))") } else if a.tried.isEmpty {
                fail("no system count from 1 to \(clusterSystems) can run this job (reasons above; \(searched))")
            } else {
                print("no system count up to \(clusterSystems) meets \(deadlineH) h (\(searched))")
            }
        }
    }

    struct MaxRate: ParsableCommand {
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
            guard p95WaitH.isFinite, p95WaitH > 0, p95WaitH <= 1e6 else { fail("--p95-wait-h must be in (0, 1e6] hours") }
            // The generator's own range (generate.arrival_rate_per_h).
            guard min.isFinite, max.isFinite, min >= 1e-6, max <= 1e9, min < max else {
                fail("--min and --max must satisfy 1e-6 <= --min < --max <= 1e9 jobs/h (got \(min) and \(max))")
            }
            var s: Scenario
            do { s = try Andromeda.load(scenario) } catch { fail("\(error)") }
            guard s.multitenant?.generator != nil else { fail("\(scenario): no generated multitenant workload") }
            guard let p = PolicyName(rawValue: policy) else { fail("--policy must be one of \(PolicyName.names.joined(separator: ", "))") }
            if let j = jobs {
                guard (1...1_000_000).contains(j) else { fail("--jobs must be 1 to 1000000") }
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

    struct MemoryXNeed: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "memoryx",
            abstract: "The MemoryX capacity a multitenant workload needs.",
            discussion: "Example: andromeda-sim plan memoryx andromeda-multitenant --policy fifo"
        )
        @Argument(help: "Scenario with a multitenant section.") var scenario: String
        @Option(help: "Policy.") var policy: String = "easy-backfill"

        func run() throws {
            let s: Scenario
            do { s = try Andromeda.load(scenario) } catch { fail("\(error)") }
            guard s.multitenant != nil else { fail("\(scenario): no multitenant section") }
            guard let p = PolicyName(rawValue: policy) else { fail("--policy must be one of \(PolicyName.names.joined(separator: ", "))") }
            let a: Planning.MemoryXAnswer
            do {
                a = try ProgressBar.around("plan memoryx") { try Planning.memoryXNeeded(s, policy: p) }
            } catch { fail("\(scenario): \(error)") }
            print(String(format: "largest job: %.1f GB (below this it is rejected)", a.largestJobBytes / 1e9))
            print(String(format: "peak held at once under %@: %.1f GB (at or above this MemoryX never delays a job)",
                         policy as NSString, a.peakConcurrentBytes / 1e9))
        }
    }

    struct Compare: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "compare",
            abstract: "Two clusters (scenarios) side by side.",
            discussion: "Example: andromeda-sim plan compare Scenarios/genslm.json my-cluster.json"
        )
        @Argument(help: "Scenario A.") var a: String
        @Argument(help: "Scenario B.") var b: String

        func run() throws {
            let sa: Scenario, sb: Scenario
            do { sa = try Andromeda.load(a); sb = try Andromeda.load(b) } catch { fail("\(error)") }
            print("figure".padding(toLength: 56, withPad: " ", startingAt: 0) + String(format: "%14@ %14@ %9@", sa.name as NSString, sb.name as NSString, "B/A" as NSString))
            let rows: [(figure: String, a: Double, b: Double)]
            do { rows = try ProgressBar.around("plan compare", { try Planning.compare(sa, sb) }) } catch { fail("\(error)") }
            for row in rows {
                print(row.figure.padding(toLength: 56, withPad: " ", startingAt: 0)
                      + String(format: "%14.3f %14.3f %9.3f", row.a, row.b, row.a == 0 ? 0 : row.b / row.a))
            }
        }
    }
}

import Cluster
