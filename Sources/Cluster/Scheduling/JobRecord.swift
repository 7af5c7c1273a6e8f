import SimEngine
import Training

/// A job's mutable state inside ``ClusterSimulation``, from its arrival until it finishes or is
/// rejected (then it becomes a ``JobResult`` and is freed): its ``JobSpec`` and the few facts of
/// it that the progress arithmetic reads.
struct JobRecord {
    let index: Int
    /// The job as submitted.
    let spec: JobSpec
    /// The spec's checkpoint interval, steps (0: only at the end).
    let interval: Int64
    /// The spec's final checkpoint.
    let finalCheckpoint: Bool
    /// Start-up without compile (weight load + programming), ns, saturated.
    let startupBase: Int64
    /// The compile, ns (0 when the spec says the compile is cached).
    let compileNanoseconds: Int64
    var state: JobState = .pending
    var reason = ""
    var solo = SoloStep(stepNanoseconds: 1, memoryXBytes: 0, checkpointNanoseconds: 0, globalBatch: 1, memoryXDuty: 0)
    var totalSteps: Int64 = 1
    var stepsDone: Int64 = 0
    /// Nanoseconds into the current (amortised) step at `anchor`.
    var phase: Int64 = 0
    /// Current amortised step time (step + checkpoint / interval), ns.
    var effective: Int64 = 1
    /// Time up to which progress has been accounted.
    var anchor = SimTime.zero
    var lastCheckpointStep: Int64 = 0
    var systems: [Int] = []
    var heldSince = SimTime.zero
    var enqueued = SimTime.zero
    var firstStart: SimTime?
    var end: SimTime?
    var restarts = 0
    var lostWork: Int64 = 0
    var held: Int64 = 0
    var segments: [JobSegment] = []
    var completion: EventHandle?
    var completionTime = SimTime.never
    /// Whether its first start paid the compile (the reference run time alone pays it too).
    var compiledAtFirstStart = true
    /// Index of its configuration (model, batch, systems) in the simulation's compile cache.
    var config = 0
    /// Why the current segment will end, when decided ahead (preemption, maintenance).
    var pendingReason = ""

    init(index: Int, spec: JobSpec) {
        self.index = index
        self.spec = spec
        let t = spec.training
        interval = t.checkpointEverySteps
        finalCheckpoint = t.finalCheckpoint
        let f = t.fixedCosts
        startupBase = Self.saturatingSum(f.initialWeightLoad.nanoseconds, f.programming.nanoseconds)
        compileNanoseconds = f.compileCached ? 0 : f.compile.nanoseconds
    }

    /// Amortised step time for a raw step time: the periodic checkpoints the whole run writes
    /// (one every `interval` steps, floor(totalSteps / interval) of them) spread over its steps,
    /// so that over the run they add up to exactly those checkpoints.
    func amortised(_ step: Int64) -> Int64 {
        guard interval > 0, totalSteps > 0 else { return step }
        return Self.saturatingSum2(step, checkpointShare)
    }

    /// Each step's share of the periodic checkpoints, ns (set by ``prepare(solo:totalSteps:)``).
    var checkpointShare: Int64 = 0
    /// The contention model's dense id of its configuration (``ContentionModel/tableID(_:)``).
    var tableID = 0

    /// Sets the facts the arithmetic reads once the job's solo step and length are known.
    mutating func prepare(solo: SoloStep, totalSteps: Int64) {
        self.solo = solo
        self.totalSteps = totalSteps
        if interval > 0, totalSteps > 0 {
            let periodic = Double(totalSteps / interval) * Double(solo.checkpointNanoseconds)
            checkpointShare = Int64(min(4e18, (periodic / Double(totalSteps)).rounded(.up)))
        }
    }

    /// ``saturatingSum(_:)`` of two values, without an array.
    @inline(__always) static func saturatingSum2(_ a: Int64, _ b: Int64) -> Int64 {
        let t = min(max(0, a), .max / 4)
        let (r, o) = t.addingReportingOverflow(max(0, b))
        return o ? .max / 4 : min(r, .max / 4)
    }

    /// The final checkpoint, unless a periodic one falls on the last step.
    var finalCheckpointNanoseconds: Int64 {
        guard finalCheckpoint else { return 0 }
        return interval > 0 && totalSteps % interval == 0 ? 0 : solo.checkpointNanoseconds
    }

    /// a + b + ..., saturated at a quarter of the time range (estimates only).
    static func saturatingSum(_ xs: Int64...) -> Int64 { SimDuration.estimateNanoseconds(summing: xs) }

    /// Start-up before progress: compile (unless cached), weight load, programming.
    func startup(compiled: Bool) -> Int64 {
        Self.saturatingSum(startupBase, !compiled ? compileNanoseconds : 0)
    }

    /// Remaining time once running at the current step time, final checkpoint included; nil
    /// when it does not fit in simulated time.
    var exactRemainingRunNanoseconds: Int64? {
        let steps = max(0, totalSteps - stepsDone)
        let (m, o) = steps.multipliedReportingOverflow(by: effective)
        guard !o else { return nil }
        let (r, o2) = max(0, m - phase).addingReportingOverflow(finalCheckpointNanoseconds)
        return o2 ? nil : r
    }

    /// The same, saturated at a quarter of the time range: for estimates shown to policies only.
    var remainingRunNanoseconds: Int64 { min(exactRemainingRunNanoseconds ?? .max / 4, .max / 4) }

    /// Remaining time at the step time it would have alone (what schedulers are told).
    var remainingSoloNanoseconds: Int64 {
        let steps = max(0, totalSteps - stepsDone)
        let (m, o) = steps.multipliedReportingOverflow(by: amortised(solo.stepNanoseconds))
        return Self.saturatingSum(o ? .max / 4 : m, finalCheckpointNanoseconds)
    }

    /// The simulator's estimate of the whole run alone on an idle cluster.
    var soloRunNanoseconds: Int64 {
        let (m, o) = totalSteps.multipliedReportingOverflow(by: amortised(solo.stepNanoseconds))
        return Self.saturatingSum(o ? .max / 4 : m, finalCheckpointNanoseconds, startup(compiled: !compiledAtFirstStart))
    }

    /// A placeholder for a freed slot.
    static let empty = JobRecord(index: -1, spec: JobSpec(id: "", user: "", submit: .zero,
                                                           training: TrainingSpec(model: ModelSpec(name: "", layers: 0, dModel: 0, heads: 0, dFFN: 0, vocabulary: 0, seqLen: 0),
                                                                                  systems: 0, perSystemBatch: 0, stopping: .steps(0))))

    func result(power: Double) -> JobResult {
        JobResult(spec: spec, state: state, reason: reason, firstStart: firstStart, end: end, restarts: restarts,
                  lostWork: SimDuration(nanoseconds: lostWork), held: SimDuration(nanoseconds: held),
                  energyKWh: Double(spec.systems) * power * Double(held) * 1e-9 / 3.6e6, segments: segments,
                  soloRunTime: SimDuration(nanoseconds: soloRunNanoseconds), stepsDone: stepsDone, stepsTotal: totalSteps)
    }
}
