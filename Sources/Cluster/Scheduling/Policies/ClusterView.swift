import SimEngine

/// The cluster's state when a policy is asked to decide.
public struct ClusterView: Sendable, Equatable {
    /// The current simulated time.
    public var now: SimTime
    /// Systems in the cluster (free, held, failed or drained).
    public var totalSystems: Int
    /// Systems free now (not held, not failed, not drained).
    public var freeSystems: Int
    /// MemoryX capacity not held by running jobs, bytes.
    public var freeMemoryXBytes: Double
    /// MemoryX node groups not serving a job (each serves one job at a time).
    public var freeNodeGroups: Int
    /// Running jobs, in start order.
    public var running: [RunningJob]
    /// Per user: system-seconds used so far (for fair share), in user order.
    public var usage: [String: Double]
    /// Per user: fair-share weight (default 1).
    public var weights: [String: Double]

    /// A view of the cluster's state.
    public init(now: SimTime, totalSystems: Int, freeSystems: Int, freeMemoryXBytes: Double, freeNodeGroups: Int,
                running: [RunningJob], usage: [String: Double], weights: [String: Double]) {
        self.now = now
        self.totalSystems = totalSystems
        self.freeSystems = freeSystems
        self.freeMemoryXBytes = freeMemoryXBytes
        self.freeNodeGroups = freeNodeGroups
        self.running = running
        self.usage = usage
        self.weights = weights
    }

    /// Whether `job` fits in what is free now.
    public func fits(_ job: QueuedJob) -> Bool {
        job.systems <= freeSystems && job.memoryXBytes <= freeMemoryXBytes && freeNodeGroups >= 1
    }

    /// Takes `job`'s resources out of the free pool (policies use it to plan several starts).
    public mutating func reserve(_ job: QueuedJob) {
        freeSystems -= job.systems
        freeMemoryXBytes -= job.memoryXBytes
        freeNodeGroups -= 1
    }
}
