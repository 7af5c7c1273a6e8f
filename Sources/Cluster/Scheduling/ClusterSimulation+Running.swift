import Hardware
import SimEngine
import Training

extension ClusterSimulation {
    // MARK: Scheduling

    func view(_ now: SimTime) -> ClusterView {
        let sumUsage = policy.readsUsage
        var usage = sumUsage ? usageDone : [:]
        var running: [RunningJob] = []
        running.reserveCapacity(active.count)
        for j in active {
            let held = jobs[j].systems.count, since = jobs[j].heldSince, user = jobs[j].spec.user
            if sumUsage { usage[user, default: 0] += Double(held) * now.since(since).seconds }
            running.append(RunningJob(index: j, user: user, priority: jobs[j].spec.priority, systems: held,
                                      memoryXBytes: jobs[j].solo.memoryXBytes, start: since,
                                      estimatedEnd: estimatedEnd(j, now)))
        }
        return ClusterView(now: now, totalSystems: pool.count, freeSystems: pool.freeSystems,
                           freeMemoryXBytes: pool.freeMemoryXBytes, freeNodeGroups: pool.freeNodeGroups, running: running,
                           usage: usage, weights: config.userShares)
    }

    /// When running job `j` is expected to free its systems: its completion when running, the
    /// end of its checkpoint when checkpointing, and after start-up the rest of the run at its
    /// solo speed when starting.
    func estimatedEnd(_ j: Int, _ now: SimTime) -> SimTime {
        switch jobs[j].state {
        case .running, .checkpointing: return jobs[j].completionTime
        default:
            let base = jobs[j].completionTime == .never ? now : jobs[j].completionTime
            return SimTime(nanoseconds: JobRecord.saturatingSum(base.nanoseconds, jobs[j].remainingSoloNanoseconds))
        }
    }

    func schedule(_ sim: Simulation) throws(SimulationError) {
        guard queueLength > 0 else { return }
        // Nothing can start without a free system and a free MemoryX node group; only a
        // preempting policy has anything to decide then.
        if !policy.preempts && (pool.nodeGroupsExhausted || !pool.hasFreeSystem) { return }
        let now = sim.now
        if queuedStale {
            // A compile finished: the start-up part of the estimates changed, for the jobs of the
            // configurations compiled only (each asks for a fixed number of systems; the others'
            // views are unchanged, so they are not rebuilt).
            let stale = refreshesEveryView ? Set(0...pool.count) : Set(staleSystems)
            if let queueIndex {
                for s in stale.sorted() { queueIndex.refresh(systems: s) { queuedView($0.index) } }
            } else {
                for k in queue.indices where stale.contains(queue[k].systems) { queue[k] = queuedView(queue[k].index) }
            }
            queuedStale = false
            staleSystems.removeAll(keepingCapacity: true)
        }
        // The queue is passed as is (no copy kept): the starts below then change it in place
        // instead of copying a long queue once per pass.
        let v = view(now)
        let decisions: [SchedulingDecision]
        if let queueIndex, indexedPolicy != nil {
            decisions = indexedPolicy!.schedule(index: queueIndex, cluster: v)
        } else {
            decisions = policy.schedule(queue: queue, cluster: v)
        }
        for d in decisions {
            switch d {
            case .start(let i):
                guard jobs.isLive(i), jobs[i].state == .queued else { continue }
                _ = try start(i, sim)
            case .preempt(let i):
                guard jobs.isLive(i), jobs[i].state == .running || jobs[i].state == .starting else { continue }
                try preempt(i, reason: "preempted", sim)
            }
        }
    }

