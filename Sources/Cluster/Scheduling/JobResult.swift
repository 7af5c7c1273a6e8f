import SimEngine

/// Where a job is.
public enum JobState: String, Sendable {
    /// pending: not yet submitted; queued: waiting; starting: paying start-up; running;
    /// checkpointing: writing a checkpoint before releasing its systems; finished; rejected: can
    /// never run; unfinished: not done when the run stopped.
    case pending, queued, starting, running, checkpointing, finished, rejected, unfinished
}

/// One stretch of time a job held a set of systems.
public struct JobSegment: Sendable, Equatable {
    /// Indexes of the systems held.
    public var systems: [Int]
    /// When it took the systems (start-up begins).
    public var start: SimTime
    /// When it released them (after the checkpoint, for a preemption or drain).
    public var end: SimTime
    /// "completed", "failure", "preempted", "maintenance" or "horizon".
    public var reasonEnded: String
}

/// The outcome of one job.
public struct JobResult: Sendable, Equatable {
    /// The job as submitted.
    public var spec: JobSpec
    /// Final state: finished, rejected or unfinished.
    public var state: JobState
    /// Why a job did not finish (rejected or unfinished), empty otherwise.
    public var reason: String
    /// First start (start-up included); nil if it never started.
    public var firstStart: SimTime?
    /// Completion time; nil unless finished.
    public var end: SimTime?
    /// Times it was requeued (failure, preemption, maintenance).
    public var restarts: Int
    /// Work lost: time since the last checkpoint at each failure, the partial step at each
    /// preemption or drain.
    public var lostWork: SimDuration
    /// Time holding systems (all segments).
    public var held: SimDuration
    /// Energy charged to it, kWh: systems x busy power x time holding them.
    public var energyKWh: Double
    /// Every stretch of time it held systems, in time order.
    public var segments: [JobSegment]
    /// The simulator's estimate of its run time alone on an idle cluster.
    public var soloRunTime: SimDuration
    /// Optimizer steps completed and kept (a failure undoes those since the last checkpoint).
    public var stepsDone: Int64
    /// Steps to train: samples / global batch, rounded up.
    public var stepsTotal: Int64
}
