import Hardware
import ScenarioFormat
import Training

/// The fields of `models`, `scaling` (with its stopping rules and published figures) and
/// `fixed_costs`, declared once: the decoder reads them, summary.json echoes the bound ones and
/// docs/scenario.schema.json is generated from them.
extension ScenarioFields {
    /// Samples per system per step, wherever a batch is given.
    public static let perSystemBatchRange = TrainingSpec.perSystemBatchRange
    /// A periodic checkpoint interval, steps.
    public static let checkpointStepsRange = Int(TrainingSpec.checkpointEveryStepsRange.lowerBound)...Int(TrainingSpec.checkpointEveryStepsRange.upperBound)
    /// A sequence length, tokens.
    static let seqLenRange = ModelSpec.seqLenRange

    /// `model` of a scaling experiment, a listed job or a job class.
    public static let modelName = FieldSpec.text("model", nonEmpty: true, required: true,
        "A model of $.models or of the built-in catalog (" + ModelCatalog.all.map(\.name).joined(separator: ", ") + ").")
    /// `seq_len` beside a `model`.
    public static let seqLenOverride = FieldSpec.integer("seq_len", seqLenRange, unit: "tokens", "Overrides the model's sequence length.")

    /// `models[].name`.
    public static let customModelName = FieldSpec.text("name", nonEmpty: true, required: true,
        "Model name, referenced by scaling[].model, multitenant.jobs[].model, multitenant.generate.classes[].model and the model column of the scenario's trace file; shadows a built-in model of the same name.")

    /// `models[]`, after its name.
    public static let model: [ScenarioField<ModelSpec>] = [
        .integer("layers", \.layers, 1...1000, unit: "blocks", "Transformer blocks.", required: true),
        .integer("d_model", \.dModel, 1...65_536, unit: "elements", "Hidden size.", required: true),
        .integer("heads", \.heads, 1...1024, unit: "heads", "Attention heads: the head width d_model / heads sets how attention maps on the mesh (its squares of cores and dot-product length).", required: true),
        .integer(kvHeadsName, \.kvHeads, 1...1024, unit: "heads",
                 "Key-value heads (grouped-query attention, as in Llama-2-70B or Llama 3): the query heads of a group share one key and one value head, so the QKV projection is d_model + 2 x d_model x kv_heads / heads wide. Default: heads; at most heads, and a divisor of it.",
                 statesDefault: false, upperBound: { Double($0.heads) }, check: { m, r throws(ScenarioError) in
                     guard m.heads % m.kvHeads == 0 else {
                         throw r.error(kvHeadsName, "kv_heads (\(m.kvHeads)) must divide heads (\(m.heads)): every key-value head serves the same number of query heads")
                     }
                 }),
        .integer("d_ffn", \.dFFN, 1...262_144, unit: "elements", "Feed-forward inner size.", required: true),
        .integer("vocabulary", \.vocabulary, 1...10_000_000, unit: "tokens", "Vocabulary size.", required: true),
        .integer("seq_len", \.seqLen, seqLenRange, unit: "tokens", "Sequence length.", required: true),
        .boolean("gated_ffn", \.gatedFFN, "SwiGLU feed-forward (three matrices)."),
        .boolean("learned_positions", \.learnedPositions, "Learned position embeddings (false: rotary)."),
        .boolean("tied_embeddings", \.tiedEmbeddings, "The output head shares the token embedding."),
        .boolean("causal", \.causal, "Causal (decoder) attention; false: an encoder attending both ways (BERT, ESM-2, DiT), whose score and weighted-sum products do twice the work."),
        .number("head_token_fraction", \.headTokenFraction, 1e-6...1, unit: "",
                "Share of tokens the output head projects onto the vocabulary (a masked-LM head on 20 of 128 positions: 0.15625)."),
        .integer("per_sample_block_parameters", \.perSampleBlockParameters, 0...100_000_000_000, unit: "parameters",
                 "Parameters per block applied once per sample rather than per token (DiT's adaLN modulation, 6 d^2 + 6 d): streamed with the block, nearly free to compute."),
    ]

    /// `kv_heads`, whose default is another field's value (`heads`).
    static let kvHeadsName = "kv_heads"

