import AndromedaSim
import ArgumentParser
import Benchmarks
import Foundation
import SimHost

struct BenchBurstCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "burst",
        abstract: "Simultaneous arrivals: N generated jobs all submitted at one instant against the same N spread out, per policy.",
        discussion: """
            The jobs are those of `bench cluster` (the andromeda-multitenant mix on --systems systems, drawn as they \
            arrive and folded as they settle): once with their drawn arrival times (the scenario's rate, scaled with \
            --systems), once all at time 0, which puts the whole workload in the queue at once. Prints, per policy, \
            both simulation times and their ratio (goal: within 2x; a policy that walked or sorted the whole queue \
            on every pass would grow as n^2). Times are in-process and include generation.
            Example: andromeda-sim bench burst --jobs 1000000 --policy all
            """
    )

    @Option(parsing: .unconditional, help: "Jobs to generate (1 to \(MultitenantRunner.maxGeneratedJobs)).") var jobs: Int = 25_000
    @Option(parsing: .unconditional, help: "Systems in the cluster (1 to \(ClusterSpec.maxSystems)).") var systems: Int = 16
    @Option(help: "Policy: \(PolicyName.names.joined(separator: ", ")), or all.") var policy: String = "all"
    @Option(parsing: .unconditional, help: "Random seed.") var seed: UInt64 = 42

    func validate() throws {
        guard (1...MultitenantRunner.maxGeneratedJobs).contains(jobs) else { throw ValidationError("--jobs must be 1 to \(MultitenantRunner.maxGeneratedJobs)") }
        guard ClusterSpec.systemsRange.contains(systems) else { throw ValidationError("--systems must be 1 to \(ClusterSpec.maxSystems)") }
        guard policy == "all" || PolicyName.names.contains(policy) else {
            throw ValidationError("--policy must be all or one of \(PolicyName.names.joined(separator: ", "))")
        }
    }

    func run() throws {
        let policies = policy == "all" ? PolicyName.names : [policy]
        for p in policies {
            let (once, spread) = try ClusterBenchmark.burst(jobs: jobs, systems: systems, policy: p, seed: seed)
            print(String(format: "policy=%@ jobs=%d systems=%d at_once_s=%.3f spread_s=%.3f ratio=%.2f finished_at_once=%d finished_spread=%d",
                         p as NSString, jobs, systems, once.simulateSeconds, spread.simulateSeconds,
                         once.simulateSeconds / max(spread.simulateSeconds, 1e-9), once.run.metrics.finished, spread.run.metrics.finished))
            fflush(nil)
        }
        print(String(format: "peak_rss_mib=%.1f (the largest of the runs above)", Double(Allocator.peakResidentBytes()) / 1_048_576))
    }
}
