import SimEngine

/// Costs outside the training steps (ALCF CS-2 cluster logs, R2.1.1).
public struct FixedCosts: Sendable, Equatable {
    /// Time in the queue before the job starts (measured: up to about 14 min; default 0: an
    /// idle cluster, the multi-tenant scheduler simulates queueing).
    public var queueWait: SimDuration = .zero
    /// Compilation (measured: about 34 min).
    public var compile: SimDuration = .seconds(34 * 60)
    /// A compile matching model, batch and system count is cached: no compile cost.
    public var compileCached = false
    /// Initial weight load into MemoryX and the systems (measured: 1.5-2.2 min; midpoint).
    public var initialWeightLoad: SimDuration = .seconds(111)
    /// Device programming (measured: about 1.4 min).
    public var programming: SimDuration = .seconds(84)
    /// Fixed part of one checkpoint (measured: each checkpoint 4-11 min; 4 min taken as the
    /// fixed part, the rest grows with the state written).
    public var checkpointBase: SimDuration = .seconds(240)
    /// Rate at which a checkpoint writes weights and optimizer state, bytes/s (assumed).
    public var checkpointBytesPerSecond: Double = 2e9
    /// The measured defaults.
    public init() {}
}
