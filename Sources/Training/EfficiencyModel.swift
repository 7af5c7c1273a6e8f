import SimEngine

/// The one calibrated constant of the compute model (docs/model.md, docs/validation.md).
public struct EfficiencyModel: Sendable, Equatable {
    /// Fraction of each core's FMAC (and vector) rate the compiled kernels sustain, with the
    /// 2022-23 software stack. CALIBRATED on the measured Llama-7B throughput (20.45 samples/s on
    /// one CS-2, ALCF log, R2.1.1) and nothing else: `andromeda-sim calibrate`.
    public var kernelEfficiency: Double = 0.3569
    /// Backward recomputes the layer's forward (only layer inputs are kept on the wafer).
    public var recomputeInBackward = true
    /// The calibrated defaults.
    public init() {}
}
