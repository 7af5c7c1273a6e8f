import SimEngine

/// Priority with preemption: strict priority scheduling in which a waiting job may checkpoint
/// and requeue running jobs of strictly lower priority, in the spirit of Slurm's
/// `PreemptType=preempt/partition_prio` with `PreemptMode=REQUEUE` (SchedMD, "Preemption"
/// documentation) and of Borg's priority preemption (Verma et al., "Large-scale cluster
/// management at Google with Borg", EuroSys 2015).
///
/// The queue is ordered by priority, highest first (ties: submission time, then index); jobs that
/// fit start greedily. For a job that does not fit, running jobs of strictly lower priority are
/// considered as victims, lowest priority first, then most recently started first (ties: higher
/// index first); if preempting some prefix of them would free enough systems, MemoryX bytes and
/// node groups, exactly that prefix is preempted (only as many as needed) and the job is not
/// started this round: it starts once the victims' checkpoints are written and their systems
/// return. The free resources it will use besides the victims' are held back from lower-ordered
/// jobs in the same call. A running job is chosen as a victim at most once per call, and nothing
/// is preempted for a job that would not fit even then.
///
/// Across calls the policy remembers the victims it asked for (by index and start time): while
/// such a job is still listed as running (writing its checkpoint), it is not preempted again and
/// its resources count as already on their way to the highest-ordered waiting job that needs
/// them, so a later call (say, on an arrival) does not pick fresh victims for the same job.
public struct PriorityPreemptionPolicy: SchedulingPolicy, IndexedSchedulingPolicy {
    var grouping: QueueGrouping { .shapeAndPriority }
    /// "priority-preempt".
    public var name: String { "priority-preempt" }
    /// It never reads the users' usage.
    public var readsUsage: Bool { false }
    /// It preempts lower-priority jobs.
    public var preempts: Bool { true }

    /// Victims requested in earlier calls: job index -> the start time of the run preempted.
    private var pending: [Int: SimTime] = [:]

    /// A policy with no victims remembered.
    public init() {}

    /// Starts jobs by priority and preempts lower-priority running jobs where that makes room.
    public mutating func schedule(queue: [QueuedJob], cluster: ClusterView) -> [SchedulingDecision] {
        let ordered = queue.sorted { a, b in
            if a.priority != b.priority { return a.priority > b.priority }
            return PolicySupport.submittedBefore(a, b)
        }
        var pass = Pass(cluster: cluster, pending: pending)
        for job in ordered { pass.act(on: job) }
        pending = pass.stillPending
        return pass.decisions
    }

    /// One scheduling pass: what is planned, and the victims counted so far.
    struct Pass {
        /// Earlier victims still checkpointing (in start order), and fresh victim candidates in
        /// preemption order; a job leaves its list once counted for some waiting job.
        var incoming: [RunningJob]
        var candidates: [RunningJob]
        var stillPending: [Int: SimTime] = [:]
        var plan: ClusterView
        var decisions: [SchedulingDecision] = []

        init(cluster: ClusterView, pending: [Int: SimTime]) {
            incoming = cluster.running.filter { pending[$0.index] == $0.start }
            candidates = cluster.running.filter { pending[$0.index] != $0.start }.sorted { a, b in
                if a.priority != b.priority { return a.priority < b.priority }
                if a.start != b.start { return a.start > b.start }
                return a.index > b.index
            }
            for r in incoming { stillPending[r.index] = r.start }
            plan = cluster
        }

        /// Starts `job` if it fits; otherwise preempts the shortest prefix of its victim pool that
        /// makes room, if any does.
        mutating func act(on job: QueuedJob) {
            if plan.fits(job) {
                plan.reserve(job)
                decisions.append(.start(job.index))
                return
            }
            let pool = incoming + candidates.filter { $0.priority < job.priority }
            guard let used = PriorityPreemptionPolicy.prefixFreeing(job, pool: pool, plan: plan) else { return }
            let taken = pool.prefix(used)
            let systems = taken.reduce(0) { $0 + $1.systems }
            let memory = taken.reduce(0.0) { $0 + $1.memoryXBytes }
            // Hold back the free resources the job will need on top of the victims'.
            plan.freeSystems -= max(0, job.systems - systems)
            plan.freeMemoryXBytes -= max(0, job.memoryXBytes - memory)
            for victim in taken {
                if incoming.contains(victim) {
                    incoming.removeAll { $0 == victim }
                } else {
                    candidates.removeAll { $0 == victim }
                    stillPending[victim.index] = victim.start
                    decisions.append(.preempt(victim.index))
                }
            }
        }
    }

    /// The same decisions from the simulation's ``QueueIndex`` (grouped by shape and priority).
    /// In the array form a waiting job does something only when it fits, or when preempting the
    /// whole of its victim pool (victims still checkpointing, and running jobs of lower priority
    /// not yet chosen) would make room: i.e. when its shape fits in what is free plus that pool.
    /// Along the order that capacity only shrinks (free resources are taken, victims are used,
    /// and the lower-priority pool narrows with the priority), so the jobs that do nothing can be
    /// passed over: priority by priority, the next job acted on is the first in queue order over
    /// the buckets of that priority whose shape fits the current capacity.
    mutating func schedule(index: QueueIndex, cluster: ClusterView) -> [SchedulingDecision] {
        defer { index.endPass() }
        let levels = Array(Set(index.active.map { index.buckets[$0].key.priority })).sorted(by: >)
        var pass = Pass(cluster: cluster, pending: pending)
        for level in levels {
            while true {
                var systems = pass.plan.freeSystems, memory = pass.plan.freeMemoryXBytes, groups = pass.plan.freeNodeGroups
                for r in pass.incoming { systems += r.systems; memory += r.memoryXBytes; groups += 1 }
                for r in pass.candidates where r.priority < level { systems += r.systems; memory += r.memoryXBytes; groups += 1 }
                guard groups >= 1, let h = index.head(where: { b in
                    let bucket = index.buckets[b]
                    return bucket.key.priority == level && bucket.systems <= systems && bucket.memoryXBytes <= memory
                }) else { break }
                let job = index.job(h.bucket, h.position)
                index.hide(bucket: h.bucket, position: h.position)
                pass.act(on: job)
            }
        }
        pending = pass.stillPending
        return pass.decisions
    }

    /// The length of the shortest prefix of `pool` whose resources, added to what is free in
    /// `plan`, let `job` fit; nil when even the whole pool is not enough.
    static func prefixFreeing(_ job: QueuedJob, pool: [RunningJob], plan: ClusterView) -> Int? {
        var systems = plan.freeSystems
        var memory = plan.freeMemoryXBytes
        var groups = plan.freeNodeGroups
        for (n, victim) in pool.enumerated() {
            systems += victim.systems
            memory += victim.memoryXBytes
            groups += 1
            if job.systems <= systems && job.memoryXBytes <= memory && groups >= 1 { return n + 1 }
        }
        return nil
    }
}
