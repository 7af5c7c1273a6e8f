import SimEngine

/// SJF: shortest (estimated) job first, non-preemptive (the classic SJF rule, e.g. Silberschatz
/// et al., "Operating System Concepts"; for parallel jobs see Feitelson et al., "Theory and
/// Practice in Parallel Job Scheduling", JSSPP 1997). The queue is ordered by the simulator's
/// estimated run time (ties: submission time, then index) and every job that fits starts; a job
/// that does not fit is skipped, so later (longer) jobs may still start.
public struct ShortestJobFirstPolicy: SchedulingPolicy, IndexedSchedulingPolicy {
    var grouping: QueueGrouping { .shape }
    /// "sjf".
    public var name: String { "sjf" }
    /// It never reads the users' usage.
    public var readsUsage: Bool { false }

    /// A policy (it keeps no state).
    public init() {}

    /// Starts every job that fits, shortest estimated run time first.
    public mutating func schedule(queue: [QueuedJob], cluster: ClusterView) -> [SchedulingDecision] {
        let ordered = queue.sorted { a, b in
            if a.estimatedRunTime != b.estimatedRunTime { return a.estimatedRunTime < b.estimatedRunTime }
            return PolicySupport.submittedBefore(a, b)
        }
        var plan = cluster
        var decisions: [SchedulingDecision] = []
        for job in ordered where plan.fits(job) {
            plan.reserve(job)
            decisions.append(.start(job.index))
        }
        return decisions
    }

    /// The same decisions from the simulation's ``QueueIndex``: the next start is the shortest
    /// job over the buckets that fit now (a job skipped by the array form's walk never fits later
    /// in the pass, so it is never the next start there either).
    mutating func schedule(index: QueueIndex, cluster: ClusterView) -> [SchedulingDecision] {
        defer { index.endPass() }
        var plan = cluster
        var decisions: [SchedulingDecision] = []
        while true {
            var best: (bucket: Int, position: Int)? = nil
            for b in index.active where index.fits(b, plan) {
                guard let p = index.shortest(in: b) else { continue }
                if let c = best {
                    let x = index.job(b, p), y = index.job(c.bucket, c.position)
                    if (x.estimatedRunTime, x.submit, x.index) < (y.estimatedRunTime, y.submit, y.index) { best = (b, p) }
                } else {
                    best = (b, p)
                }
            }
            guard let c = best else { break }
            let job = index.job(c.bucket, c.position)
            index.hide(bucket: c.bucket, position: c.position)
            plan.reserve(job)
            decisions.append(.start(job.index))
        }
        return decisions
    }
}
