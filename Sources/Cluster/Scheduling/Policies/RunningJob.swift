import SimEngine

/// A running job as a scheduling policy sees it.
public struct RunningJob: Sendable, Equatable {
    /// Index of the job in the simulation's job list (what decisions refer to).
    public var index: Int
    /// The user who submitted it.
    public var user: String
    /// Its priority.
    public var priority: Int
    /// Systems it holds.
    public var systems: Int
    /// MemoryX bytes its weights and optimizer state hold.
    public var memoryXBytes: Double
    /// When it took its current systems (start-up included).
    public var start: SimTime
    /// The simulator's current estimate of when it ends.
    public var estimatedEnd: SimTime

    /// A running job as a policy sees it.
    public init(index: Int, user: String, priority: Int, systems: Int, memoryXBytes: Double, start: SimTime, estimatedEnd: SimTime) {
        self.index = index
        self.user = user
        self.priority = priority
        self.systems = systems
        self.memoryXBytes = memoryXBytes
        self.start = start
        self.estimatedEnd = estimatedEnd
    }
}
