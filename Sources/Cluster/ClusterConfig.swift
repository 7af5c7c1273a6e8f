import Hardware
import SimEngine
import Training

/// System failures: each system fails after an exponentially distributed time with mean `mtbf`
/// (its own seeded substream) and is repaired after `repair`.
public struct FailureModel: Sendable, Equatable {
    public var mtbf: SimDuration
    public var repair: SimDuration
    public init(mtbf: SimDuration, repair: SimDuration) {
        self.mtbf = mtbf
        self.repair = repair
    }
}

/// A maintenance window: the listed systems are drained (running jobs on them are checkpointed
/// and requeued) and unavailable from `start` for `duration`.
public struct MaintenanceWindow: Sendable, Equatable {
    public var start: SimTime
    public var duration: SimDuration
    public var systems: [Int]
    public init(start: SimTime, duration: SimDuration, systems: [Int]) {
        self.start = start
        self.duration = duration
        self.systems = systems
    }
}

/// Everything the shared-cluster simulation needs besides the jobs and the policy.
public struct ClusterConfig: Sendable, Equatable {
    public var cluster: ClusterSpec
    public var efficiency: EfficiencyModel
    public var seed: UInt64
    /// MemoryX node groups; each serves one job at a time (ALCF CS-3 cluster docs; assumed to
    /// carry over to Andromeda). Default: one per system.
    public var memoryXNodeGroups: Int
    public var failures: FailureModel?
    public var maintenance: [MaintenanceWindow]
    /// Stop here; jobs not finished are reported unfinished with a reason (nil: run to the end).
    public var horizon: SimTime?
    /// Fair-share weights per user (missing: 1).
    public var userWeights: [String: Double]
    /// Check the invariants after every event (cheap: proportional to systems and running jobs).
    public var checkInvariants: Bool

    public init(cluster: ClusterSpec = ClusterSpec(), efficiency: EfficiencyModel = EfficiencyModel(), seed: UInt64 = 42) {
        self.cluster = cluster
        self.efficiency = efficiency
        self.seed = seed
        memoryXNodeGroups = cluster.systems
        failures = nil
        maintenance = []
        horizon = nil
        userWeights = [:]
        checkInvariants = true
    }
}

/// Where a job is.
public enum JobState: String, Sendable {
    case pending, queued, starting, running, checkpointing, finished, rejected, unfinished
}

/// One stretch of time a job held a set of systems.
public struct JobSegment: Sendable, Equatable {
    public var systems: [Int]
    public var start: SimTime
    public var end: SimTime
    /// "completed", "failure", "preempted", "maintenance" or "horizon".
    public var reasonEnded: String
}

/// The outcome of one job.
public struct JobResult: Sendable, Equatable {
    public var spec: JobSpec
    public var state: JobState
    /// Why a job did not finish (rejected or unfinished), empty otherwise.
    public var reason: String
    public var firstStart: SimTime?
    public var end: SimTime?
    public var restarts: Int
    public var lostWork: SimDuration
    /// Time holding systems (all segments).
    public var held: SimDuration
    public var energyKWh: Double
    public var segments: [JobSegment]
    /// The simulator's estimate of its run time alone on an idle cluster.
    public var soloRunTime: SimDuration
    public var stepsDone: Int64
    public var stepsTotal: Int64
}

/// One point of the cluster's time series (written when something changes).
public struct UtilizationSample: Sendable, Equatable {
    public var time: SimTime
    public var busySystems: Int
    public var downSystems: Int
    public var queueLength: Int
    public var memoryXBytesInUse: Double
    public var runningJobs: Int
}
