import SimEngine

/// A waiting job as a scheduling policy sees it.
public struct QueuedJob: Sendable, Equatable {
    /// Index of the job in the simulation's job list (what decisions refer to).
    public var index: Int
    /// Job identifier.
    public var id: String
    /// The user who submitted it.
    public var user: String
    /// Its priority (higher runs first under the priority policy).
    public var priority: Int
    /// When it was submitted.
    public var submit: SimTime
    /// When it (re-)entered the queue.
    public var enqueued: SimTime
    /// Systems requested.
    public var systems: Int
    /// MemoryX bytes its weights and optimizer state need.
    public var memoryXBytes: Double
    /// The simulator's own estimate of its remaining run time on an otherwise idle cluster
    /// (solo step time x remaining steps + checkpoints + start-up costs).
    public var estimatedRunTime: SimDuration
    /// Times it was restarted (failures, preemptions).
    public var restarts: Int

    /// A queued job as the simulation presents it to a policy.
    public init(index: Int, id: String, user: String, priority: Int, submit: SimTime, enqueued: SimTime, systems: Int,
                memoryXBytes: Double, estimatedRunTime: SimDuration, restarts: Int = 0) {
        self.index = index
        self.id = id
        self.user = user
        self.priority = priority
        self.submit = submit
        self.enqueued = enqueued
        self.systems = systems
        self.memoryXBytes = memoryXBytes
        self.estimatedRunTime = estimatedRunTime
        self.restarts = restarts
    }
}
