import SimEngine

/// Fair share: weighted fair-share scheduling between users, after J. Kay & P. Lauder, "A Fair
/// Share Scheduler" (CACM 31(1), 1988), in the batch form used by e.g. Slurm's fair-share factor
/// and Maui/Moab (D. Jackson et al., "Core Algorithms of the Maui Scheduler", JSSPP 2001).
///
/// Queued jobs are ordered by their user's normalized usage, usage[user] / weight[user]
/// (system-seconds; missing usage counts as 0, a missing, non-positive or non-finite weight as 1),
/// ties by submission time, then index. Jobs start greedily (a job that does not fit is skipped);
/// after each planned start its user's planned usage grows by systems x estimated run time
/// (seconds), so one user cannot take the whole cluster in one round.
public struct FairSharePolicy: SchedulingPolicy, IndexedSchedulingPolicy {
    var grouping: QueueGrouping { .shapeAndUser }
    /// "fair-share".
    public var name: String { "fair-share" }

    /// A policy (it keeps no state; usage comes from the cluster view).
    public init() {}

    /// Starts every job that fits, the user with the lowest normalized usage first.
    public mutating func schedule(queue: [QueuedJob], cluster: ClusterView) -> [SchedulingDecision] {
        // Per user (sorted by name): their jobs in (submit, index) order, a cursor, and usage.
        let users = Array(Set(queue.map(\.user))).sorted()
        var jobs: [[QueuedJob]] = Array(repeating: [], count: users.count)
        var slot: [String: Int] = [:]
        for (i, user) in users.enumerated() { slot[user] = i }
        for job in queue {
            if let i = slot[job.user] { jobs[i].append(job) }
        }
        for i in jobs.indices { jobs[i].sort(by: PolicySupport.submittedBefore) }
        var cursor = Array(repeating: 0, count: users.count)
        var share = users.map { Self.normalizedUsage(user: $0, cluster: cluster) }
        let weight = users.map { Self.weight(user: $0, cluster: cluster) }

        var plan = cluster
        var decisions: [SchedulingDecision] = []
        while true {
            // The user whose next job comes first: lowest share, then earliest submit, index.
            var best: Int? = nil
            for u in users.indices where cursor[u] < jobs[u].count {
                guard let b = best else { best = u; continue }
                let (x, y) = (jobs[u][cursor[u]], jobs[b][cursor[b]])
                if share[u] < share[b] || (share[u] == share[b] && PolicySupport.submittedBefore(x, y)) {
                    best = u
                }
            }
            guard let u = best else { break }
            let job = jobs[u][cursor[u]]
            cursor[u] += 1
            guard plan.fits(job) else { continue }
            plan.reserve(job)
            decisions.append(.start(job.index))
            share[u] += Double(job.systems) * max(0, job.estimatedRunTime.seconds) / weight[u]
        }
        return decisions
    }

    /// The same decisions from the simulation's ``QueueIndex`` (grouped by shape and user): the
    /// next start is, over the buckets that fit now, the job first by (its user's share, submit,
    /// index). In the array form a job that does not fit is skipped without changing any share,
    /// and never fits later in the pass, so the user chosen there next is the one whose first
    /// fitting job comes first by the same order.
    mutating func schedule(index: QueueIndex, cluster: ClusterView) -> [SchedulingDecision] {
        defer { index.endPass() }
        var share: [String: Double] = [:]
        var weight: [String: Double] = [:]
        for b in index.active {
            let user = index.buckets[b].key.user
            if share[user] == nil {
                share[user] = Self.normalizedUsage(user: user, cluster: cluster)
                weight[user] = Self.weight(user: user, cluster: cluster)
            }
        }
        var plan = cluster
        var decisions: [SchedulingDecision] = []
        while true {
            var best: (bucket: Int, position: Int, share: Double)? = nil
            for b in index.active where index.fits(b, plan) {
                guard let p = index.first(in: b) else { continue }
                let s = share[index.buckets[b].key.user] ?? 0
                if let c = best {
                    if s < c.share || (s == c.share && PolicySupport.submittedBefore(index.job(b, p), index.job(c.bucket, c.position))) {
                        best = (b, p, s)
                    }
                } else {
                    best = (b, p, s)
                }
            }
            guard let c = best else { break }
            let job = index.job(c.bucket, c.position)
            index.hide(bucket: c.bucket, position: c.position)
            plan.reserve(job)
            decisions.append(.start(job.index))
            share[job.user, default: 0] += Double(job.systems) * max(0, job.estimatedRunTime.seconds) / (weight[job.user] ?? 1)
        }
        return decisions
    }

    /// The user's fair-share weight: as given when positive and finite, else 1.
    static func weight(user: String, cluster: ClusterView) -> Double {
        let w = cluster.weights[user] ?? 1
        return w.isFinite && w > 0 ? w : 1
    }

    /// usage / weight, with missing or invalid usage counted as 0.
    static func normalizedUsage(user: String, cluster: ClusterView) -> Double {
        let usage = cluster.usage[user] ?? 0
        return (usage.isFinite && usage > 0 ? usage : 0) / weight(user: user, cluster: cluster)
    }
}
