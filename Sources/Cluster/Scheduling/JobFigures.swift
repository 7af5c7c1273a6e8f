import SimEngine

/// The per-job figures, stated once: jobs.csv reads them from a ``JobResult`` and the cluster
/// metrics from the compact facts they keep of every job (a streamed run holds no results).
public enum JobFigures {
    /// Seconds from submission to the first start.
    public static func waitSeconds(submit: SimTime, firstStart: SimTime) -> Double { firstStart.since(submit).seconds }

    /// Seconds from submission to the end (completion time).
    public static func completionSeconds(submit: SimTime, end: SimTime) -> Double { end.since(submit).seconds }

    /// Completion time over the job's run time alone on an idle cluster (at least 1 s).
    public static func slowdown(submit: SimTime, end: SimTime, soloRun: SimDuration) -> Double {
        completionSeconds(submit: submit, end: end) / max(1, soloRun.seconds)
    }

    /// Whether a job with `deadline` ended by it (never ending misses it).
    public static func deadlineMet(end: SimTime?, deadline: SimTime) -> Bool { (end ?? .never) <= deadline }
}

extension JobResult {
    /// Seconds from submission to the first start (nil: never started).
    public var waitSeconds: Double? { firstStart.map { JobFigures.waitSeconds(submit: spec.submit, firstStart: $0) } }

    /// Seconds from the first start to the end (nil: not both).
    public var runSeconds: Double? { firstStart.flatMap { st in end.map { $0.since(st).seconds } } }

    /// Completion time over the run time alone (nil: did not end).
    public var slowdown: Double? { end.map { JobFigures.slowdown(submit: spec.submit, end: $0, soloRun: soloRunTime) } }

    /// Whether the job ended by its deadline (nil: it has none).
    public var deadlineMet: Bool? { spec.deadline.map { JobFigures.deadlineMet(end: end, deadline: $0) } }
}
