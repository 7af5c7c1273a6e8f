import SimEngine

/// EASY backfilling: D. Lifka, "The ANL/IBM SP Scheduling System" (JSSPP 1995), as analysed by
/// A. Mu'alem & D. Feitelson, "Utilization, Predictability, Workloads, and User Runtime
/// Estimates in Scheduling the IBM SP2 with Backfilling" (IEEE TPDS 12(6), 2001).
///
/// Jobs start from the head of the queue while they fit. When the head does not fit it gets a
/// reservation at its "shadow time": the earliest time at which enough systems, MemoryX bytes and
/// a node group become free, walking running jobs (and the starts planned in this call) by
/// estimated end (ties by index; jobs ending at the same instant are released together). The
/// resources free at that time beyond what the head needs are the "extra". A later queued job may
/// then start now if it fits and either ends by the shadow time (now + its estimated run time) or
/// uses no more than the extra systems, MemoryX bytes and node groups (which it then consumes),
/// so it cannot delay the head. A head that cannot fit even if every running job ended is
/// skipped (the simulation rejects impossible jobs; the policy just does not block on them).
public struct EASYBackfillPolicy: SchedulingPolicy, IndexedSchedulingPolicy {
    var grouping: QueueGrouping { .shape }
    /// "easy-backfill".
    public var name: String { "easy-backfill" }
    /// It never reads the users' usage.
    public var readsUsage: Bool { false }

    /// A policy (it keeps no state between calls).
    public init() {}

    /// The head job's reservation.
    struct Reservation: Equatable {
        /// When the head is expected to be able to start.
        var shadow: SimTime
        /// Systems free at the shadow time beyond the head's request.
        var extraSystems: Int
        /// MemoryX bytes free at the shadow time beyond the head's need.
        var extraMemoryXBytes: Double
        /// Node groups free at the shadow time beyond the head's one.
        var extraNodeGroups: Int

        /// Whether `job` fits within the extra.
        func holds(systems: Int, memoryXBytes: Double) -> Bool {
            systems <= extraSystems && memoryXBytes <= extraMemoryXBytes && extraNodeGroups >= 1
        }

        /// Backfills `job` (which fits now and ends by the shadow time or fits within the extra)
        /// into `plan`: a job running past the shadow time uses up part of the extra.
        mutating func backfill(_ job: QueuedJob, into plan: inout ClusterView) {
            if PolicySupport.time(plan.now, plus: job.estimatedRunTime) > shadow {
                extraSystems -= job.systems
                extraMemoryXBytes -= job.memoryXBytes
                extraNodeGroups -= 1
            }
            PolicySupport.planStart(job, in: &plan)
        }
    }

    /// Starts jobs from the head of the queue while they fit, then backfills later jobs that cannot
    /// delay the head's reservation.
    public mutating func schedule(queue: [QueuedJob], cluster: ClusterView) -> [SchedulingDecision] {
        schedule(queue: queue[...], cluster: cluster)
    }

    /// The same, over the simulation's slice (no copy: it walks the queue only as far as needed).
    public mutating func schedule(queue: ArraySlice<QueuedJob>, cluster: ClusterView) -> [SchedulingDecision] {
        var plan = cluster
        var decisions: [SchedulingDecision] = []
        var next = queue.startIndex
        while next < queue.endIndex {
            let head = queue[next]
            next += 1
            if plan.fits(head) {
                PolicySupport.planStart(head, in: &plan)
                decisions.append(.start(head.index))
                continue
            }
            // Nothing left to backfill, or no node group for anything: the reservation could not
            // change the decisions.
            if next == queue.endIndex || plan.freeNodeGroups < 1 { break }
            guard var reservation = Self.reservation(for: head, in: plan) else { continue }
            // Once no node group is free, or no system (and no queued job asks for none),
            // nothing more fits: stop instead of walking the rest of a long queue.
            var askingForNone: Bool? = nil
            for job in queue[next...] {
                if plan.freeNodeGroups < 1 { break }
                if plan.freeSystems < 1 {
                    if askingForNone == nil { askingForNone = queue.contains { $0.systems < 1 } }
                    if askingForNone == false { break }
                }
                guard plan.fits(job) else { continue }
                let endsInTime = PolicySupport.time(plan.now, plus: job.estimatedRunTime) <= reservation.shadow
                guard endsInTime || reservation.holds(systems: job.systems, memoryXBytes: job.memoryXBytes) else { continue }
                reservation.backfill(job, into: &plan)
                decisions.append(.start(job.index))
            }
            break
        }
        return decisions
    }