    /// What policies see of queued job `i` (kept in `queue`, so that a scheduling pass does not
    /// rebuild it for a queue of thousands).
    func queuedView(_ i: Int) -> QueuedJob {
        let estimate = JobRecord.saturatingSum(jobs[i].remainingSoloNanoseconds, jobs[i].startup(compiled: compileCache.isCompiled(jobs[i].config)))
        return QueuedJob(index: i, id: jobs[i].spec.id, user: jobs[i].spec.user, priority: jobs[i].spec.priority,
                         submit: jobs[i].spec.submit, enqueued: jobs[i].enqueued, systems: jobs[i].spec.systems,
                         memoryXBytes: jobs[i].solo.memoryXBytes, estimatedRunTime: SimDuration(nanoseconds: estimate),
                         restarts: jobs[i].restarts)
    }

    /// Puts job `i` in the queue before the queue index `position` (default: at the end).
    func enqueue(_ i: Int, at position: Int? = nil) {
        if let queueIndex { return queueIndex.insert(queuedView(i)) }
        queue.insert(queuedView(i), at: position ?? queue.endIndex)
    }

    /// Takes job `i` out of the queue: O(1) at the head (the common case: FIFO, and EASY's head),
    /// a move of the rest elsewhere. The slots left before the head are given back once they
    /// outnumber the queue.
    func remove(fromQueue i: Int) {
        if let queueIndex {
            queueIndex.remove(queuedView(i))
            return
        }
        if queue.first?.index == i {
            queue.removeFirst()
            if queue.startIndex > 1024 && queue.startIndex > queue.count { queue = ArraySlice(Array(queue)) }
        } else if let k = queue.firstIndex(where: { $0.index == i }) {
            queue.remove(at: k)
        }
    }

    /// Starts queued job `i` on the lowest-numbered free systems, if it fits.
    func start(_ i: Int, _ sim: Simulation) throws(SimulationError) -> Bool {
        guard let chosen = pool.choose(jobs[i].spec.systems, memoryXBytes: jobs[i].solo.memoryXBytes) else { return false }
        remove(fromQueue: i)
        pool.take(chosen, for: i, memoryXBytes: jobs[i].solo.memoryXBytes)
        // The compile cache holds a configuration once a start-up that compiled it has finished.
        let wasCompiled = compileCache.isCompiled(jobs[i].config)
        let startup = jobs[i].startup(compiled: wasCompiled)
        if let trace {
            if jobs[i].enqueued < sim.now {
                trace.span(track: "job \(jobs[i].spec.id)", name: "queued", start: jobs[i].enqueued, end: sim.now)
            }
            traceSince[i] = sim.now
        }
        jobs[i].systems = chosen
        jobs[i].state = .starting
        jobs[i].heldSince = sim.now
        if jobs[i].firstStart == nil {
            jobs[i].firstStart = sim.now
            jobs[i].compiledAtFirstStart = !wasCompiled
        }
        active.append(i)
        let ready = try sim.now.adding(SimDuration(nanoseconds: startup), "start-up of job \(jobs[i].spec.id)")
        jobs[i].completion = try sim.schedule(at: ready, target: id, arg: arg(.startupDone, i))
        jobs[i].completionTime = ready
        return true
    }

    // MARK: Progress

    /// Accounts job `j`'s progress up to `now` at its current step time.
    func settle(_ j: Int, _ now: SimTime) throws(SimulationError) {
        guard jobs[j].state == .running else { return }
        let elapsed = now.since(jobs[j].anchor).nanoseconds
        let total = jobs[j].phase &+ elapsed
        let eff = max(1, jobs[j].effective)
        jobs[j].stepsDone = min(jobs[j].totalSteps, jobs[j].stepsDone + total / eff)
        jobs[j].phase = jobs[j].stepsDone >= jobs[j].totalSteps ? 0 : total % eff
        jobs[j].anchor = now
        let k = jobs[j].interval
        if k > 0 { jobs[j].lastCheckpointStep = max(jobs[j].lastCheckpointStep, (jobs[j].stepsDone / k) * k) }
    }

