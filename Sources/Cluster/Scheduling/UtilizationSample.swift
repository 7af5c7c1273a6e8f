import SimEngine

/// One point of the cluster's time series (written when something changes).
public struct UtilizationSample: Sendable, Equatable {
    /// Simulated time of the sample; its values hold until the next sample.
    public var time: SimTime
    /// Systems held by a job (starting, running or checkpointing).
    public var busySystems: Int
    /// Systems failed or in maintenance.
    public var downSystems: Int
    /// Jobs waiting in the queue.
    public var queueLength: Int
    /// MemoryX bytes held by the running jobs' weights and optimizer state.
    public var memoryXBytesInUse: Double
    /// Jobs holding systems (starting, running or checkpointing).
    public var runningJobs: Int
}
