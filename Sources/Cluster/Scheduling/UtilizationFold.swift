import SimEngine

/// Busy system-time folded over a run's utilisation samples as they are taken, so that a run
/// that does not keep its samples still gives the utilisation the samples would: the same
/// products summed in the same (time) order.
public struct UtilizationFold: Sendable {
    /// Busy systems x seconds over the closed intervals between samples so far.
    var prefix = 0.0
    /// `prefix` and the last sample when the most recent job finished.
    var atLastFinish: (prefix: Double, last: UtilizationSample)?
    var finishedSeen = 0

    public init() {}

    /// The interval from `last` to `now` is closed (a new sample is taken at `now`).
    mutating func close(_ last: UtilizationSample, at now: SimTime) {
        prefix += Double(last.busySystems) * now.since(last.time).seconds
    }

    /// Remembers the state when `finished` jobs have finished, if that is more than before.
    mutating func noteFinished(_ finished: Int, last: UtilizationSample) {
        guard finished > finishedSeen else { return }
        finishedSeen = finished
        atLastFinish = (prefix, last)
    }

    /// Busy system-seconds from the start to `horizon`, which is either the end of the run (the
    /// time of the last sample) or the end of the last job to finish.
    public func busySystemSeconds(to horizon: SimTime, lastSample: UtilizationSample?) -> Double {
        if let last = lastSample, last.time <= horizon {
            return last.time < horizon ? prefix + Double(last.busySystems) * horizon.since(last.time).seconds : prefix
        }
        guard let snap = atLastFinish else { return 0 }
        return snap.last.time < horizon ? snap.prefix + Double(snap.last.busySystems) * horizon.since(snap.last.time).seconds : snap.prefix
    }
}
