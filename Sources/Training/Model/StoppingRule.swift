import SimEngine

/// How much training a run does: the explicit stopping rule of a scenario.
public enum StoppingRule: Sendable, Equatable {
    /// A fixed number of training samples.
    case samples(Int64)
    /// A fixed number of optimizer steps.
    case steps(Int64)
    /// Train to a target loss under the critical-batch model of McCandlish et al. 2018
    /// ("An Empirical Model of Large-Batch Training"): the samples needed at global batch B are
    /// E(B) = E_min (1 + B / B_noise).
    case convergence(minSamples: Double, noiseBatch: Double)

    /// Samples needed at global batch `batch`, before rounding up to whole steps.
    public func samples(atGlobalBatch batch: Int) -> Double {
        switch self {
        case .samples(let n): return Double(n)
        case .steps(let n): return Double(n) * Double(batch)
        case .convergence(let eMin, let bNoise): return eMin * (1 + Double(batch) / bNoise)
        }
    }
}
