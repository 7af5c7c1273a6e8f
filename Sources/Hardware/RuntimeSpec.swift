import SimEngine

/// The host-side runtime that coordinates a job's systems each step (no published figure: the
/// values are assumed; docs/model.md).
public struct RuntimeSpec: Sendable, Equatable {
    /// Fixed time per step spent by the coordinator between the last optimizer update and the
    /// next step's first broadcast (assumed: 1 ms).
    public var stepOverhead = SimDuration.microseconds(1000)
    /// Added per doubling of the systems (a barrier across the job's hosts: ceil(log2 N) rounds;
    /// assumed: 0.25 ms per round).
    public var stepOverheadPerDoubling = SimDuration.microseconds(250)
    /// The assumed defaults.
    public init() {}

    /// The coordinator's time per step for a job on `systems` systems.
    public func overhead(systems: Int) throws(SimulationError) -> SimDuration {
        var rounds: Int64 = 0
        while (1 << rounds) < systems { rounds += 1 }
        return try stepOverhead.adding(try stepOverheadPerDoubling.multiplied(by: rounds, "coordinator overhead"))
    }
}
