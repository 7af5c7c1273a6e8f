import SimEngine

/// How a ``QueueIndex`` groups the queued jobs: always by shape (systems and MemoryX bytes, the
/// two things that decide whether a job fits), and for some policies also by user or priority.
enum QueueGrouping: Sendable {
    case shape, shapeAndUser, shapeAndPriority
}

/// The queue as the policies that look past its head need it, kept across scheduling passes so
/// that a pass costs about (starts + 1) x (groups) x log(queue) instead of the whole queue: a burst
/// of n simultaneous arrivals then costs O(n log n), not O(n^2) (issue 22, item 6).
///
/// Jobs are grouped in buckets of one shape (and user or priority, see ``QueueGrouping``). Every
/// job of a bucket fits exactly when one does, so a pass skips a whole bucket that does not fit.
/// Each bucket keeps its jobs in queue order, (submit time, index), with the removed ones left as
/// holes until they outnumber the rest, and a segment tree of the jobs' estimated run times
/// (a hole counts as +infinity), which answers "the first job after this one whose estimate is at
/// most T" and "the shortest job" in O(log n). Estimates are below Int64.max / 2 (a job's run
/// alone is at most a quarter of the range, ``ClusterSimulation/maxSoloRunNanoseconds``), so
/// Int64.max is free to mark a hole.
///
/// A pass marks the jobs it has dealt with (planned starts, skipped heads) as hidden; ``endPass()``
/// shows them again. The simulation removes a job when it really starts, and inserts it when it
/// arrives or is requeued. ``work`` counts the tree nodes and buckets visited, so that tests can
/// bound the cost without a clock. (Its state is touched only by the simulation's thread, so the
/// runtime exclusivity checks of class properties are turned off, as in ``ClusterSimulation``.)
final class QueueIndex {
    struct Key: Hashable {
        var systems: Int
        var memoryBits: UInt64
        var user: String
        var priority: Int
    }

    final class Bucket {
        let key: Key
        let systems: Int
        let memoryXBytes: Double
        /// In (submit, index) order; holes included.
        @exclusivity(unchecked) var jobs: [QueuedJob] = []
        @exclusivity(unchecked) var live: [Bool] = []
        /// Segment tree over positions 0..<capacity: tree[capacity + p] is job p's estimate (ns)
        /// or Int64.max for a hole, a hidden job or no job; inner nodes hold the minimum.
        @exclusivity(unchecked) var tree: [Int64] = []
        @exclusivity(unchecked) var capacity = 0
        /// No live job before this position.
        @exclusivity(unchecked) var first = 0
        @exclusivity(unchecked) var liveCount = 0

        init(key: Key, systems: Int, memoryXBytes: Double) {
            self.key = key
            self.systems = systems
            self.memoryXBytes = memoryXBytes
        }

        static let hole = Int64.max

        func rebuild() {
            capacity = 16
            while capacity < jobs.count { capacity *= 2 }
            tree = Array(repeating: Self.hole, count: 2 * capacity)
            for p in jobs.indices where live[p] { tree[capacity + p] = jobs[p].estimatedRunTime.nanoseconds }
            var n = capacity - 1
            while n >= 1 { tree[n] = min(tree[2 * n], tree[2 * n + 1]); n -= 1 }
        }

        /// Sets job p's leaf and the minima above it (stopping at the first that is unchanged,
        /// exact whether the leaf grew or shrank).
        func set(_ p: Int, _ value: Int64) {
            var n = capacity + p
            tree[n] = value
            n /= 2
            while n >= 1 {
                let m = min(tree[2 * n], tree[2 * n + 1])
                if tree[n] == m { break }
                tree[n] = m
                n /= 2
            }
        }

        /// Job p's leaf value when visible (its estimate, or a hole).
        func value(_ p: Int) -> Int64 { live[p] ? jobs[p].estimatedRunTime.nanoseconds : Self.hole }

        /// The first position `from` or later (not a hole, not hidden) whose estimate is at most
        /// `limit` (which must be below ``hole``); `work` counts the nodes visited.
        func leftmost(from: Int, atMost limit: Int64, work: inout Int) -> Int? {
            guard from < jobs.count, tree[1] <= limit else { return nil }
            // Walk up from the leaf at `from`: the first node whose range starts at or after
            // `from` with a minimum at most `limit`, then down to its leftmost such leaf.
            var n = capacity + from
            while true {
                work += 1
                if tree[n] <= limit { break }
                // Move to the next subtree to the right: climb while n is a right child.
                while n & 1 == 1 {
                    n >>= 1
                    if n == 0 { return nil }
                }
                n += 1
            }
            while n < capacity {
                work += 1
                n = tree[2 * n] <= limit ? 2 * n : 2 * n + 1
            }
            return n - capacity
        }

