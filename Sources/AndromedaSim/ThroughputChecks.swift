import Hardware
import Training

/// A published single-system throughput (or compiler decision) that the simulator is checked
/// against: the ALCF example logs (argonne-lcf/user-guides, docs/ai-testbed/cerebras/
/// example-programs.md and its history). GPT-J rows of those logs are reserved for a blind check
/// and are deliberately absent.
public struct ThroughputCheck: Sendable, Equatable {
    /// How the row relates to the model's parameters.
    public enum Status: String, Sendable { case calibrated, fitted, prediction }
    /// What is compared.
    public enum Figure: String, Sendable {
        /// Training samples per second.
        case trainingSamplesPerSecond = "samples/s"
        /// Evaluation (forward only) samples per second.
        case evalSamplesPerSecond = "eval samples/s"
        /// The micro-batch the compiler picked.
        case microBatch = "micro-batch"
    }
    /// Short label ("BERT-large MSL128").
    public let label: String
    /// "cs-2" or "cs-3".
    public let system: String
    /// Software release of the log.
    public let release: String
    /// Built-in model name.
    public let model: String
    /// Per-system batch.
    public let batch: Int
    /// Micro-batch fixed by the log (nil: the simulated compiler chooses).
    public let microBatch: Int?
    /// The figure compared.
    public let figure: Figure
    /// The published value.
    public let published: Double
    /// Calibrated or prediction.
    public let status: Status
    /// Largest acceptable relative error.
    public let tolerance: Double
    /// Where the number and the configuration come from, and what was assumed.
    public let source: String
}

/// The single-system checks and how to simulate them.
public enum ThroughputChecks {
    /// Every row (docs/validation.md, "Single-system throughput").
    public static let all: [ThroughputCheck] = [
        ThroughputCheck(label: "Llama-7B", system: "cs-2", release: "R2.1.1", model: "llama-7b", batch: 99, microBatch: nil,
                        figure: .trainingSamplesPerSecond, published: 20.45, status: .calibrated, tolerance: 0.01,
                        source: "ALCF CS-2 log: batch 99 x MSL 2048; kernel_efficiency is fitted to it"),
        ThroughputCheck(label: "Llama-7B compiler", system: "cs-2", release: "R2.1.1", model: "llama-7b", batch: 99, microBatch: nil,
                        figure: .microBatch, published: 99, status: .fitted, tolerance: 0,
                        source: "ALCF log: \"No benefit from gradient accumulation expected ... per-box batch size 99\"; counted as fitted: the 2 % accumulation threshold and the 4 KiB reserved SRAM were chosen with this log in view"),
        ThroughputCheck(label: "BERT-large MSL128", system: "cs-2", release: "R2.0.3", model: "bert-large", batch: 1024, microBatch: nil,
                        figure: .trainingSamplesPerSecond, published: 4047.95, status: .prediction, tolerance: 0.15,
                        source: "ALCF log (weight streaming): 1,024,000 samples in 1,000 steps, so batch 1024; shape from bert_large_MSL128.yaml; MLM head on 20 of 128 positions"),
        ThroughputCheck(label: "ESM-2 35M", system: "cs-2", release: "R2.3.0", model: "esm2-35m", batch: 2048, microBatch: 64,
                        figure: .trainingSamplesPerSecond, published: 585.88, status: .prediction, tolerance: 0.15,
                        source: "ALCF log: 819,200 samples in 400 steps (batch 2048), micro-batch 64 as logged; MSL 1026 from params_esm2_t12_35M_UR50D.yaml (assumed: not in the log)"),
        ThroughputCheck(label: "ESM-2 35M compiler", system: "cs-2", release: "R2.3.0", model: "esm2-35m", batch: 2048, microBatch: nil,
                        figure: .microBatch, published: 64, status: .prediction, tolerance: 0,
                        source: "ALCF log: \"picked micro batch size 64\""),
        ThroughputCheck(label: "DiT-2B", system: "cs-2", release: "R2.4.0", model: "dit-2b", batch: 1100, microBatch: nil,
                        figure: .trainingSamplesPerSecond, published: 405.45, status: .prediction, tolerance: 0.15,
                        source: "ALCF log: 440,000 samples in 400 steps, so batch 1100; params_dit_2B_patchsize_2x2.yaml (256 tokens per image)"),
        ThroughputCheck(label: "Llama2-7B", system: "cs-3", release: "R2.5.0 (image 2.5.1)", model: "llama2-7b", batch: 1024, microBatch: nil,
                        figure: .trainingSamplesPerSecond, published: 31.99, status: .prediction, tolerance: 0.15,
                        source: "ALCF CS-3 log: 204,800 samples in 200 steps, so batch 1024; MSL 4096 from params_llama2_7b.yaml (assumed: not in the log)"),
        ThroughputCheck(label: "ESM-2 35M", system: "cs-3", release: "R2.5.0 (image 2.5.1)", model: "esm2-35m", batch: 2048, microBatch: nil,
                        figure: .trainingSamplesPerSecond, published: 989.11, status: .prediction, tolerance: 0.15,
                        source: "ALCF CS-3 log: 819,200 samples in 400 steps, so batch 2048"),
        ThroughputCheck(label: "DiT-2B", system: "cs-3", release: "R2.5.0 (image 2.5.1)", model: "dit-2b", batch: 1168, microBatch: nil,
                        figure: .trainingSamplesPerSecond, published: 875.31, status: .prediction, tolerance: 0.15,
                        source: "ALCF CS-3 log: 467,200 samples in 400 steps, so batch 1168 (derived)"),
        ThroughputCheck(label: "BERT-large MSL128", system: "cs-3", release: "R2.5.0 (image 2.5.1)", model: "bert-large", batch: 1024, microBatch: nil,
                        figure: .evalSamplesPerSecond, published: 6665.64, status: .prediction, tolerance: 0.15,
                        source: "ALCF CS-3 log: eval GlobalRate (forward only); eval batch assumed 1024 as in training"),
    ]

    /// The cluster of `system` ("cs-2" or "cs-3") with `efficiency`'s defaults.
    public static func cluster(_ system: String) -> ClusterSpec { system == "cs-3" ? .cs3 : ClusterSpec() }

    /// Simulates `check` on one system (3 steps, compile cached) and returns the simulated value
    /// of its figure and the run.
    public static func simulate(_ check: ThroughputCheck, efficiency: EfficiencyModel = EfficiencyModel(), seed: UInt64 = 42)
        throws(TrainingError) -> (value: Double, result: TrainingResult)
    {
        guard let m = ModelCatalog.model(named: check.model) else { throw TrainingError("unknown model \(check.model)") }
        var spec = TrainingSpec(model: m, systems: 1, perSystemBatch: check.batch, stopping: .steps(3))
        spec.fixedCosts.compileCached = true
        spec.microBatch = check.microBatch
        let r = try TrainingRun.simulate(spec, cluster: cluster(check.system), efficiency: efficiency, seed: seed)
        switch check.figure {
        case .trainingSamplesPerSecond: return (r.samplesPerSecond, r)
        case .evalSamplesPerSecond: return (r.forwardOnlySamplesPerSecond, r)
        case .microBatch: return (Double(r.microBatch), r)
        }
    }
}
