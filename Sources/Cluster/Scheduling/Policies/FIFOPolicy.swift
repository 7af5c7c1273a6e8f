import SimEngine

/// FIFO: strict first-come-first-served, the classic batch-queue baseline (e.g. the FCFS
/// reference policy in Feitelson & Rudolph, "Parallel Job Scheduling: Issues and Approaches",
/// JSSPP 1995). Jobs start from the head of the queue while each fits; the first job that does
/// not fit blocks everything behind it (no overtaking).
public struct FIFOPolicy: SchedulingPolicy {
    /// "fifo".
    public var name: String { "fifo" }
    /// It never reads the users' usage.
    public var readsUsage: Bool { false }

    /// A policy (it keeps no state).
    public init() {}

    /// Starts jobs in queue order up to the first that does not fit.
    public mutating func schedule(queue: [QueuedJob], cluster: ClusterView) -> [SchedulingDecision] {
        schedule(queue: queue[...], cluster: cluster)
    }

    /// The same, over the simulation's slice (no copy: it reads only the head).
    public mutating func schedule(queue: ArraySlice<QueuedJob>, cluster: ClusterView) -> [SchedulingDecision] {
        var plan = cluster
        var decisions: [SchedulingDecision] = []
        for job in queue {
            guard plan.fits(job) else { break }
            plan.reserve(job)
            decisions.append(.start(job.index))
        }
        return decisions
    }
}
