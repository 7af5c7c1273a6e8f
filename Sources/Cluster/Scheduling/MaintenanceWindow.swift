import SimEngine

/// A maintenance window: the listed systems are drained (running jobs on them are checkpointed
/// and requeued) and unavailable from `start` for `duration`.
public struct MaintenanceWindow: Sendable, Equatable {
    /// When the drain begins.
    public var start: SimTime
    /// How long the systems stay unavailable.
    public var duration: SimDuration
    /// Indexes of the systems drained (0-based).
    public var systems: [Int]
    /// A window draining `systems` from `start` for `duration`.
    public init(start: SimTime, duration: SimDuration, systems: [Int]) {
        self.start = start
        self.duration = duration
        self.systems = systems
    }
}
