import Cluster
import Hardware
import Scenarios
import SimEngine
import Training

/// The outcome of one policy on the shared-cluster workload.
public struct PolicyRun: Sendable {
    /// The policy's name.
    public let policy: String
    /// Every job's outcome, in submission order.
    public let jobs: [JobResult]
    /// The cluster's state over time (utilization.csv).
    public let utilization: [UtilizationSample]
    /// Headline figures of this run.
    public let metrics: ClusterMetrics
    /// Contention probes simulated and answered from the cache.
    public let probes: Int
    /// Contention probes answered from the cache instead of simulated.
    public let probeCacheHits: Int
    /// Events simulated by this run's contention probes.
    public let probeEvents: UInt64
    /// Events the cluster simulation itself handled.
    public let events: UInt64
}

/// Runs the multitenant part of a scenario under every policy it lists.
public enum MultitenantRunner {
    /// At most this many jobs in one shared-cluster run, listed, generated and replayed together
    /// (about 2.2 KB each while simulated): checked before the generator draws any.
    public static let maxJobs = 2_000_000

    /// The jobs of `spec`: listed, generated and replayed, merged in (submit time, source order);
    /// at most ``maxJobs`` of them.
    public static func jobs(_ spec: MultitenantSpec, seed: UInt64, models: [ModelSpec] = []) throws -> [JobSpec] {
        func tooMany(_ n: Int) -> TrainingError {
            TrainingError("the workload has \(n) jobs (listed, generated and replayed); allowed: at most \(maxJobs)")
        }
        let planned = spec.jobs.count + (spec.generator?.jobs ?? 0)
        guard planned <= maxJobs else { throw tooMany(planned) }
        var all = spec.jobs
        if let g = spec.generator { all += try g.generate(seed: seed) }
        if let t = spec.tracePath {
            all += try TraceReader.read(path: t, fixedCosts: spec.fixedCosts, checkpointEverySteps: spec.checkpointEverySteps,
                                        models: models)
        }
        guard all.count <= maxJobs else { throw tooMany(all.count) }
        var seen = Set<String>()
        for j in all where !seen.insert(j.id).inserted {
            throw TrainingError("job id \"\(j.id)\" appears twice across the listed, generated and replayed jobs")
        }
        return all.enumerated().sorted { ($0.element.submit, $0.offset) < ($1.element.submit, $1.offset) }.map(\.element)
    }

    /// Generates, reads and lists the jobs of `spec` (see ``jobs(_:seed:models:)``) and simulates
    /// them under each of its policies.
    public static func run(_ spec: MultitenantSpec, seed: UInt64, models: [ModelSpec] = [],
                           trace: TraceSink? = nil) throws -> [PolicyRun] {
        try run(spec, jobs: try jobs(spec, seed: seed, models: models), trace: trace)
    }

    /// Simulates `jobs` under each policy of `spec`. Fair-share weights are the section's users'
    /// shares, completed by the generator's users. A `trace` receives the timeline of the FIRST
    /// policy only (the others run on the same jobs; one timeline keeps the file readable).
    public static func run(_ spec: MultitenantSpec, jobs: [JobSpec], trace: TraceSink? = nil) throws -> [PolicyRun] {
        var out: [PolicyRun] = []
        var config = spec.config
        for (k, v) in spec.generator?.shareWeights ?? [:] where config.userWeights[k] == nil { config.userWeights[k] = v }
        // One oracle for every policy: the same mixes of running jobs recur across policies.
        let oracle = StepTimeOracle(cluster: config.cluster, efficiency: config.efficiency, seed: config.seed)
        oracle.mode = spec.contention
        for (k, name) in spec.policies.enumerated() {
            guard let policy = PolicyCatalog.make(name) else { throw TrainingError("unknown policy \(name)") }
            let probesBefore = oracle.probes, hitsBefore = oracle.cacheHits, eventsBefore = oracle.probeEvents
            let sim = ClusterSimulation(jobs: jobs, policy: policy, config: config, oracle: oracle)
            if out.isEmpty { sim.trace = trace }
            let results = try WorkProgress.part(k, of: spec.policies.count) { () throws(SimulationError) in try sim.run() }
            out.append(PolicyRun(policy: name, jobs: results, utilization: sim.samples,
                                 metrics: ClusterMetrics(results, samples: sim.samples, systems: config.cluster.systems,
                                                         weights: config.userWeights),
                                 probes: oracle.probes - probesBefore, probeCacheHits: oracle.cacheHits - hitsBefore,
                                 probeEvents: oracle.probeEvents - eventsBefore, events: sim.eventsHandled))
        }
        return out
    }
}
