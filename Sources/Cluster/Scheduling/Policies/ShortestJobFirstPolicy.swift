import SimEngine

/// SJF: shortest (estimated) job first, non-preemptive (the classic SJF rule, e.g. Silberschatz
/// et al., "Operating System Concepts"; for parallel jobs see Feitelson et al., "Theory and
/// Practice in Parallel Job Scheduling", JSSPP 1997). The queue is ordered by the simulator's
/// estimated run time (ties: submission time, then index) and every job that fits starts; a job
/// that does not fit is skipped, so later (longer) jobs may still start.
public struct ShortestJobFirstPolicy: SchedulingPolicy {
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
}