        /// The first position whose job comes after (submit, index) in queue order.
        func position(after submit: SimTime, _ index: Int) -> Int {
            var lo = 0, hi = jobs.count
            while lo < hi {
                let mid = (lo + hi) / 2
                let j = jobs[mid]
                if (j.submit, j.index) <= (submit, index) { lo = mid + 1 } else { hi = mid }
            }
            return lo
        }
    }

    let grouping: QueueGrouping
    @exclusivity(unchecked) private(set) var buckets: [Bucket] = []
    @exclusivity(unchecked) private var slot: [Key: Int] = [:]
    /// Buckets holding at least one job, in no particular order.
    @exclusivity(unchecked) private(set) var active: [Int] = []
    @exclusivity(unchecked) private var activePosition: [Int] = []
    /// Jobs queued.
    @exclusivity(unchecked) private(set) var count = 0
    /// Jobs hidden by the current pass: (bucket, position).
    @exclusivity(unchecked) private var hidden: [(bucket: Int, position: Int)] = []
    /// Tree nodes, entries and buckets visited so far (a cost measure for tests).
    @exclusivity(unchecked) var work = 0

    init(grouping: QueueGrouping) { self.grouping = grouping }

    /// Jobs queued and not hidden by the current pass.
    var visibleCount: Int { count - hidden.count }

    func key(of job: QueuedJob) -> Key {
        Key(systems: job.systems, memoryBits: job.memoryXBytes.bitPattern,
            user: grouping == .shapeAndUser ? job.user : "",
            priority: grouping == .shapeAndPriority ? job.priority : 0)
    }

    /// Adds a queued job (at its place in queue order within its bucket).
    func insert(_ job: QueuedJob) {
        let k = key(of: job)
        let b: Int
        if let s = slot[k] { b = s } else {
            b = buckets.count
            buckets.append(Bucket(key: k, systems: job.systems, memoryXBytes: job.memoryXBytes))
            activePosition.append(-1)
            slot[k] = b
        }
        let bucket = buckets[b]
        if bucket.liveCount == 0 {
            bucket.jobs.removeAll(keepingCapacity: true)
            bucket.live.removeAll(keepingCapacity: true)
            bucket.first = 0
            activePosition[b] = active.count
            active.append(b)
        }
        if let last = bucket.jobs.last, (last.submit, last.index) > (job.submit, job.index) {
            // A requeued job goes back to its place: rebuild this bucket (rare: failures, preemptions).
            let p = bucket.position(after: job.submit, job.index)
            bucket.jobs.insert(job, at: p)
            bucket.live.insert(true, at: p)
            bucket.first = min(bucket.first, p)
            bucket.rebuild()
        } else {
            bucket.jobs.append(job)
            bucket.live.append(true)
            if bucket.jobs.count > bucket.capacity { bucket.rebuild() } else { bucket.set(bucket.jobs.count - 1, job.estimatedRunTime.nanoseconds) }
        }
        bucket.liveCount += 1
        count += 1
    }

    /// Removes a queued job (found by its key and queue order); false when it is not queued.
    @discardableResult
    func remove(_ job: QueuedJob) -> Bool {
        guard let b = slot[key(of: job)] else { return false }
        let bucket = buckets[b]
        let p = bucket.position(after: job.submit, job.index) - 1
        guard p >= 0, bucket.jobs[p].index == job.index, bucket.live[p] else { return false }
        bucket.live[p] = false
        bucket.set(p, Bucket.hole)
        bucket.liveCount -= 1
        count -= 1
        if bucket.liveCount == 0 {
            bucket.jobs = []
            bucket.live = []
            bucket.tree = []
            bucket.capacity = 0
            bucket.first = 0
            let at = activePosition[b], last = active.removeLast()
            if last != b { active[at] = last; activePosition[last] = at }
            activePosition[b] = -1
            return true
        }
        while bucket.first < bucket.jobs.count && !bucket.live[bucket.first] { bucket.first += 1 }
        if bucket.jobs.count > 64 && bucket.liveCount * 2 < bucket.jobs.count {
            var kept: [QueuedJob] = []
            kept.reserveCapacity(bucket.liveCount)
            for q in bucket.jobs.indices where bucket.live[q] { kept.append(bucket.jobs[q]) }
            bucket.jobs = kept
            bucket.live = Array(repeating: true, count: kept.count)
            bucket.first = 0
            bucket.rebuild()
        }
        return true
    }