    /// Re-measures every running job's step time under the current sharing and reschedules
    /// the completions of those whose step time changed. A job whose amortised step time is
    /// unchanged keeps its completion event and is not even settled: progress at one step time
    /// settles the same whether it is accounted once or in several pieces, and its scheduled end
    /// is already right.
    func rebalance(_ sim: Simulation) throws(SimulationError) {
        running.removeAll(keepingCapacity: true)
        for j in active where jobs[j].state == .running { running.append(j) }
        let n = running.count
        if scratchSteps.count < n {
            let c = max(n, 2 * scratchSteps.count)
            scratchSteps = Array(repeating: 0, count: c)
            scratchDuties = Array(repeating: 0, count: c)
            scratchSolos = Array(repeating: 0, count: c)
            scratchIDs = Array(repeating: 0, count: c)
        }
        do {
            for k in 0..<n {
                let j = running[k]
                scratchDuties[k] = jobs[j].solo.memoryXDuty
                scratchSolos[k] = jobs[j].solo.stepNanoseconds
                scratchIDs[k] = jobs[j].tableID
            }
            let model = contention
            try scratchDuties.withUnsafeBufferPointer { (d) throws(TrainingError) in
                try scratchSolos.withUnsafeBufferPointer { (so) throws(TrainingError) in
                    try scratchIDs.withUnsafeBufferPointer { (ids) throws(TrainingError) in
                        try scratchSteps.withUnsafeMutableBufferPointer { (out) throws(TrainingError) in
                            try model.sharing(count: n, duties: d.baseAddress!, solos: so.baseAddress!, ids: ids.baseAddress!,
                                              spec: { self.jobs[self.running[$0]].spec.training }, into: out.baseAddress!)
                        }
                    }
                }
            }
        } catch {
            throw .model("step times: \(error.message)")
        }
        for k in 0..<n {
            let j = running[k]
            let new = max(1, jobs[j].amortised(scratchSteps[k]))
            let old = max(1, jobs[j].effective)
            // Unchanged: the scheduled completion stands (see above).
            if new == old && jobs[j].completion != nil { continue }
            try settle(j, sim.now)
            // Every step done: the job is writing its final checkpoint, whose end is already
            // scheduled and does not depend on sharing.
            if jobs[j].stepsDone >= jobs[j].totalSteps && jobs[j].completion != nil { continue }
            if new != old {
                // Keep the same fraction of the current step done.
                let (hi, lo) = jobs[j].phase.multipliedFullWidth(by: new)
                jobs[j].phase = old > 0 ? Int64(truncatingIfNeeded: old.dividingFullWidth((hi, lo)).quotient) : 0
                jobs[j].effective = new
            }
            guard let remaining = jobs[j].exactRemainingRunNanoseconds else {
                throw .timeOverflow("job \(jobs[j].spec.id): \(jobs[j].totalSteps - jobs[j].stepsDone) steps of \(jobs[j].effective) ns do not fit in simulated time")
            }
            let end = try sim.now.adding(SimDuration(nanoseconds: remaining), "completion of job \(jobs[j].spec.id)")
            if end != jobs[j].completionTime || jobs[j].completion == nil {
                if let h = jobs[j].completion { sim.cancel(h) }
                jobs[j].completion = try sim.schedule(at: end, target: id, arg: arg(.complete, j))
                jobs[j].completionTime = end
            }
        }
    }

    func release(_ j: Int, _ now: SimTime, reason: String) {
        closeSegment(j, at: now, reason: reason)
        pool.release(jobs[j].systems, of: j, memoryXBytes: jobs[j].solo.memoryXBytes)
        usageDone[jobs[j].spec.user, default: 0] += Double(jobs[j].systems.count) * now.since(jobs[j].heldSince).seconds
        jobs[j].systems = []
        jobs[j].completion = nil
        jobs[j].completionTime = .never
        if let k = active.firstIndex(of: j) { active.remove(at: k) }
    }

