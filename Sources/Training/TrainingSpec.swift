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

/// Costs outside the training steps (ALCF CS-2 cluster logs, R2.1.1).
public struct FixedCosts: Sendable, Equatable {
    /// Time in the queue before the job starts (measured: up to about 14 min; default 0: an
    /// idle cluster, the multi-tenant scheduler simulates queueing).
    public var queueWait: SimDuration = .zero
    /// Compilation (measured: about 34 min).
    public var compile: SimDuration = .seconds(34 * 60)
    /// A compile matching model, batch and system count is cached: no compile cost.
    public var compileCached = false
    /// Initial weight load into MemoryX and the systems (measured: 1.5-2.2 min; midpoint).
    public var initialWeightLoad: SimDuration = .seconds(111)
    /// Device programming (measured: about 1.4 min).
    public var programming: SimDuration = .seconds(84)
    /// Fixed part of one checkpoint (measured: each checkpoint 4-11 min; 4 min taken as the
    /// fixed part, the rest grows with the state written).
    public var checkpointBase: SimDuration = .seconds(240)
    /// Rate at which a checkpoint writes weights and optimizer state, bytes/s (assumed).
    public var checkpointBytesPerSecond: Double = 2e9
    /// The measured defaults.
    public init() {}
}

/// One training job: a model on some systems with a batch and a stopping rule.
public struct TrainingSpec: Sendable, Equatable {
    /// The model trained.
    public var model: ModelSpec
    /// Systems the job runs on (data parallel).
    public var systems: Int
    /// Samples per system per step. Global batch = systems x this, unless `globalBatch` is set.
    public var perSystemBatch: Int
    /// A fixed global batch split evenly over the systems (nil: grows with the systems).
    public var globalBatch: Int?
    /// How much training: samples, steps or convergence.
    public var stopping: StoppingRule
    /// A checkpoint every this many steps (0: only at the end).
    public var checkpointEverySteps: Int64 = 5000
    /// Write a checkpoint when training ends.
    public var finalCheckpoint = true
    /// Costs outside the steps: queue, compile, weight load, programming, checkpoints.
    public var fixedCosts = FixedCosts()
    /// Samples per micro-batch, when a log fixes it (nil: the compiler's search chooses).
    public var microBatch: Int?

    /// A job of `model` on `systems` systems; checkpoints and fixed costs take their defaults.
    public init(model: ModelSpec, systems: Int, perSystemBatch: Int, globalBatch: Int? = nil, stopping: StoppingRule) {
        self.model = model
        self.systems = systems
        self.perSystemBatch = perSystemBatch
        self.globalBatch = globalBatch
        self.stopping = stopping
    }

    /// The global batch in samples.
    public var effectiveGlobalBatch: Int { globalBatch ?? systems * perSystemBatch }
}

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
