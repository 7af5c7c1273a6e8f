import Cluster
import Training
import Workloads

/// The shared-cluster part of a scenario: the workload, the scheduler's facts and the policies
/// to compare. The hardware, efficiency model, seed and model catalog are the scenario's own
/// (``Scenario``): ``MultitenantRunner`` reads them from there.
public struct MultitenantSpec: Sendable, Equatable {
    /// The most jobs one shared-cluster run holds: listed, generated (`generate.jobs`) and
    /// replayed together, 1,000,000. `run` keeps every job's record and result for jobs.csv and
    /// the report (about 1.6 KB each), and at 1,000,000 jobs it runs under every policy within 2x
    /// of `bench cluster --jobs 3000000 --systems 192` (EASY, streamed); 3,000,000 took about
    /// 4.7 GB and 4-7x that bench (docs/performance.md, "Scale"). The streamed benchmarks, which
    /// hold nothing per job, go to ``WorkloadGenerator/maxJobs`` (3,000,000).
    public static let maxJobs = 1_000_000
    /// Policies, in output order.
    public var policies: [PolicyName]
    /// The scheduler's facts: node groups, failures, maintenance, horizon, user shares.
    public var config: ClusterConfig
    /// Listed jobs.
    public var jobs: [JobSpec]
    /// Generated jobs.
    public var generator: WorkloadGenerator?
    /// A replayed trace (path resolved relative to the scenario file).
    public var tracePath: String?
    /// Costs outside the steps, for every job.
    public var fixedCosts: FixedCosts
    /// Checkpoint interval of trace jobs.
    public var checkpointEverySteps: Int64
    /// How running jobs contend for MemoryX.
    public var contention: ContentionMode

    /// A multitenant section built in code.
    public init(policies: [PolicyName] = PolicyName.allCases, config: ClusterConfig = ClusterConfig(), jobs: [JobSpec] = [],
                generator: WorkloadGenerator? = nil, tracePath: String? = nil, fixedCosts: FixedCosts = FixedCosts(),
                checkpointEverySteps: Int64 = TrainingSpec.defaultCheckpointEverySteps, contention: ContentionMode = .meanField) {
        self.policies = policies
        self.config = config
        self.jobs = jobs
        self.generator = generator
        self.tracePath = tracePath
        self.fixedCosts = fixedCosts
        self.checkpointEverySteps = checkpointEverySteps
        self.contention = contention
    }
}
