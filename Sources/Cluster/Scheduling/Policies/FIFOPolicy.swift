import SimEngine

/// FIFO: strict first-come-first-served, the classic batch-queue baseline (e.g. the FCFS
/// reference policy in Feitelson & Rudolph, "Parallel Job Scheduling: Issues and Approaches",
/// JSSPP 1995). Jobs start from the head of the queue while each fits; the first job that does
/// not fit blocks everything behind it (no overtaking).
public struct FIFOPolicy: SchedulingPolicy, IndexedSchedulingPolicy {
    var grouping: QueueGrouping { .shape }
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

    /// The same decisions from the simulation's ``QueueIndex``: the heads in queue order while
    /// they fit. (The index, unlike the queue array, takes a requeued job back into the middle
    /// of the queue without moving everything behind it.)
    mutating func schedule(index: QueueIndex, cluster: ClusterView) -> [SchedulingDecision] {
        defer { index.endPass() }
        var plan = cluster
        var decisions: [SchedulingDecision] = []
        while let h = index.head() {
            let job = index.job(h.bucket, h.position)
            guard plan.fits(job) else { break }
            index.hide(bucket: h.bucket, position: h.position)
            plan.reserve(job)
            decisions.append(.start(job.index))
        }
        return decisions
    }
}
