/// The one definition of a relative error: simulated over published, less one.
public enum RelativeError {
    /// (simulated - published) / published; NaN when `published` is 0 or either is not finite.
    public static func of(_ simulated: Double, _ published: Double) -> Double {
        guard published != 0, simulated.isFinite, published.isFinite else { return .nan }
        return (simulated - published) / published
    }
}

/// How far a simulated throughput may be from the real machine's, from the leave-one-out
/// residuals of the fit set (docs/validation.md, "Prediction intervals"): the 10th and 90th
/// percentiles of (simulated - published) / published over the rows, each predicted by the
/// constants fitted without it. A simulated throughput X then reads as a real throughput between
/// X / (1 + p90) and X / (1 + p10), and a simulated training time as the fixed costs plus the
/// steps' time scaled by (1 + p10) to (1 + p90).
public struct PredictionInterval: Sendable, Equatable {
    /// 10th percentile of the relative errors.
    public let p10: Double
    /// 90th percentile of the relative errors.
    public let p90: Double

    /// An interval from its two percentiles.
    public init(p10: Double, p90: Double) {
        self.p10 = min(p10, p90)
        self.p90 = max(p10, p90)
    }

    /// The interval of `residuals` (linear interpolation between order statistics, as numpy's
    /// default percentile).
    public init(residuals: [Double]) {
        let r = residuals.filter(\.isFinite).sorted()
        func q(_ p: Double) -> Double {
            guard !r.isEmpty else { return 0 }
            let h = p * Double(r.count - 1)
            let lo = Int(h.rounded(.down)), hi = min(r.count - 1, lo + 1)
            return r[lo] + (h - Double(lo)) * (r[hi] - r[lo])
        }
        self.init(p10: q(0.1), p90: q(0.9))
    }

    /// The leave-one-out residual percentiles `andromeda-sim calibrate --cross-validate` printed
    /// for the constants in use (regenerate with it after any change to the compute model).
    public static let fitted = PredictionInterval(p10: -0.1944, p90: 0.5782)

    /// The real throughput range for a simulated `samplesPerSecond`: (low, high).
    public func throughput(_ samplesPerSecond: Double) -> (low: Double, high: Double) {
        (samplesPerSecond / (1 + p90), samplesPerSecond / (1 + p10))
    }

    /// The real duration range for a simulated run of `total` seconds of which `fixed` do not
    /// depend on the throughput (compile, load, checkpoints): (low, high).
    public func duration(total: Double, fixed: Double) -> (low: Double, high: Double) {
        let steps = max(0, total - fixed)
        return (fixed + steps * (1 + p10), fixed + steps * (1 + p90))
    }
}

extension TrainingResult {
    /// The range of real throughputs `interval` gives for this run's samples/s: (low, high).
    public func samplesPerSecondRange(_ interval: PredictionInterval = .fitted) -> (low: Double, high: Double) {
        interval.throughput(samplesPerSecond)
    }

    /// The range of real times to train `interval` gives for this run, seconds: its steps scaled,
    /// its fixed costs (start-up and checkpoints) kept.
    public func timeToTrainRange(_ interval: PredictionInterval = .fitted) -> (low: Double, high: Double) {
        interval.duration(total: timeToTrain.seconds, fixed: fixedCosts.seconds)
    }
}
