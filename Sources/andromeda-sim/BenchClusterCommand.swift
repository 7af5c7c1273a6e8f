import AndromedaSim
import ArgumentParser
import Benchmarks
import Cluster
import Foundation
import SimHost

struct BenchClusterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster",
        abstract: "Shared-cluster speed: N generated jobs (the andromeda-multitenant mix) on 16 systems (or --systems) under one policy.",
        discussion: """
            The cluster grows as a capacity planner would buy it: with --systems N above the scenario's 16, MemoryX capacity \
            and bandwidth are scaled by N / 16, node groups raised to N, and (without --rate) the arrival rate is the \
            scenario's 3 jobs/h per 16 systems scaled by N / 16 (192 systems: 36 jobs/h, about 85 % utilisation). Jobs are \
            drawn as they arrive and their results folded into the metrics as they finish, so memory stays small; \
            the figures printed: simulate_s (generation included), jobs_per_s, peak RSS and memory per finished job.
            Example: andromeda-sim bench cluster --jobs 3000000 --systems 192
            """
    )

    @Option(parsing: .unconditional, help: "Jobs to generate (1 to \(MultitenantRunner.maxGeneratedJobs)).") var jobs: Int = 10_000
    @Option(parsing: .unconditional, help: "Systems in the cluster (1 to \(ClusterSpec.maxSystems); above 16, MemoryX capacity and bandwidth scale with it and node groups are at least as many).") var systems: Int = 16
    @Option(help: "Policy: \(PolicyName.names.joined(separator: ", ")).") var policy: String = "easy-backfill"
    @Option(help: "Contention model: mean-field or exact.") var contention: String = "mean-field"
    @Option(parsing: .unconditional, help: "Random seed.") var seed: UInt64 = 42
    @Option(parsing: .unconditional, help: "Arrival rate, jobs per hour (default: the scenario's 3 per 16 systems, scaled with --systems).") var rate: Double?

    func validate() throws {
        guard (1...MultitenantRunner.maxGeneratedJobs).contains(jobs) else { throw ValidationError("--jobs must be 1 to \(MultitenantRunner.maxGeneratedJobs)") }
        guard ClusterSpec.systemsRange.contains(systems) else { throw ValidationError("--systems must be 1 to \(ClusterSpec.maxSystems)") }
        guard PolicyName.names.contains(policy) else {
            throw ValidationError("--policy must be one of \(PolicyName.names.joined(separator: ", "))")
        }
        if let r = rate, !(r.isFinite && r > 0 && r < 1e6) { throw ValidationError("--rate must be in (0, 1e6) jobs/h") }
        if let r = rate, r < WorkloadGenerator.minArrivalRate(jobs: jobs) {
            throw ValidationError("--rate \(r) with --jobs \(jobs): the arrivals would span \(WorkloadGenerator.arrivalSpanHours(jobs: jobs, rate: r)) h "
                + "(mean plus ten standard deviations); allowed: at most \(Int(WorkloadGenerator.maxArrivalSpanHours)) h (146 years, half of "
                + "simulated time), so --rate at least \(WorkloadGenerator.minArrivalRate(jobs: jobs)) jobs/h")
        }
        guard ContentionMode(rawValue: contention) != nil else {
            throw ValidationError("--contention must be mean-field or exact")
        }
    }

    func run() throws {
        let m = try ClusterBenchmark.measure(jobs: jobs, systems: systems, policy: policy, contention: contention, seed: seed, rate: rate)
        let r = m.run
        print(String(format: "jobs=%d systems=%d rate_per_h=%.2f policy=%@ contention=%@ generate_s=%.3f simulate_s=%.3f jobs_per_s=%.0f",
                     jobs, systems, m.rate, policy as NSString, contention as NSString, m.generateSeconds, m.simulateSeconds,
                     Double(jobs) / max(m.simulateSeconds, 1e-9)))
        print(String(format: "finished=%d makespan_h=%.1f utilization=%.3f mean_wait_h=%.2f probes=%d cache_hits=%d probe_events=%llu",
                     r.metrics.finished, r.metrics.makespanSeconds / 3600, r.metrics.utilization, r.metrics.wait.mean / 3600,
                     r.probes, r.probeCacheHits, r.probeEvents))
        let stats = Allocator.stats()
        let peak = Double(Allocator.peakResidentBytes())
        print(String(format: "peak_rss_mib=%.1f bytes_per_finished_job=%.0f jemalloc_allocated_mib=%.1f jemalloc_resident_mib=%.1f",
                     peak / 1_048_576, peak / Double(max(1, r.metrics.finished)), Double(stats?.allocatedBytes ?? 0) / 1_048_576,
                     Double(stats?.residentBytes ?? 0) / 1_048_576))
    }
}
