import SimEngine

/// A scheduling policy: given the queue (in submission order) and the cluster, decide which jobs
/// start now and which running jobs are preempted. The simulation calls it whenever something
/// changes (arrival, end, failure, repair, preemption done) and applies the decisions in order,
/// skipping any start that no longer fits. A new policy is one new type conforming to this.
public protocol SchedulingPolicy: Sendable {
    /// The name used in scenario files and outputs (e.g. "fifo").
    var name: String { get }
    /// Decides; must be deterministic (no randomness, no dictionary iteration order).
    mutating func schedule(queue: [QueuedJob], cluster: ClusterView) -> [SchedulingDecision]
    /// The same decision over the queue as the simulation keeps it (a slice, so that taking the
    /// head job out costs O(1) however long the queue; its indices need not start at 0). The
    /// default copies it into an array and calls the array form; a policy that
    /// looks only at the head of a long queue implements this one to avoid the copy.
    mutating func schedule(queue: ArraySlice<QueuedJob>, cluster: ClusterView) -> [SchedulingDecision]
    /// Whether the policy may preempt. A policy that never preempts cannot do anything while no
    /// system is free, so the simulation does not ask it then.
    var preempts: Bool { get }
    /// Whether the policy reads ``ClusterView/usage`` (default true); when false the simulation
    /// leaves it empty instead of summing every user's usage for each decision.
    var readsUsage: Bool { get }
}

extension SchedulingPolicy {
    /// By default the slice is copied into an array.
    public mutating func schedule(queue: ArraySlice<QueuedJob>, cluster: ClusterView) -> [SchedulingDecision] {
        schedule(queue: Array(queue), cluster: cluster)
    }

    /// By default a policy does not preempt.
    public var preempts: Bool { false }
    /// By default a policy may read the users' usage.
    public var readsUsage: Bool { true }
}
