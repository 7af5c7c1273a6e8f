import SimEngine

/// The per-job figures, stated once: a ``JobResult`` (jobs.csv, the wait chart) and the compact
/// facts the cluster metrics keep of every job (``ClusterMetrics/JobFacts``: a streamed run holds
/// no results) answer them as the same computed properties, through these functions.
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

    /// Seconds from submission to the end (nil: did not end).
    public var completionSeconds: Double? { end.map { JobFigures.completionSeconds(submit: spec.submit, end: $0) } }

    /// Completion time over the run time alone (nil: did not end).
    public var slowdown: Double? { end.map { JobFigures.slowdown(submit: spec.submit, end: $0, soloRun: soloRunTime) } }

    /// Whether the job ended by its deadline (nil: it has none).
    public var deadlineMet: Bool? { spec.deadline.map { JobFigures.deadlineMet(end: end, deadline: $0) } }
}

extension ClusterMetrics.JobFacts {
    private static func time(_ nanoseconds: Int64) -> SimTime? { nanoseconds == none ? nil : SimTime(nanoseconds: nanoseconds) }

    /// Seconds from submission to the first start (nil: never started), as ``JobResult/waitSeconds``.
    public var waitSeconds: Double? {
        Self.time(firstStart).map { JobFigures.waitSeconds(submit: SimTime(nanoseconds: submit), firstStart: $0) }
    }

    /// Seconds from submission to the end (nil: did not end), as ``JobResult/completionSeconds``.
    public var completionSeconds: Double? {
        Self.time(end).map { JobFigures.completionSeconds(submit: SimTime(nanoseconds: submit), end: $0) }
    }

    /// Completion time over the run time alone (nil: did not end), as ``JobResult/slowdown``.
    public var slowdown: Double? {
        Self.time(end).map { JobFigures.slowdown(submit: SimTime(nanoseconds: submit), end: $0, soloRun: SimDuration(nanoseconds: soloRun)) }
    }

    /// Whether the job ended by its deadline (nil: it has none), as ``JobResult/deadlineMet``.
    public var deadlineMet: Bool? {
        Self.time(deadline).map { JobFigures.deadlineMet(end: Self.time(end), deadline: $0) }
    }
}
