import Cluster
import Training
import Workloads

/// The shared-cluster part of a scenario: the workload, the scheduler's facts and the policies
/// to compare. The hardware, efficiency model, seed and model catalog are the scenario's own
/// (``Scenario``): ``MultitenantRunner`` reads them from there.
public struct MultitenantSpec: Sendable, Equatable {
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
                checkpointEverySteps: Int64 = 5000, contention: ContentionMode = .meanField) {
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
