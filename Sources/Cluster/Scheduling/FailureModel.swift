import SimEngine

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