    /// Replaces the view of every queued job asking for `systems` systems (estimates change when
    /// a compile finishes, and only for jobs of the configuration compiled, which asks for a
    /// fixed number of systems): O(those jobs).
    func refresh(systems: Int, _ view: (QueuedJob) -> QueuedJob) {
        for b in active where buckets[b].systems == systems {
            let bucket = buckets[b]
            for p in bucket.jobs.indices where bucket.live[p] { bucket.jobs[p] = view(bucket.jobs[p]) }
            bucket.rebuild()
        }
    }

    /// Forgets every job.
    func removeAll() {
        buckets = []
        slot = [:]
        active = []
        activePosition = []
        hidden = []
        count = 0
    }

    // MARK: Passes

    /// Marks a job as dealt with in this pass: no query returns it until ``endPass()``.
    func hide(bucket b: Int, position p: Int) {
        buckets[b].set(p, Bucket.hole)
        hidden.append((b, p))
    }

    /// Shows every job hidden by the pass again.
    func endPass() {
        for h in hidden { buckets[h.bucket].set(h.position, buckets[h.bucket].value(h.position)) }
        hidden.removeAll(keepingCapacity: true)
    }

    /// Whether every job of bucket `b` fits in `plan` now.
    func fits(_ b: Int, _ plan: ClusterView) -> Bool {
        let bucket = buckets[b]
        return bucket.systems <= plan.freeSystems && bucket.memoryXBytes <= plan.freeMemoryXBytes && plan.freeNodeGroups >= 1
    }

    /// The first visible job of bucket `b` in queue order, optionally only after (submit, index)
    /// and with an estimate of at most `limit`: its position.
    func first(in b: Int, after cursor: (submit: SimTime, index: Int)? = nil, atMost limit: Int64 = Int64.max - 1) -> Int? {
        let bucket = buckets[b]
        guard bucket.capacity > 0, bucket.tree[1] <= limit else { return nil }
        let from = cursor.map { bucket.position(after: $0.submit, $0.index) } ?? bucket.first
        return bucket.leftmost(from: max(from, bucket.first), atMost: limit, work: &work)
    }

    /// The visible job of bucket `b` with the shortest estimate (ties: queue order): its position.
    func shortest(in b: Int) -> Int? {
        let bucket = buckets[b]
        guard bucket.capacity > 0, bucket.tree[1] != Bucket.hole else { return nil }
        return bucket.leftmost(from: bucket.first, atMost: bucket.tree[1], work: &work)
    }

    /// The job at position `p` of bucket `b`.
    func job(_ b: Int, _ p: Int) -> QueuedJob { buckets[b].jobs[p] }

    /// Whether the job at (b, p) comes before the one at (c, q) in queue order (submit, index).
    @inline(__always) func precedes(_ b: Int, _ p: Int, _ c: Int, _ q: Int) -> Bool {
        let x = buckets[b], y = buckets[c]
        let xs = x.jobs[p].submit, ys = y.jobs[q].submit
        return xs != ys ? xs < ys : x.jobs[p].index < y.jobs[q].index
    }

    /// The first visible job in queue order over every bucket (optionally only buckets that
    /// `include` accepts): bucket and position.
    func head(where include: (Int) -> Bool = { _ in true }) -> (bucket: Int, position: Int)? {
        var best: (bucket: Int, position: Int)? = nil
        for b in active where include(b) {
            work += 1
            guard let p = first(in: b) else { continue }
            if let c = best {
                if precedes(b, p, c.bucket, c.position) { best = (b, p) }
            } else {
                best = (b, p)
            }
        }
        return best
    }
}

/// A built-in policy that can decide from a ``QueueIndex`` (the simulation keeps one for it)
/// instead of the whole queue; its decisions are exactly those of its array form, which stays
/// the reference (tests compare the two).
protocol IndexedSchedulingPolicy: SchedulingPolicy {
    /// How the index groups the queue for this policy.
    var grouping: QueueGrouping { get }
    /// The same decisions as ``SchedulingPolicy/schedule(queue:cluster:)`` over the jobs in `index`.
    mutating func schedule(index: QueueIndex, cluster: ClusterView) -> [SchedulingDecision]
}
