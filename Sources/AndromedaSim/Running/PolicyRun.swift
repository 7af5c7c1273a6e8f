import Cluster
import Hardware
import Scenarios
import SimEngine
import Training
import Workloads

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
