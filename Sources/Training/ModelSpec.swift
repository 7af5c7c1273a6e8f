/// A GPT-style decoder-only transformer: enough to derive per-layer FLOPs, weight bytes and
/// activation bytes.
///
/// FLOP counting follows Narayanan et al. 2021 (Megatron-LM): per token and layer, the forward
/// pass costs 2 x (weight matrix elements) for the dense layers plus 4 x seq_len x d_model for
/// attention scores and the weighted sum; backward costs twice the forward.
public struct ModelSpec: Sendable, Equatable {
    /// Model name, as scenarios and the catalog use it.
    public var name: String
    /// Transformer blocks.
    public var layers: Int
    /// Hidden size, elements.
    public var dModel: Int
    /// Attention heads (recorded; no cost depends on it).
    public var heads: Int
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

    /// Parameters of one transformer block: attention (QKV and output, with biases), the
    /// feed-forward matrices, and two layer norms.
    public var blockParameters: Int {
        let d = dModel, f = dFFN
        let attention = 4 * d * d + 4 * d
        let ffn = gatedFFN ? 3 * d * f : 2 * d * f + f + d
        return attention + ffn + 4 * d + perSampleBlockParameters
    }

    /// Embedding parameters (tokens, plus positions when learned).
    public var embeddingParameters: Int {
        vocabulary * dModel + (learnedPositions ? seqLen * dModel : 0)
    }

    /// Output head parameters (final norm, plus the projection when not tied).
    public var headParameters: Int {
        2 * dModel + (tiedEmbeddings ? 0 : vocabulary * dModel)
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
        let matrixElements = 4 * d * d + (gatedFFN ? 3 : 2) * d * f
        // Attention counted in full, as utilisation figures are quoted (the wafer skips the
        // masked half of a causal model's products: LayerOps).
        let attention = 4 * s * d
        let perSample = 2 * Double(perSampleBlockParameters) / s
        for i in stride(from: 1, through: layers, by: 1) {
            out.append(LayerCost(kind: .block, index: i, parameters: blockParameters,
                                 forwardFLOPsPerToken: 2 * matrixElements + attention + perSample))
        }
        // The head reads the (tied) embedding matrix: its weights are streamed again.
        out.append(LayerCost(kind: .head, index: layers + 1, parameters: headParameters + (tiedEmbeddings ? vocabulary * dModel : 0),
                             forwardFLOPsPerToken: 2 * d * v * headTokenFraction))
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

/// The models the scenarios name. Shapes of GenSLM's Cerebras runs were not published: the
/// GPT-3 shapes of the stated sizes are assumed, with GenSLM's 69-token codon vocabulary.
public enum ModelCatalog {
    /// Looks up a built-in model by name at the given sequence length (nil: unknown).
    public static func model(named name: String, seqLen: Int? = nil) -> ModelSpec? {
        guard var m = all.first(where: { $0.name == name }) else { return nil }
        if let s = seqLen { m.seqLen = s }
        return m
    }

    /// Resolves `name` among `custom` models first, then the built-in ones, at `seqLen` if given.
    /// On failure returns the message to show: the unknown name and every known one.
    public static func resolve(_ name: String, seqLen: Int?, custom: [ModelSpec]) -> Result<ModelSpec, TrainingError> {
        if var m = custom.first(where: { $0.name == name }) {
            if let s = seqLen { m.seqLen = s }
            return .success(m)
        }
        if let m = model(named: name, seqLen: seqLen) { return .success(m) }
        let known = (custom.map(\.name) + all.map(\.name)).joined(separator: ", ")
        return .failure(TrainingError("unknown model \"\(name)\"; known: \(known)"))
    }

    /// Every built-in model.
    public static let all: [ModelSpec] = [
        // GenSLM (Zvyagin et al. 2022): GPT-3 Small and XL shapes, codon vocabulary 69.
        ModelSpec(name: "genslm-123m", layers: 12, dModel: 768, heads: 12, dFFN: 3072, vocabulary: 69, seqLen: 10_240),
        ModelSpec(name: "genslm-1.3b", layers: 24, dModel: 2048, heads: 16, dFFN: 8192, vocabulary: 69, seqLen: 10_240),
        // Llama-7B (Touvron et al. 2023): the calibration point (ALCF CS-2 log).
        ModelSpec(name: "llama-7b", layers: 32, dModel: 4096, heads: 32, dFFN: 11008, vocabulary: 32000, seqLen: 2048,
                  gatedFFN: true, learnedPositions: false, tiedEmbeddings: false),
        // Cerebras-GPT (Dey et al. 2023, Model Zoo configs), GPT-2 vocabulary, MSL 2048.
        ModelSpec(name: "cerebras-gpt-111m", layers: 10, dModel: 768, heads: 12, dFFN: 3072, vocabulary: 50257, seqLen: 2048),
        ModelSpec(name: "cerebras-gpt-256m", layers: 14, dModel: 1088, heads: 17, dFFN: 4352, vocabulary: 50257, seqLen: 2048),
        ModelSpec(name: "cerebras-gpt-590m", layers: 18, dModel: 1536, heads: 12, dFFN: 6144, vocabulary: 50257, seqLen: 2048),
        ModelSpec(name: "cerebras-gpt-1.3b", layers: 24, dModel: 2048, heads: 16, dFFN: 8192, vocabulary: 50257, seqLen: 2048),
        ModelSpec(name: "cerebras-gpt-2.7b", layers: 32, dModel: 2560, heads: 20, dFFN: 10240, vocabulary: 50257, seqLen: 2048),
        ModelSpec(name: "cerebras-gpt-6.7b", layers: 32, dModel: 4096, heads: 32, dFFN: 16384, vocabulary: 50257, seqLen: 2048),
        ModelSpec(name: "cerebras-gpt-13b", layers: 40, dModel: 5120, heads: 40, dFFN: 20480, vocabulary: 50257, seqLen: 2048),
        // Models of the ALCF example logs (Cerebras Model Zoo configs; docs/validation.md).
        // BERT-large MSL128 (bert_large_MSL128.yaml): masked-LM head on 20 of 128 positions.
        ModelSpec(name: "bert-large", layers: 24, dModel: 1024, heads: 16, dFFN: 4096, vocabulary: 30522, seqLen: 128)
            .encoder(headTokenFraction: 20.0 / 128.0),
        // ESM-2 35M (params_esm2_t12_35M_UR50D.yaml): rotary positions, tied embeddings, MSL 1026.
        ModelSpec(name: "esm2-35m", layers: 12, dModel: 480, heads: 20, dFFN: 1920, vocabulary: 33, seqLen: 1026,
                  learnedPositions: false).encoder(),
        // DiT-2B, patch 2x2 on 32x32x4 latents (params_dit_2B_patchsize_2x2.yaml): 256 tokens per
        // image; the "vocabulary" is the 32 output channels; adaLN modulation 6 d^2 + 6 d per block.
        ModelSpec(name: "dit-2b", layers: 30, dModel: 2048, heads: 16, dFFN: 8192, vocabulary: 32, seqLen: 256,
                  learnedPositions: false, tiedEmbeddings: false).encoder(perSampleBlockParameters: 6 * 2048 * 2048 + 6 * 2048),
        // Llama2-7B (params_llama2_7b.yaml): the Llama-7B shape at MSL 4096.
        ModelSpec(name: "llama2-7b", layers: 32, dModel: 4096, heads: 32, dFFN: 11008, vocabulary: 32000, seqLen: 4096,
                  gatedFFN: true, learnedPositions: false, tiedEmbeddings: false),
    ]
}
