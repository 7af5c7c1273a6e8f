import Hardware
import Wafer

/// One operation of a layer's forward pass as the wafer runs it.
public enum WaferOp: Sendable, Equatable {
    /// A matrix multiplication whose weights stream in from MemoryX (docs/wafer-dataflow.md).
    case gemm(name: String, shape: GemmShape)
    /// Attention: scores Q.K^T, softmax and the weighted sum of values, for every sample and
    /// head, on squares of cores (``AttentionMapping``; docs/wafer-dataflow.md, "Attention").
    case attention(name: String, shape: AttentionShape)
    /// An element-wise pass: norms, softmax, activation functions, the embedding gather;
    /// `transcendentalsPerElement` of its operations are exponentials (softmax, the loss's
    /// softmax, the activation's tanh or sigmoid), which a core without a transcendental unit
    /// computes in software (``EfficiencyModel/exponentialCycles``).
    case elementwise(name: String, elements: Double, opsPerElement: Double, transcendentalsPerElement: Double = 0)

    /// The operation's name ("qkv", "attention", "ffn-up", ...).
    public var name: String {
        switch self {
        case .gemm(let n, _), .attention(let n, _), .elementwise(let n, _, _, _): return n
        }
    }
}

/// How each layer of a transformer maps onto the wafer: its operations, and the SRAM a micro-batch
/// occupies on every core. Every matrix multiplication is its own GEMM with its own tiling;
/// attention (Q.K^T, softmax, A.V), the norms, the embedding and the vocabulary projection are
/// separate operations (docs/model.md, "Wafer").
public enum LayerOps {
    /// Vector operations per element of a layer norm (mean, variance, normalise, scale, shift,
    /// residual add): assumed.
    public static let normOpsPerElement = 8.0
    /// Vector operations per element of a softmax (max, subtract, exponential, sum, divide):
    /// assumed, stated once with attention's (``AttentionCosts/softmaxOpsPerScore``).
    public static let softmaxOpsPerElement = AttentionCosts.softmaxOpsPerScore
    /// Vector operations per element of GELU (tanh form), assumed; SwiGLU adds the gate product.
    public static let activationOpsPerElement = 8.0

    /// The forward operations of a layer of `kind` on a micro-batch of `samples`.
    public static func forward(_ m: ModelSpec, kind: LayerCost.Kind, samples: Int) -> [WaferOp] {
        let t = samples * m.seqLen
        let td = Double(t), d = m.dModel, s = Double(m.seqLen)
        let half = m.causal ? 0.5 : 1.0
        switch kind {
        case .embedding:
            return [.elementwise(name: "gather", elements: td * Double(d), opsPerElement: 1)]
        case .block:
            var ops: [WaferOp] = [
                .elementwise(name: "norm1", elements: td * Double(d), opsPerElement: normOpsPerElement),
                .gemm(name: "qkv", shape: GemmShape(tokens: t, dIn: d, dOut: d + 2 * m.kvWidth)),
                .attention(name: "attention", shape: AttentionShape(instances: samples * m.heads, sequence: m.seqLen,
                                                                    headWidth: max(1, d / max(1, m.heads)), causal: m.causal)),
                .gemm(name: "proj", shape: GemmShape(tokens: t, dIn: d, dOut: d)),
                .elementwise(name: "norm2", elements: td * Double(d), opsPerElement: normOpsPerElement),
                .gemm(name: "ffn-up", shape: GemmShape(tokens: t, dIn: d, dOut: (m.gatedFFN ? 2 : 1) * m.dFFN)),
                .elementwise(name: "activation", elements: td * Double(m.dFFN),
                             opsPerElement: activationOpsPerElement + (m.gatedFFN ? 2 : 0), transcendentalsPerElement: 1),
                .gemm(name: "ffn-down", shape: GemmShape(tokens: t, dIn: m.dFFN, dOut: d)),
            ]
            if m.perSampleBlockParameters > 0 {
                let out = max(1, m.perSampleBlockParameters / max(1, d))
                ops.append(.gemm(name: "modulation", shape: GemmShape(tokens: samples, dIn: d, dOut: out)))
            }
            return ops
        case .head:
            let th = max(1, Int((td * m.headTokenFraction).rounded(.up)))
            if let classes = m.classifierClasses {
                return [
                    .elementwise(name: "norm-final", elements: td * Double(d), opsPerElement: normOpsPerElement),
                    .gemm(name: "pooler", shape: GemmShape(tokens: samples, dIn: d, dOut: d)),
                    .gemm(name: "classifier", shape: GemmShape(tokens: samples, dIn: d, dOut: classes)),
                    .elementwise(name: "loss", elements: Double(samples) * Double(classes), opsPerElement: softmaxOpsPerElement,
                                 transcendentalsPerElement: 1),
                ]
            }
            return [
                .elementwise(name: "norm-final", elements: td * Double(d), opsPerElement: normOpsPerElement),
                .gemm(name: "vocab", shape: GemmShape(tokens: th, dIn: d, dOut: m.vocabulary)),
                .elementwise(name: "loss", elements: Double(th) * Double(m.vocabulary), opsPerElement: softmaxOpsPerElement,
                             transcendentalsPerElement: 1),
            ]
        }
    }