    /// The same decisions from the simulation's ``QueueIndex``: the heads come out of it in queue
    /// order, and each backfill step takes, over the buckets that fit now, the first job after the
    /// last one considered that either fits within the extra (any job of such a bucket) or ends by
    /// the shadow time (the first with an estimate of at most shadow - now): exactly the job the
    /// array form's walk would start next, since fitting, the extra and the shadow only shrink
    /// during a pass.
    mutating func schedule(index: QueueIndex, cluster: ClusterView) -> [SchedulingDecision] {
        defer { index.endPass() }
        var plan = cluster
        var decisions: [SchedulingDecision] = []
        while let h = index.head() {
            let head = index.job(h.bucket, h.position)
            index.hide(bucket: h.bucket, position: h.position)
            if plan.fits(head) {
                PolicySupport.planStart(head, in: &plan)
                decisions.append(.start(head.index))
                continue
            }
            if index.visibleCount == 0 || plan.freeNodeGroups < 1 { break }
            guard var reservation = Self.reservation(for: head, in: plan) else { continue }
            // now + estimate <= shadow, with the sum saturating at never as in the array form.
            let window = reservation.shadow == .never ? Int64.max - 1 : reservation.shadow.nanoseconds - plan.now.nanoseconds
            var cursor = (submit: head.submit, index: head.index)
            while true {
                var best: (bucket: Int, position: Int)? = nil
                for b in index.active where index.fits(b, plan) {
                    let bucket = index.buckets[b]
                    let withinExtra = reservation.holds(systems: bucket.systems, memoryXBytes: bucket.memoryXBytes)
                    guard let p = index.first(in: b, after: cursor, atMost: withinExtra ? Int64.max - 1 : window) else { continue }
                    if let c = best {
                        if index.precedes(b, p, c.bucket, c.position) { best = (b, p) }
                    } else {
                        best = (b, p)
                    }
                }
                guard let c = best else { break }
                let job = index.job(c.bucket, c.position)
                index.hide(bucket: c.bucket, position: c.position)
                cursor = (job.submit, job.index)
                reservation.backfill(job, into: &plan)
                decisions.append(.start(job.index))
            }
            break
        }
        return decisions
    }

    /// The reservation for `head`, which does not fit now, or nil when it could not fit even if
    /// every running job ended.
    static func reservation(for head: QueuedJob, in plan: ClusterView) -> Reservation? {
        // (end, index) is unique, so sorting just these facts gives the running jobs' order.
        let ends = plan.running.map { (estimatedEnd: $0.estimatedEnd, index: $0.index, systems: $0.systems, memoryXBytes: $0.memoryXBytes) }
            .sorted { a, b in
                if a.estimatedEnd != b.estimatedEnd { return a.estimatedEnd < b.estimatedEnd }
                return a.index < b.index
            }
        var systems = plan.freeSystems
        var memory = plan.freeMemoryXBytes
        var groups = plan.freeNodeGroups
        var k = 0
        while k < ends.count {
            let time = ends[k].estimatedEnd
            while k < ends.count && ends[k].estimatedEnd == time {
                systems += ends[k].systems
                memory += ends[k].memoryXBytes
                groups += 1
                k += 1
            }
            if head.systems <= systems && head.memoryXBytes <= memory && groups >= 1 {
                return Reservation(shadow: max(time, plan.now), extraSystems: systems - head.systems,
                                   extraMemoryXBytes: memory - head.memoryXBytes, extraNodeGroups: groups - 1)
            }
        }
        return nil
    }
}