    func closeSegment(_ j: Int, at now: SimTime, reason: String) {
        guard !jobs[j].systems.isEmpty else { return }
        if let trace {
            // A finished job's last state was traced by complete().
            if jobs[j].state != .finished { traceStateEnd(j, now) }
            for s in jobs[j].systems { trace.span(track: "\(cluster.systemName) \(s)", name: jobs[j].spec.id, start: jobs[j].heldSince, end: now) }
        }
        jobs[j].segments.append(JobSegment(systems: jobs[j].systems, start: jobs[j].heldSince, end: now, reasonEnded: reason))
        jobs[j].held += now.since(jobs[j].heldSince).nanoseconds
    }

    func complete(_ j: Int, _ sim: Simulation) throws(SimulationError) {
        traceStateEnd(j, sim.now)
        jobs[j].stepsDone = jobs[j].totalSteps
        jobs[j].phase = 0
        jobs[j].state = .finished
        finishedCount += 1
        jobs[j].end = sim.now
        release(j, sim.now, reason: "completed")
        try rebalance(sim)
        settled(j)
    }

    // MARK: Preemption, failures, maintenance

    func preempt(_ j: Int, reason: String, _ sim: Simulation) throws(SimulationError) {
        if let h = jobs[j].completion { sim.cancel(h) }
        jobs[j].completion = nil
        if jobs[j].state == .starting {
            // Nothing to save yet: release at once.
            release(j, sim.now, reason: reason)
            requeue(j, sim.now)
            return
        }
        if jobs[j].state == .running {
            try settle(j, sim.now)
            // The checkpoint keeps every whole step; the partial one is lost.
            jobs[j].lostWork += jobs[j].phase
            jobs[j].phase = 0
            jobs[j].lastCheckpointStep = jobs[j].stepsDone
        }
        traceStateEnd(j, sim.now)
        jobs[j].state = .checkpointing
        jobs[j].pendingReason = reason
        let done = try sim.now.adding(SimDuration(nanoseconds: jobs[j].solo.checkpointNanoseconds), "checkpoint of job \(jobs[j].spec.id)")
        jobs[j].completion = try sim.schedule(at: done, target: id, arg: arg(.preemptDone, j))
        jobs[j].completionTime = done
        try rebalance(sim)
    }

    func preemptDone(_ j: Int, _ sim: Simulation) throws(SimulationError) {
        guard jobs[j].state == .checkpointing else { return }
        jobs[j].completion = nil
        release(j, sim.now, reason: jobs[j].pendingReason)
        requeue(j, sim.now)
    }

    func requeue(_ j: Int, _ now: SimTime) {
        jobs[j].state = .queued
        jobs[j].restarts += 1
        jobs[j].enqueued = now
        // Back in submission order.
        let submit = jobs[j].spec.submit
        // (The index keeps that order itself.)
        if queueIndex != nil { return enqueue(j) }
        let pos = queue.firstIndex { ($0.submit, $0.index) > (submit, j) } ?? queue.endIndex
        enqueue(j, at: pos)
    }

    func fail(system s: Int, _ sim: Simulation) throws(SimulationError) {
        guard let f = config.failures else { return }
        failuresHandled += 1
        guard failuresHandled <= FailureModel.maxFailures else {
            throw .model("failures: more than \(FailureModel.maxFailures) system failures by \(String(format: "%.1f", sim.now.seconds / 3600)) h "
                + "(mtbf_h \(f.mtbf.seconds / 3600) on \(pool.count) systems); allowed: at most \(FailureModel.maxFailures) "
                + "per simulation: raise mtbf_h or set a shorter horizon_h")
        }
        trace?.instant(track: "\(cluster.systemName) \(s)", name: "failure", at: sim.now)
        pool.markDown(s)
        try sim.schedule(after: f.repair, target: id, arg: arg(.repair, s), priority: 16)
        let j = pool.owner(of: s)
        guard j >= 0 else { return }
        if let h = jobs[j].completion { sim.cancel(h) }
        if jobs[j].state == .running { try settle(j, sim.now) }
        // Work since the last checkpoint is lost.
        let back = jobs[j].stepsDone - jobs[j].lastCheckpointStep
        jobs[j].lostWork += back * jobs[j].effective + jobs[j].phase
        jobs[j].stepsDone = jobs[j].lastCheckpointStep
        jobs[j].phase = 0
        release(j, sim.now, reason: "failure")
        requeue(j, sim.now)
        try rebalance(sim)
    }

