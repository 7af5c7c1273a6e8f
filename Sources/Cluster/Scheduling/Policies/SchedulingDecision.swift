import SimEngine

/// What a policy asks the simulation to do.
public enum SchedulingDecision: Sendable, Equatable {
    /// Start the queued job with this index now.
    case start(Int)
    /// Checkpoint and requeue the running job with this index (its systems are freed once the
    /// checkpoint is written).
    case preempt(Int)
}
