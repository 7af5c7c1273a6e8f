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

    /// The MemoryX node groups of a cluster of `systems` systems: the configured number, or one
    /// per system when none is (the one place that default is resolved).
    public func nodeGroups(systems: Int) -> Int { memoryXNodeGroups ?? systems }

    /// Grows a configured number of node groups to at least `systems` (a sweep or benchmark that
    /// grows the cluster keeps one group per system available); nil stays nil (one per system).
    public mutating func keepNodeGroups(atLeast systems: Int) {
        if let groups = memoryXNodeGroups { memoryXNodeGroups = max(groups, systems) }
    }
}
