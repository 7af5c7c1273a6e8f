import SimEngine

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
    /// Samples per system per step, wherever a batch is given (a scenario, a trace row, a
    /// generated job class, the Philly converter, the `per_system_batch` sweep).
    public static let perSystemBatchRange = 1...1_000_000
    /// A periodic checkpoint interval, steps (0: only at the end).
    public static let checkpointEveryStepsRange: ClosedRange<Int64> = 0...1_000_000_000_000
    /// The default checkpoint interval, in steps (`checkpoint_every_steps`): the one place it is stated.
    public static let defaultCheckpointEverySteps: Int64 = 5000
    /// A checkpoint every this many steps (0: only at the end).
    public var checkpointEverySteps: Int64 = TrainingSpec.defaultCheckpointEverySteps
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
