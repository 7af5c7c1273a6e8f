import SimEngine

/// The fitted constants of the compute model (docs/model.md, "Fitted constants";
/// docs/validation.md, "Calibration protocol"). Both are physical quantities of a named
/// mechanism, fitted jointly by `andromeda-sim calibrate` (least squares on log throughput over
/// the CS-2 training points P1-P11 of shared/reference/public-throughput.md, nothing else).
public struct EfficiencyModel: Sendable, Equatable {
    /// Kernel efficiency: the fraction of each core's FMAC (and vector) rate the compiled kernels
    /// sustain inside an operation. FITTED (jointly with ``passOverheadSeconds``).
    public var kernelEfficiency: Double = EfficiencyModel.fitted.kernelEfficiency
    /// Layer-pass overhead: the fixed time every layer pass (one layer's forward or backward on
    /// one micro-batch) costs on the wafer beyond its operations, whatever its size: the runtime's
    /// synchronisation with the weight and activation servers, the switch of the wafer's program
    /// and routes to the next kernel, and the start of the pass's weight stream. Seconds. FITTED
    /// (jointly with ``kernelEfficiency``); no public figure gives it directly.
    public var passOverheadSeconds: Double = EfficiencyModel.fitted.passOverheadSeconds
    /// Exponential cost: the cycles one core spends on one exponential (softmax, the loss's
    /// softmax, the tanh or sigmoid of an activation function). A WSE core has no
    /// transcendental unit; the SDK's math library computes exp in software. FITTED (jointly).
    public var exponentialCycles: Double = EfficiencyModel.fitted.exponentialCycles
    /// Attention efficiency: the share of the GEMM rate (``kernelEfficiency``) the attention
    /// products (scores Q.K^T and the weighted sum A.V) sustain: products of two activations,
    /// inner products one head wide, keys and values moved across the mesh. 1: as fast as a GEMM.
    public var attentionEfficiency: Double = EfficiencyModel.fitted.attentionEfficiency
    /// Vector start: the cycles a core spends starting one vector instruction (setting up its
    /// operand descriptors) beyond its elements. It weighs on short vectors: attention's dot
    /// products and weighted-sum rows are one head wide (24 elements for ESM-2). Examined as
    /// the third constant (docs/validation.md).
    public var vectorStartCycles: Double = EfficiencyModel.fitted.vectorStartCycles
    /// Backward recomputes the layer's forward (only layer inputs are kept on the wafer).
    public var recomputeInBackward = true

    /// The fitted defaults.
    public init() {}

    /// The values `andromeda-sim calibrate` fitted (regenerate with that command after any change
    /// to the compute model, the fit set or the fixed costs; docs/validation.md).
    public static let fitted = (kernelEfficiency: 0.3766, passOverheadSeconds: 0.002860, exponentialCycles: 0.0, attentionEfficiency: 1.0, vectorStartCycles: 0.0)
    /// The allowed values of each constant (scenarios, sweeps, `calibrate --hold` and the fit's
    /// search all use these): kernel efficiency, a fraction above 0.
    public static let kernelEfficiencyRange: ClosedRange<Double> = 0.001...1
    /// Pass overhead, seconds (10 s: far beyond any measurement).
    public static let passOverheadRange: ClosedRange<Double> = 0...10
    /// Exponential cost, cycles.
    public static let exponentialCyclesRange: ClosedRange<Double> = 0...100_000
    /// Vector start, cycles.
    public static let vectorStartCyclesRange: ClosedRange<Double> = 0...100_000
    /// Attention efficiency, a share of the GEMM rate above 0.
    public static let attentionEfficiencyRange: ClosedRange<Double> = 0.001...1
}