    /// Layer inputs kept on the wafer for the backward pass with segment checkpointing: store the
    /// input of every k-th block, and while a segment's backward runs, the k inputs recomputed
    /// inside it: ceil(L / k) + k - 1, minimised over k (Chen et al. 2016, "Training deep nets
    /// with sublinear memory cost").
    public static func storedLayerInputs(blocks l: Int) -> Int {
        guard l > 1 else { return max(1, l) }
        var best = l
        for k in 1...l { best = min(best, (l + k - 1) / k + k - 1) }
        return best
    }

    /// Bytes per token live inside one block while it runs (16-bit): its input plus the widest
    /// intermediate (Q, K, V and the attention output: 4 d, or 2 d + 2 kv width with grouped
    /// keys and values; or the feed-forward's 2 f gated, f otherwise).
    public static func workingBytesPerToken(_ m: ModelSpec) -> Double {
        let d = Double(m.dModel), f = Double(m.dFFN)
        return 2 * (d + max(2 * d + 2 * Double(m.kvWidth), (m.gatedFFN ? 2 : 1) * f))
    }

    /// Bytes per token live inside one block while its attention runs (16-bit): its input, Q, K,
    /// V and the attention output (5 d; 3 d + 2 kv width with grouped keys and values). The
    /// feed-forward's intermediate is not live yet, so a gated model's wider 2 f does not take
    /// SRAM from the attention.
    public static func attentionWorkingBytesPerToken(_ m: ModelSpec) -> Double {
        2 * (3 * Double(m.dModel) + 2 * Double(m.kvWidth))
    }

    /// Bytes per core a micro-batch of `samples` holds before any GEMM tile: stored layer inputs
    /// and the running block's working set (`attention`: the set live while attention runs),
    /// spread evenly over the grid.
    public static func activationBytesPerCore(_ m: ModelSpec, samples: Int, gridCores: Int, attention: Bool = false) -> Double {
        let tokens = Double(samples) * Double(m.seqLen)
        let stored = Double(storedLayerInputs(blocks: m.layers)) * 2 * Double(m.dModel)
        let working = attention ? attentionWorkingBytesPerToken(m) : workingBytesPerToken(m)
        return tokens * (stored + working) / Double(max(1, gridCores))
    }

    /// The one SRAM budget (training and the `wafer` command both use it): bytes per core left
    /// for an operation's own memory (a GEMM's tile, or the attention's squares when `attention`)
    /// after the activations and the reserved bytes, rounded once.
    public static func freeBytesPerCore(_ m: ModelSpec, samples: Int, gridCores: Int, sramBytesPerCore: Int,
                                        reservedBytesPerCore: Int, attention: Bool = false) -> Int {
        let act = activationBytesPerCore(m, samples: samples, gridCores: gridCores, attention: attention)
        let free = Double(sramBytesPerCore - reservedBytesPerCore) - act.rounded(.up)
        return free < -1e15 ? Int(-1e15) : Int(free)
    }
}