    /// A custom model's fields as the format states them (its defaults those of a model built in code).
    public static var modelSection: SectionSpec {
        let blank = ModelSpec(name: "", layers: 0, dModel: 0, heads: 0, dFFN: 0, vocabulary: 0, seqLen: 0)
        return SectionSpec("A model shape in addition to the built-in catalog.",
                           [customModelName] + model.map { $0.spec($0.required ? nil : blank) })
    }

    /// `fixed_costs`: the profile the others override.
    public static let releaseProfile = FieldSpec.choice("profile", SoftwareRelease.catalog.keys.sorted(), default: SoftwareRelease.defaultName,
        "Software-release profile the fixed costs start from (each figure with its era: docs/model.md); the other fields override it.")

    /// `fixed_costs`, after `profile`.
    public static let fixedCosts: [ScenarioField<FixedCosts>] = [
        .seconds("queue_wait_s", \.queueWait, max: 1e7, "Time in the queue before the job starts."),
        .seconds("compile_s", \.compile, max: 1e7, "Compilation."),
        .boolean("compile_cached", \.compileCached, "A cached compile: no compile cost."),
        .seconds("initial_weight_load_s", \.initialWeightLoad, max: 1e7, "Initial weight load."),
        .seconds("programming_s", \.programming, max: 1e7, "Device programming."),
        .seconds("checkpoint_base_s", \.checkpointBase, max: 1e7, "Fixed part of each checkpoint."),
        .number("checkpoint_bytes_per_s", \.checkpointBytesPerSecond, 1e3...1e15, unit: "B/s",
                "Checkpoint write rate for parameters x state bytes."),
    ]

    /// The `fixed_costs` object (the schema's shared definition), defaults of the default profile.
    public static var fixedCostsSection: SectionSpec {
        let defaults = SoftwareRelease.catalog[SoftwareRelease.defaultName]?.fixedCosts ?? FixedCosts()
        return SectionSpec("Costs outside the training steps (defaults: ALCF CS-2 logs).", [releaseProfile] + fixedCosts.map { $0.spec(defaults) })
    }

    /// The fields of a `convergence_law` stopping rule after `law` (no defaults: the named law's).
    public static let convergenceLaw: [ScenarioField<ConvergenceLaw>] = [
        .number("critical_batch_tokens", \.criticalBatchTokens, 1...1e15, unit: "tokens", "Rule convergence_law: B*, the critical batch at a loss of 1."),
        .number("min_tokens", \.minTokens, 1...1e18, unit: "tokens",
                "Rule convergence_law: D*, tokens needed at a small batch by a 1e9-parameter model."),
        .number("critical_batch_exponent", \.criticalBatchExponent, 0.01...10, unit: "", "Rule convergence_law: alpha_B (Kaplan: 0.21)."),
        .number("loss_exponent", \.lossExponent, 0...2, unit: "", "Rule convergence_law: alpha_N (Kaplan: 0.076)."),
        .number("loss_scale_parameters", \.lossScaleParameters, 1...1e20, unit: "parameters", "Rule convergence_law: N_c (Kaplan: 8.8e13)."),
        .number("min_tokens_parameter_exponent", \.minTokensParameterExponent, -2...2, unit: "",
                "Rule convergence_law: gamma, E_min = D* (N/1e9)^gamma (assumed 0)."),
    ]

