import AndromedaSim
import Cluster

/// Shared-cluster speed (`bench cluster`, `bench burst`): N generated jobs of the
/// andromeda-multitenant mix on a cluster of N systems under one policy.
///
/// The cluster grows as a capacity planner would buy it: above the scenario's 16 systems, MemoryX
/// capacity and bandwidth are scaled by N / 16, node groups raised to N, and (without a rate) the
/// arrival rate is the scenario's 3 jobs/h per 16 systems scaled by N / 16. Jobs are drawn as they
/// arrive and their results folded into the metrics as they finish, so memory stays small.
public enum ClusterBenchmark {
    /// One measurement: generate the jobs, simulate them under one policy.
    public struct Measurement {
        /// The arrival rate used, jobs per hour.
        public var rate: Double
        /// Seconds spent generating jobs apart from the simulation (0: generation is part of it).
        public var generateSeconds: Double
        /// Wall-clock seconds of the simulation, generation included.
        public var simulateSeconds: Double
        /// The policy's run.
        public var run: PolicyRun
    }

    /// Generates `jobs` jobs (`seed`, `rate` jobs/h or the scenario's scaled with `systems`) and
    /// simulates them under `policy` with `contention` (mean-field or exact); with `allAtOnce`
    /// every job is submitted at time 0. Errors: an unknown policy or contention mode.
    public static func measure(jobs: Int, systems: Int = 16, policy: String, contention: String, seed: UInt64, rate: Double?,
                               allAtOnce: Bool = false) throws -> Measurement {
        var scenario = try Andromeda.load("andromeda-multitenant")
        guard var m = scenario.multitenant, var g = m.generator else { throw BenchmarkError("the week scenario has no generator") }
        guard let p = PolicyName(rawValue: policy) else { throw BenchmarkError("unknown policy \(policy)") }
        guard let mode = ContentionMode(rawValue: contention) else { throw BenchmarkError("unknown contention model \(contention)") }
        g.jobs = jobs
        if let r = rate { g.arrivalRatePerHour = r } else {
            g.arrivalRatePerHour *= Double(systems) / Double(scenario.cluster.systems)
        }
        m.generator = g
        // A cluster of N systems gets the MemoryX tier and node groups a planner would buy for
        // it: the scenario's capacity and bandwidth scaled by N / (the scenario's systems).
        let scale = Double(systems) / Double(scenario.cluster.systems)
        if scale > 1 {
            scenario.cluster.memoryX.capacityBytes *= scale
            scenario.cluster.memoryX.streamBytesPerSecond *= scale
        }
        scenario.cluster.systems = systems
        m.policies = [p]
        m.config.horizon = nil
        m.config.keepNodeGroups(atLeast: systems)
        m.contention = mode
        scenario.multitenant = m
        scenario.seed = seed
        let clock = ContinuousClock()
        let t0 = clock.now
        // The jobs are drawn as they arrive and their results folded as they settle (nothing
        // per job is held but the metrics' 80-byte facts): generation is part of the simulation.
        let r = try MultitenantRunner.runStreaming(scenario, allAt: allAtOnce ? .zero : nil)
        let t1 = clock.now
        return Measurement(rate: g.arrivalRatePerHour, generateSeconds: 0, simulateSeconds: seconds(t1 - t0), run: r)
    }

    /// `bench burst`: the same jobs all submitted at one instant and spread out as drawn, under
    /// `policy` with mean-field contention (goal: within 2x of each other).
    public static func burst(jobs: Int, systems: Int, policy: String, seed: UInt64) throws -> (atOnce: Measurement, spread: Measurement) {
        let once = try measure(jobs: jobs, systems: systems, policy: policy, contention: "mean-field", seed: seed, rate: nil, allAtOnce: true)
        let spread = try measure(jobs: jobs, systems: systems, policy: policy, contention: "mean-field", seed: seed, rate: nil)
        return (once, spread)
    }
}

/// A benchmark that cannot run as asked (its message says why).
public struct BenchmarkError: Error, CustomStringConvertible {
    /// What went wrong.
    public let description: String
    init(_ description: String) { self.description = description }
}
