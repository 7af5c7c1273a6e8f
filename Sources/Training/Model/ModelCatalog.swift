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
        resolve(name, seqLen: seqLen, custom: Custom(custom))
    }

    /// A scenario's own models indexed by name (the first of a name wins, as in a search of the
    /// list), so that resolving every job of a large workload costs one lookup each, not a search
    /// of every model.
    public struct Custom: Sendable {
        /// The models, in the scenario's order.
        public let models: [ModelSpec]
        let first: [String: Int]

        /// Indexes `models`.
        public init(_ models: [ModelSpec]) {
            self.models = models
            var first: [String: Int] = [:]
            for (i, m) in models.enumerated() where first[m.name] == nil { first[m.name] = i }
            self.first = first
        }
    }

    /// Resolves `name` among the `custom` models first, then the built-in ones; see
    /// the other `resolve(_:seqLen:custom:)`.
    public static func resolve(_ name: String, seqLen: Int?, custom: Custom) -> Result<ModelSpec, TrainingError> {
        if let i = custom.first[name] {
            var m = custom.models[i]
            if let s = seqLen { m.seqLen = s }
            return .success(m)
        }
        if let m = model(named: name, seqLen: seqLen) { return .success(m) }
        let known = (custom.models.map(\.name) + all.map(\.name)).joined(separator: ", ")
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
        ModelSpec(name: "cerebras-gpt-2.7b", layers: 32, dModel: 2560, heads: 32, dFFN: 10240, vocabulary: 50257, seqLen: 2048),
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
        // GPT-2 small (params_gpt2_small.yaml) at MSL 2048 (the DABench log, P5).
        ModelSpec(name: "gpt2-small", layers: 12, dModel: 768, heads: 12, dFFN: 3072, vocabulary: 50257, seqLen: 2048),
        // BERT-base and BERT-large fine-tuned on SST-2 (Zhang et al. 2024, Table IV; P10, P11):
        // MSL 128, a pooler and a 2-class classifier on the first token.
        ModelSpec(name: "bert-base-sst2", layers: 12, dModel: 768, heads: 12, dFFN: 3072, vocabulary: 30522, seqLen: 128)
            .classifier(classes: 2),
        ModelSpec(name: "bert-large-sst2", layers: 24, dModel: 1024, heads: 16, dFFN: 4096, vocabulary: 30522, seqLen: 128)
            .classifier(classes: 2),
        // Llama2-7B (params_llama2_7b.yaml): the Llama-7B shape at MSL 4096.
        ModelSpec(name: "llama2-7b", layers: 32, dModel: 4096, heads: 32, dFFN: 11008, vocabulary: 32000, seqLen: 4096,
                  gatedFFN: true, learnedPositions: false, tiedEmbeddings: false),
    ]
}
