import SimEngine
import Training

/// A job's mutable state inside ``ClusterSimulation``.
struct JobRecord {
    let index: Int
    let spec: JobSpec
    var state: JobState = .pending
    var reason = ""
    var solo = StepTimeOracle.Solo(stepNanoseconds: 1, memoryXBytes: 0, checkpointNanoseconds: 0, globalBatch: 1, memoryXDuty: 0)
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
    }

    var interval: Int64 { spec.training.checkpointEverySteps }

    /// Amortised step time for a raw step time.
    func amortised(_ step: Int64) -> Int64 {
        guard interval > 0 else { return step }
        let c = solo.checkpointNanoseconds
        let share = c / interval + (c % interval == 0 ? 0 : 1)
        let (sum, o) = step.addingReportingOverflow(share)
        return o ? .max / 4 : min(sum, .max / 4)
    }

    /// Start-up before progress: compile (unless cached), weight load, programming.
    func startup(compiled: Bool) -> Int64 {
        let f = spec.training.fixedCosts
        var t = f.initialWeightLoad.nanoseconds + f.programming.nanoseconds
        if !compiled && !f.compileCached { t += f.compile.nanoseconds }
        return t
    }

    /// Remaining time once running at the current step time, final checkpoint included; nil
    /// when it does not fit in simulated time.
    var exactRemainingRunNanoseconds: Int64? {
        let steps = max(0, totalSteps - stepsDone)
        let (m, o) = steps.multipliedReportingOverflow(by: effective)
        let final = spec.training.finalCheckpoint ? solo.checkpointNanoseconds : 0
        guard !o else { return nil }
        let (r, o2) = max(0, m - phase).addingReportingOverflow(final)
        return o2 ? nil : r
    }

    /// The same, saturated at a quarter of the time range: for estimates shown to policies only.
    var remainingRunNanoseconds: Int64 { min(exactRemainingRunNanoseconds ?? .max / 4, .max / 4) }

    /// Remaining time at the step time it would have alone (what schedulers are told).
    var remainingSoloNanoseconds: Int64 {
        let steps = max(0, totalSteps - stepsDone)
        let (m, o) = steps.multipliedReportingOverflow(by: amortised(solo.stepNanoseconds))
        let final = spec.training.finalCheckpoint ? solo.checkpointNanoseconds : 0
        return o ? .max / 4 : min(.max / 4, m) + final
    }

    /// The simulator's estimate of the whole run alone on an idle cluster.
    var soloRunNanoseconds: Int64 {
        let (m, o) = totalSteps.multipliedReportingOverflow(by: amortised(solo.stepNanoseconds))
        let final = spec.training.finalCheckpoint ? solo.checkpointNanoseconds : 0
        return o ? .max / 4 : min(.max / 4, m) + final + startup(compiled: !compiledAtFirstStart)
    }

    func result(power: Double) -> JobResult {
        JobResult(spec: spec, state: state, reason: reason, firstStart: firstStart, end: end, restarts: restarts,
                  lostWork: SimDuration(nanoseconds: lostWork), held: SimDuration(nanoseconds: held),
                  energyKWh: Double(spec.systems) * power * Double(held) * 1e-9 / 3.6e6, segments: segments,
                  soloRunTime: SimDuration(nanoseconds: soloRunNanoseconds), stepsDone: stepsDone, stepsTotal: totalSteps)
    }
}
