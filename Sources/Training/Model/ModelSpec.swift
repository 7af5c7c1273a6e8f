/// A GPT-style decoder-only transformer: enough to derive per-layer FLOPs, weight bytes and
/// activation bytes.
///
/// FLOP counting follows Narayanan et al. 2021 (Megatron-LM): per token and layer, the forward
/// pass costs 2 x (weight matrix elements) for the dense layers plus 4 x seq_len x d_model for
/// attention scores and the weighted sum; backward costs twice the forward.
public struct ModelSpec: Sendable, Hashable {
    /// The allowed sequence lengths, tokens (a scenario's model or override, a trace row, `train`
    /// and `wafer --seq-len`).
    public static let seqLenRange = 1...1_048_576
    /// Model name, as scenarios and the catalog use it.
    public var name: String
    /// Transformer blocks.
    public var layers: Int
    /// Hidden size, elements.
    public var dModel: Int
    /// Attention heads: the head width `dModel / heads` sets how attention maps on the mesh.
    public var heads: Int
    /// Key-value heads (grouped-query attention: Llama-2-70B, Llama 3); the query heads of a
    /// group share one key and one value head. Reads `heads` unless set to fewer.
    public var kvHeads: Int {
        get { groupedKVHeads ?? heads }
        set { groupedKVHeads = newValue == heads ? nil : newValue }
    }
    private var groupedKVHeads: Int?
    /// Width of the keys (and of the values) per token: `dModel` x `kvHeads` / `heads`.
    public var kvWidth: Int { heads > 0 ? dModel * kvHeads / heads : dModel }
    /// Feed-forward inner size, elements.
    public var dFFN: Int
    /// Vocabulary size, tokens.
    public var vocabulary: Int
    /// Sequence length, tokens.
    public var seqLen: Int
    /// Gated feed-forward (SwiGLU: three matrices instead of two).
    public var gatedFFN: Bool = false
    /// Learned position embeddings (GPT-2/3); false for rotary (Llama).
    public var learnedPositions: Bool = true
    /// The output projection shares the token embedding's weights (GPT-2/3).
    public var tiedEmbeddings: Bool = true
    /// Causal (decoder) attention: each token attends to the tokens before it, so the score and
    /// weighted-sum products do half the work of an encoder's (BERT, ESM-2, DiT attend both ways).
    public var causal: Bool = true
    /// Share of tokens the output head projects onto the vocabulary (1; BERT's masked-LM head
    /// projects only the masked positions: 20 of 128).
    public var headTokenFraction: Double = 1
    /// Parameters per block applied once per sample rather than per token (DiT's adaLN
    /// modulation, 6 d^2 + 6 d): streamed with the block, nearly free to compute.
    public var perSampleBlockParameters: Int = 0
    /// A sequence-classification head (fine-tuning, e.g. SST-2) instead of the vocabulary
    /// projection: a pooler (d x d) and a classifier (d x classes) on one token per sample.
    /// nil: the language-model head.
    public var classifierClasses: Int?

    /// A model of the given shape.
    public init(name: String, layers: Int, dModel: Int, heads: Int, dFFN: Int, vocabulary: Int,
                seqLen: Int, gatedFFN: Bool = false, learnedPositions: Bool = true, tiedEmbeddings: Bool = true) {
        self.name = name
        self.layers = layers
        self.dModel = dModel
        self.heads = heads
        self.dFFN = dFFN
        self.vocabulary = vocabulary
        self.seqLen = seqLen
        self.gatedFFN = gatedFFN
        self.learnedPositions = learnedPositions
        self.tiedEmbeddings = tiedEmbeddings
    }

    /// The same model as an encoder (bidirectional attention).
    public func encoder(headTokenFraction: Double = 1, perSampleBlockParameters: Int = 0) -> ModelSpec {
        var m = self
        m.causal = false
        m.headTokenFraction = headTokenFraction
        m.perSampleBlockParameters = perSampleBlockParameters
        return m
    }

