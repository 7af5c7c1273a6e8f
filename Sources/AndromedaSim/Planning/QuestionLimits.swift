import Hardware
import Scenarios
import Training

/// The allowed ranges of the quick questions (a training what-if, the planning searches), shared
/// by the command line's flags (`train`, `plan ...`) and the C ABI's requests, so both refuse the
/// same values.
public enum QuestionLimits {
    /// Systems of a training what-if (`train --systems`).
    public static let trainSystems = 1...16
    /// Samples per system per step of a training what-if (`train --batch`).
    public static let trainBatch = 1...100_000
    /// Sequence length (`train --seq-len`).
    public static let seqLen = ModelSpec.seqLenRange
    /// Optimizer steps of a training what-if (`train --steps`).
    public static let steps: ClosedRange<Int64> = 1...1_000_000_000
    /// Samples per system per step of `plan min-systems`.
    public static let planBatch = TrainingSpec.perSystemBatchRange
    /// Samples to train in `plan min-systems` (a whole number).
    public static let samples: ClosedRange<Double> = 1...1e15
    /// The largest deadline or wait target, hours (the smallest is above 0).
    public static let maxHours = 1e6
    /// Systems in the cluster of `plan min-systems`.
    public static let clusterSystems = ClusterSpec.systemsRange
    /// Arrival rates `plan max-rate` may try, jobs per hour (the generator's own range).
    public static let arrivalRate = ScenarioFields.Generate.arrivalRate.bounds
    /// Generated jobs per simulation of `plan max-rate`.
    public static let jobs = 1...MultitenantSpec.maxJobs
}
