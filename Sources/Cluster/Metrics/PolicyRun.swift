import SimEngine

/// The outcome of one scheduling policy on a shared-cluster workload: every job's result, the
/// cluster's state over time and the headline metrics. jobs.csv, utilization.csv and the wait
/// chart read the per-job figures (``JobResult/waitSeconds``, ``JobResult/slowdown``,
/// ``JobResult/deadlineMet``) that ``ClusterMetrics`` folds, both from ``JobFigures``.
public struct PolicyRun: Sendable {
    /// The policy's name.
    public let policy: String
    /// Every job's outcome, in submission order (empty for a streamed run, which keeps only the metrics).
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

    /// A policy's outcome as measured.
    public init(policy: String, jobs: [JobResult], utilization: [UtilizationSample], metrics: ClusterMetrics,
                probes: Int, probeCacheHits: Int, probeEvents: UInt64, events: UInt64) {
        self.policy = policy
        self.jobs = jobs
        self.utilization = utilization
        self.metrics = metrics
        self.probes = probes
        self.probeCacheHits = probeCacheHits
        self.probeEvents = probeEvents
        self.events = events
    }

    /// The waits before first start of the jobs that started, hours, in job order (the wait chart).
    public var waitHours: [Double] { jobs.compactMap { $0.waitSeconds.map { $0 / 3600 } } }

    /// The number of jobs of `user`.
    public func jobCount(user: String) -> Int { jobs.reduce(0) { $0 + ($1.spec.user == user ? 1 : 0) } }
}
