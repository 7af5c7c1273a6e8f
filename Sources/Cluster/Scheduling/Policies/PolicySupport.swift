import SimEngine

/// Small helpers shared by the scheduling policies in this folder (internal to the module).
enum PolicySupport {
    /// `time + duration`, saturating at ``SimTime/never`` instead of overflowing.
    static func time(_ time: SimTime, plus duration: SimDuration) -> SimTime {
        let (sum, overflow) = time.nanoseconds.addingReportingOverflow(duration.nanoseconds)
        if overflow { return duration.nanoseconds >= 0 ? .never : SimTime(nanoseconds: .min) }
        return SimTime(nanoseconds: sum)
    }

    /// Records a planned start in `plan`: takes its resources out of the free pool and lists it
    /// as running until `now + estimatedRunTime` (so later planning in the same call sees it).
    static func planStart(_ job: QueuedJob, in plan: inout ClusterView) {
        plan.reserve(job)
        plan.running.append(RunningJob(
            index: job.index, user: job.user, priority: job.priority, systems: job.systems,
            memoryXBytes: job.memoryXBytes, start: plan.now,
            estimatedEnd: time(plan.now, plus: job.estimatedRunTime)))
    }

    /// Whether `job` could fit if every running job in `view` ended (it may still be blocked by
    /// failed or drained systems, which the view does not count as free or running).
    static func fitsWhenAllEnd(_ job: QueuedJob, in view: ClusterView) -> Bool {
        var systems = view.freeSystems
        var memory = view.freeMemoryXBytes
        for r in view.running {
            systems += r.systems
            memory += r.memoryXBytes
        }
        return job.systems <= systems && job.memoryXBytes <= memory
            && view.freeNodeGroups + view.running.count >= 1
    }

    /// Strict ordering by submission time, then job index.
    static func submittedBefore(_ a: QueuedJob, _ b: QueuedJob) -> Bool {
        if a.submit != b.submit { return a.submit < b.submit }
        return a.index < b.index
    }
}
