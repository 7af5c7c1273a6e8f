import SimEngine

/// How ``ExactContention`` measures a mix of jobs: over a window of simulated time, as each
/// job's slowdown against its own pass timeline alone (docs/cluster.md, "Exact contention").
public struct ProbeWindow: Sendable, Equatable {
    /// Weight broadcasts every job finishes before the window opens (past its cold start).
    public var warmPasses = 4
    /// Simulated time the window lasts at least.
    public var length = SimDuration(nanoseconds: 100_000_000)
    /// Weight broadcasts every job finishes inside the window at least (the window is
    /// lengthened until each has).
    public var minPasses = 16
    /// Steps' worth of weight broadcasts every job finishes inside the window at least, so that
    /// the window spans every phase of every job's step (forward, backward, boundary).
    public var minSteps = 1

    /// The default window.
    public init() {}
}
