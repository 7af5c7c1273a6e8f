import SimEngine

/// What the scheduler needs besides the jobs, the policy and the hardware: MemoryX node groups,
/// failures, maintenance, the horizon, the users' fair shares and the invariant checks. (The
/// hardware, the efficiency model and the seed come from the scenario: see ``ClusterSimulation``.)
public struct ClusterConfig: Sendable, Equatable {
    /// MemoryX node groups; each serves one job at a time (ALCF CS-3 cluster docs; assumed to
    /// carry over to Andromeda). Nil: one per system.
    public var memoryXNodeGroups: Int?
    /// Random system failures (nil: none).
    public var failures: FailureModel?
    /// Maintenance windows.
    public var maintenance: [MaintenanceWindow]
    /// Stop here; jobs not finished are reported unfinished with a reason (nil: run to the end).
    public var horizon: SimTime?
    /// Fair-share weight of each user (missing: 1): the only place shares are kept.
    public var userShares: [String: Double]
    /// Check the invariants after every event (cheap: proportional to systems and running jobs).
    public var checkInvariants: Bool

    /// One MemoryX node group per system, no failures, no maintenance, no horizon, equal shares
    /// and invariant checks on.
    public init(memoryXNodeGroups: Int? = nil, userShares: [String: Double] = [:]) {
        self.memoryXNodeGroups = memoryXNodeGroups
        failures = nil
        maintenance = []
        horizon = nil
        self.userShares = userShares
        checkInvariants = true
    }
}
