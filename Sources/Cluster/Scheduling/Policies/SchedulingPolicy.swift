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

/// The cluster's state when a policy is asked to decide.
public struct ClusterView: Sendable, Equatable {
    /// The current simulated time.
    public var now: SimTime
    /// Systems in the cluster (free, held, failed or drained).
    public var totalSystems: Int
    /// Systems free now (not held, not failed, not drained).
    public var freeSystems: Int
    /// MemoryX capacity not held by running jobs, bytes.
    public var freeMemoryXBytes: Double
    /// MemoryX node groups not serving a job (each serves one job at a time).
    public var freeNodeGroups: Int
    /// Running jobs, in start order.
    public var running: [RunningJob]
    /// Per user: system-seconds used so far (for fair share), in user order.
    public var usage: [String: Double]
    /// Per user: fair-share weight (default 1).
    public var weights: [String: Double]

    /// A view of the cluster's state.
    public init(now: SimTime, totalSystems: Int, freeSystems: Int, freeMemoryXBytes: Double, freeNodeGroups: Int,
                running: [RunningJob], usage: [String: Double], weights: [String: Double]) {
        self.now = now
        self.totalSystems = totalSystems
        self.freeSystems = freeSystems
        self.freeMemoryXBytes = freeMemoryXBytes
        self.freeNodeGroups = freeNodeGroups
        self.running = running
        self.usage = usage
        self.weights = weights
    }

    /// Whether `job` fits in what is free now.
    public func fits(_ job: QueuedJob) -> Bool {
        job.systems <= freeSystems && job.memoryXBytes <= freeMemoryXBytes && freeNodeGroups >= 1
    }

    /// Takes `job`'s resources out of the free pool (policies use it to plan several starts).
    public mutating func reserve(_ job: QueuedJob) {
        freeSystems -= job.systems
        freeMemoryXBytes -= job.memoryXBytes
        freeNodeGroups -= 1
    }
}

/// What a policy asks the simulation to do.
public enum SchedulingDecision: Sendable, Equatable {
    /// Start the queued job with this index now.
    case start(Int)
    /// Checkpoint and requeue the running job with this index (its systems are freed once the
    /// checkpoint is written).
    case preempt(Int)
}

/// A scheduling policy: given the queue (in submission order) and the cluster, decide which jobs
/// start now and which running jobs are preempted. The simulation calls it whenever something
/// changes (arrival, end, failure, repair, preemption done) and applies the decisions in order,
/// skipping any start that no longer fits. A new policy is one new type conforming to this.
public protocol SchedulingPolicy: Sendable {
    /// The name used in scenario files and outputs (e.g. "fifo").
    var name: String { get }
    /// Decides; must be deterministic (no randomness, no dictionary iteration order).
    mutating func schedule(queue: [QueuedJob], cluster: ClusterView) -> [SchedulingDecision]
    /// Whether the policy may preempt. A policy that never preempts cannot do anything while no
    /// system is free, so the simulation does not ask it then.
    var preempts: Bool { get }
    /// Whether the policy reads ``ClusterView/usage`` (default true); when false the simulation
    /// leaves it empty instead of summing every user's usage for each decision.
    var readsUsage: Bool { get }
}

extension SchedulingPolicy {
    /// By default a policy does not preempt.
    public var preempts: Bool { false }
    /// By default a policy may read the users' usage.
    public var readsUsage: Bool { true }
}
