import Foundation

/// One law for the samples a model needs to reach its target loss at a given global batch, shared
/// by every model of a family (docs/model.md, "Time to train"):
///
///     E(B)     = E_min (1 + B / B_crit)                           McCandlish et al. 2018
///     B_crit   = B* / L^(1 / alpha_B)         (tokens)             Kaplan et al. 2020, Eq. 1.4 / 5.3
///     L(N)     = (N_c / N)^alpha_N            (N: non-embedding parameters; Kaplan Eq. 1.1)
///     E_min    = D* (N / 1e9)^gamma           (tokens)
///
/// Each model is trained to the loss its size reaches at convergence, L(N); a larger model
/// reaches a lower loss and so has a larger critical batch (Kaplan: B_crit roughly doubles for
/// every 13 % fall in loss). B* and D* are the only free parameters: B* because Kaplan's 2e8
/// tokens is tied to WebText2 tokens and nats, not to a 69-codon vocabulary (Kaplan §1.2); D*
/// because the samples the GenSLM runs trained on were never published. `gamma` is 0 (assumed:
/// both GenSLM models trained on the same SARS-CoV-2 genome data to the same number of tokens).
public struct ConvergenceLaw: Sendable, Equatable {
    /// Name (the catalog key, or "custom").
    public var name: String
    /// B*: the critical batch in tokens at a loss of 1 (FITTED; Kaplan's WebText2 value 2e8).
    public var criticalBatchTokens: Double
    /// D*: tokens needed at a small batch by a model of 1e9 non-embedding parameters (FITTED).
    public var minTokens: Double
    /// alpha_B (Kaplan Eq. 1.4: 0.21).
    public var criticalBatchExponent: Double = 0.21
    /// alpha_N (Kaplan Eq. 1.1: 0.076).
    public var lossExponent: Double = 0.076
    /// N_c, non-embedding parameters (Kaplan Eq. 1.1: 8.8e13).
    public var lossScaleParameters: Double = 8.8e13
    /// gamma: how E_min grows with model size (assumed 0: the same data for every model).
    public var minTokensParameterExponent: Double = 0

    /// A law with the two free parameters given and Kaplan's constants.
    public init(name: String = "custom", criticalBatchTokens: Double, minTokens: Double) {
        self.name = name
        self.criticalBatchTokens = criticalBatchTokens
        self.minTokens = minTokens
    }

    /// The shared law fitted to the four GenSLM times (123M and 1.3B, 1 and 4 systems) by
    /// `andromeda-sim calibrate`; regenerate with that command after any change to the throughput
    /// model or the fixed costs (docs/validation.md). The GenSLM scenarios use each model's own
    /// law instead (`"rule": "convergence"`); this one is kept for scenarios that name it, and its
    /// leave-one-out is evidence in docs/validation.md.
    public static let genslm = ConvergenceLaw(name: "genslm", criticalBatchTokens: 6.419e7, minTokens: 7.053e9)

    /// Laws a scenario can name.
    public static let catalog: [String: ConvergenceLaw] = ["genslm": genslm]

    /// Non-embedding parameters of `model` (Kaplan's N).
    public static func nonEmbeddingParameters(_ model: ModelSpec) -> Double {
        Double(max(1, model.layers * model.blockParameters))
    }

    /// The converged loss L(N) of `model` in Kaplan's units.
    public func loss(_ model: ModelSpec) -> Double {
        pow(lossScaleParameters / Self.nonEmbeddingParameters(model), lossExponent)
    }

    /// B_crit of `model`, tokens.
    public func criticalBatchTokens(_ model: ModelSpec) -> Double {
        criticalBatchTokens / pow(loss(model), 1 / criticalBatchExponent)
    }

    /// E_min of `model`, tokens.
    public func minTokens(_ model: ModelSpec) -> Double {
        minTokens * pow(Self.nonEmbeddingParameters(model) / 1e9, minTokensParameterExponent)
    }

    /// The stopping rule for `model` (samples of `model.seqLen` tokens).
    public func stopping(for model: ModelSpec) -> StoppingRule {
        let seq = Double(max(1, model.seqLen))
        return .convergence(minSamples: minTokens(model) / seq, noiseBatch: criticalBatchTokens(model) / seq)
    }
}