    /// `scaling[].stopping`.
    public enum Stopping {
        /// The rules, and the fields that belong to each (the others are refused).
        public static let rules = ["samples", "steps", "convergence", "convergence_law"]
        public static let rule = FieldSpec.choice("rule", rules, required: true, "Which stopping rule.")
        public static let samples = FieldSpec.integer("samples", 1...1_000_000_000_000_000, unit: "samples",
                                               "rule samples: samples to train (rounded up to whole steps).")
        public static let steps = FieldSpec.integer("steps", 1...1_000_000_000_000, unit: "steps", "rule steps: optimizer steps.")
        public static let minSamples = FieldSpec.number("min_samples", 1...1e15, unit: "samples",
                                                 "rule convergence: E_min of E(B) = E_min (1 + B / B_noise).")
        public static let noiseBatch = FieldSpec.number("noise_batch", 1e-3...1e12, unit: "samples",
                                                 "rule convergence: B_noise of E(B) = E_min (1 + B / B_noise).")
        public static let law = FieldSpec.choice("law", ConvergenceLaw.catalog.keys.sorted(), default: "genslm",
                                          "Rule convergence_law: the named law (ConvergenceLaw catalog).")
        public static let lawFields = [law] + convergenceLaw.map { $0.spec(nil) }
        /// A field of the law, which rule convergence also takes (with a range scaled by the sequence length).
        public static func lawField(_ name: String) -> FieldSpec {
            guard let f = lawFields.first(where: { $0.name == name }) else { preconditionFailure("no law field \(name)") }
            return f
        }
        public static let minTokens = lawField("min_tokens")
        public static let criticalBatchTokens = lawField("critical_batch_tokens")
        public static let section = SectionSpec("How much training. A field of another rule than the chosen one is an error.",
                                         [rule, samples, steps, minSamples, noiseBatch] + lawFields, rules: ScenarioSchema.stoppingRules)
        /// The fields of each rule.
        public static let fieldsOf: [String: [String]] = [
            "samples": [samples.name], "steps": [steps.name],
            "convergence": [minSamples.name, noiseBatch.name, minTokens.name, criticalBatchTokens.name],
            "convergence_law": lawFields.map(\.name),
        ]
    }

    /// `scaling[].published[]`.
    public enum Published {
        public static let systems = FieldSpec.integer("systems", ClusterSpec.systemsRange, unit: "systems", required: true,
                                               "System count this figure belongs to.")
        public static let timeToTrain = FieldSpec.number("time_to_train_h", 0...1e6, unit: "h", "Published time to train.")
        public static let samplesPerSecond = FieldSpec.number("samples_per_s", 0...1e12, unit: "samples/s", "Published throughput.")
        public static let source = FieldSpec.text("source", default: "", "Where the figure comes from.")
        public static let section = SectionSpec("A published figure shown beside the simulated one.", [systems, timeToTrain, samplesPerSecond, source])
    }

    /// `scaling[]`.
    public enum Scaling {
        public static let systems = FieldSpec.array("systems", of: .integer("", ClusterSpec.systemsRange, unit: "systems",
                                                                     "A system count; at most $.cluster.systems (checked by the decoder only)."),
                                             minItems: 1, maxItems: 64, required: true, "System counts to simulate.")
        public static let perSystemBatch = FieldSpec.integer("per_system_batch", perSystemBatchRange, unit: "samples",
                                                      "Samples per system per step; required unless global_batch is given (then ignored).")
        public static let globalBatch = FieldSpec.integer("global_batch", 1...100_000_000, unit: "samples",
            "Fixed global batch split evenly over the systems; must divide by every systems entry (checked by the decoder only).")
        public static let microBatch = FieldSpec.integer("micro_batch", 1...1_000_000, unit: "samples",
            "Samples per micro-batch when a log fixes it (default: the compiler's search); must fit the wafer.")
        public static let stopping = FieldSpec.object("stopping", Stopping.section, required: true)
        public static let checkpointEverySteps = FieldSpec.integer("checkpoint_every_steps", checkpointStepsRange, unit: "steps",
                                                            default: Int(TrainingSpec.defaultCheckpointEverySteps),
                                                            "Periodic checkpoint interval; 0 = none.")
        public static let finalCheckpoint = FieldSpec.boolean("final_checkpoint", default: true, "A checkpoint at the end.")
        public static let fixedCosts = FieldSpec("fixed_costs", .shared("fixed_costs", fixedCostsSection),
                                          "Costs outside the training steps (defaults: ALCF CS-2 logs).")
        public static let published = FieldSpec.objects("published", Published.section, "Published figures.")
        public static let section = SectionSpec(
            "One model trained on each of several system counts.",
            [modelName, seqLenOverride, systems, perSystemBatch, globalBatch, microBatch, stopping, checkpointEverySteps,
             finalCheckpoint, fixedCosts, published, FieldSpec.comment],
            rules: [.init(keyword: "anyOf", value: .array([ScenarioSchema.required([perSystemBatch.name]),
                                                           ScenarioSchema.required([globalBatch.name])]))])
    }
}