    func maintenance(start i: Int, _ sim: Simulation) throws(SimulationError) {
        let w = config.maintenance[i]
        var victims: [Int] = []
        for s in w.systems where s < pool.count {
            trace?.instant(track: "\(cluster.systemName) \(s)", name: "maintenance start", at: sim.now)
            pool.markDown(s)
            let j = pool.owner(of: s)
            if j >= 0, !victims.contains(j), jobs[j].state == .running || jobs[j].state == .starting { victims.append(j) }
        }
        for j in victims { try preempt(j, reason: "maintenance", sim) }
        try sim.schedule(after: w.duration, target: id, arg: arg(.maintenanceEnd, i), priority: 32)
    }

    // MARK: Observation

    func record(_ now: SimTime, force: Bool = false) {
        let busy = pool.busySystems
        let s = UtilizationSample(time: now, busySystems: busy, downSystems: pool.downSystems, queueLength: queueLength,
                                  memoryXBytesInUse: pool.memoryXInUse, runningJobs: active.count)
        if !force, let last = lastSample, last.busySystems == s.busySystems, last.downSystems == s.downSystems,
           last.queueLength == s.queueLength, last.runningJobs == s.runningJobs, last.memoryXBytesInUse == s.memoryXBytesInUse {
            utilizationFold.noteFinished(finishedCount, last: last)
            return
        }
        if let last = lastSample, last.time == now {
            if keepSamples { samples[samples.count - 1] = s }
        } else {
            if let last = lastSample { utilizationFold.close(last, at: now) }
            if keepSamples { samples.append(s) }
        }
        lastSample = s
        utilizationFold.noteFinished(finishedCount, last: s)
        if let trace {
            trace.counter(track: "Cluster", name: "busy systems", at: now, value: Double(busy))
            trace.counter(track: "Cluster", name: "queue length", at: now, value: Double(queueLength))
        }
    }

    /// Traces job `j`'s current state (starting, running, checkpointing) as ending at `now`.
    func traceStateEnd(_ j: Int, _ now: SimTime) {
        guard let trace, j < traceSince.count else { return }
        trace.span(track: "job \(jobs[j].spec.id)", name: jobs[j].state.rawValue, start: traceSince[j], end: now)
        traceSince[j] = now
    }

    /// No system held by two jobs, MemoryX and node groups never over capacity, nothing started
    /// before it was submitted.
    func checkInvariants(_ now: SimTime) throws(SimulationError) {
        invariantChecks += 1
        var memory = 0.0
        for j in active {
            if let f = jobs[j].firstStart, f < jobs[j].spec.submit {
                throw .model("invariant: job \(jobs[j].spec.id) started before it was submitted")
            }
            // A system listed by two jobs cannot be owned by both, so this also finds a system
            // held twice.
            // The pool's full check then names the violation (it finds the same system).
            if pool.firstNotOwned(jobs[j].systems, by: j) != nil,
               let v = pool.violation(holders: active.map { k in (index: k, id: jobs[k].spec.id, systems: jobs[k].systems,
                                                                 memoryXBytes: jobs[k].solo.memoryXBytes) }) {
                throw .model(v)
            }
            memory += jobs[j].solo.memoryXBytes
        }
        if let v = pool.capacityViolation(memoryXBytes: memory, holders: active.count) { throw .model(v) }
    }
}
