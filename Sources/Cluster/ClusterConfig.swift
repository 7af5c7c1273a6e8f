import Hardware
import SimEngine
import Training

/// System failures: each system fails after an exponentially distributed time with mean `mtbf`
/// (its own seeded substream) and is repaired after `repair`.
public struct FailureModel: Sendable, Equatable {
    /// Mean time between failures of each system.
    public var mtbf: SimDuration
    /// Time to repair a failed system.
    public var repair: SimDuration
    /// Failures with mean time between failures `mtbf` and repair time `repair`.
    public init(mtbf: SimDuration, repair: SimDuration) {
        self.mtbf = mtbf
        self.repair = repair
    }

    /// The most failures one simulation handles (each keeps a utilisation sample and may requeue
    /// a job): past it the simulation stops with an error instead of growing without bound.
    public static let maxFailures = 1_000_000

    /// The expected number of failures of `systems` systems over `horizon`: systems x horizon / mtbf.
    public func expectedFailures(systems: Int, horizon: SimDuration) -> Double {
        Double(systems) * horizon.seconds / Swift.max(mtbf.seconds, 1e-9)
    }
}

/// A maintenance window: the listed systems are drained (running jobs on them are checkpointed
/// and requeued) and unavailable from `start` for `duration`.
public struct MaintenanceWindow: Sendable, Equatable {
    /// When the drain begins.
    public var start: SimTime
    /// How long the systems stay unavailable.
    public var duration: SimDuration
    /// Indexes of the systems drained (0-based).
    public var systems: [Int]
    /// A window draining `systems` from `start` for `duration`.
    public init(start: SimTime, duration: SimDuration, systems: [Int]) {
        self.start = start
        self.duration = duration
        self.systems = systems
    }
}

/// Everything the shared-cluster simulation needs besides the jobs and the policy.
public struct ClusterConfig: Sendable, Equatable {
    /// The hardware: systems, MemoryX, SwarmX, input workers.
    public var cluster: ClusterSpec
    /// The compute-efficiency model behind every step time.
    public var efficiency: EfficiencyModel
    /// Seeds the wafers' defect maps and the systems' failure streams.
    public var seed: UInt64
    /// MemoryX node groups; each serves one job at a time (ALCF CS-3 cluster docs; assumed to
    /// carry over to Andromeda). Default: one per system.
    public var memoryXNodeGroups: Int
    /// Random system failures (nil: none).
    public var failures: FailureModel?
    /// Maintenance windows.
    public var maintenance: [MaintenanceWindow]
    /// Stop here; jobs not finished are reported unfinished with a reason (nil: run to the end).
    public var horizon: SimTime?
    /// Fair-share weights per user (missing: 1).
    public var userWeights: [String: Double]
    /// Check the invariants after every event (cheap: proportional to systems and running jobs).
    public var checkInvariants: Bool

    /// A configuration with one MemoryX node group per system, no failures, no maintenance, no
    /// horizon and invariant checks on.
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

/// One point of the cluster's time series (written when something changes).
public struct UtilizationSample: Sendable, Equatable {
    /// Simulated time of the sample; its values hold until the next sample.
    public var time: SimTime
    /// Systems held by a job (starting, running or checkpointing).
    public var busySystems: Int
    /// Systems failed or in maintenance.
    public var downSystems: Int
    /// Jobs waiting in the queue.
    public var queueLength: Int
    /// MemoryX bytes held by the running jobs' weights and optimizer state.
    public var memoryXBytesInUse: Double
    /// Jobs holding systems (starting, running or checkpointing).
    public var runningJobs: Int
}