    /// The same model fine-tuned for sequence classification into `classes` classes (an encoder
    /// whose head is a pooler and a classifier on the first token: BERT on SST-2).
    public func classifier(classes: Int) -> ModelSpec {
        var m = encoder(headTokenFraction: 1 / Double(max(1, seqLen)))
        m.classifierClasses = classes
        m.tiedEmbeddings = false
        return m
    }

    /// Parameters of one transformer block: attention (QKV and output, with biases), the
    /// feed-forward matrices, and two layer norms.
    public var blockParameters: Int {
        let d = dModel, f = dFFN
        let kv = kvWidth
        let attention = 2 * d * d + 2 * d * kv + 2 * d + 2 * kv
        let ffn = gatedFFN ? 3 * d * f : 2 * d * f + f + d
        return attention + ffn + 4 * d + perSampleBlockParameters
    }

    /// Embedding parameters (tokens, plus positions when learned).
    public var embeddingParameters: Int {
        vocabulary * dModel + (learnedPositions ? seqLen * dModel : 0)
    }

    /// Output head parameters (final norm, plus the projection when not tied).
    public var headParameters: Int {
        if let c = classifierClasses { return 2 * dModel + dModel * dModel + dModel + dModel * c + c }
        return 2 * dModel + (tiedEmbeddings ? 0 : vocabulary * dModel)
    }

    /// Total parameter count.
    public var parameters: Int { embeddingParameters + layers * blockParameters + headParameters }

    /// The layers in forward order: embedding, the blocks, the output head, with the weights each
    /// streams and its forward FLOPs per token (Narayanan et al. 2021). How each layer maps onto
    /// the wafer is ``LayerOps``.
    public func layerCosts() -> [LayerCost] {
        let d = Double(dModel), f = Double(dFFN), s = Double(seqLen), v = Double(vocabulary)
        var out: [LayerCost] = []
        out.append(LayerCost(kind: .embedding, index: 0, parameters: embeddingParameters, forwardFLOPsPerToken: 0))
        let matrixElements = 2 * d * d + 2 * d * Double(kvWidth) + (gatedFFN ? 3 : 2) * d * f
        // Attention counted in full, as utilisation figures are quoted (the wafer skips the
        // masked half of a causal model's products: LayerOps).
        let attention = 4 * s * d
        let perSample = 2 * Double(perSampleBlockParameters) / s
        for i in stride(from: 1, through: layers, by: 1) {
            out.append(LayerCost(kind: .block, index: i, parameters: blockParameters,
                                 forwardFLOPsPerToken: 2 * matrixElements + attention + perSample))
        }
        // The head reads the (tied) embedding matrix: its weights are streamed again.
        let headWidth = classifierClasses.map { d + Double($0) } ?? v
        out.append(LayerCost(kind: .head, index: layers + 1, parameters: headParameters + (tiedEmbeddings ? vocabulary * dModel : 0),
                             forwardFLOPsPerToken: 2 * d * headWidth * headTokenFraction))
        return out
    }

    /// Model FLOPs per token for training (forward + backward = 3 x forward), the figure
    /// utilisation is quoted against.
    public var trainingFLOPsPerToken: Double {
        3 * layerCosts().reduce(0) { $0 + $1.forwardFLOPsPerToken }
    }
}

/// The cost of one layer of a model, per token.
public struct LayerCost: Sendable, Equatable {
    /// Which part of the model a layer is.
    public enum Kind: String, Sendable, CaseIterable { case embedding, block, head }
    /// The embedding, a transformer block or the output head.
    public let kind: Kind
    /// Position in forward order.
    public let index: Int
    /// Parameters whose weights stream in for this layer (a tied head counts the embedding).
    public let parameters: Int
    /// Forward FLOPs per token (model FLOPs, attention counted in full).
    public let forwardFLOPsPerToken: Double
}
