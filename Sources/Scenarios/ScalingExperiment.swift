import Hardware
import Training

/// One model trained on each of several system counts.
public struct ScalingExperiment: Sendable, Equatable {
    /// The model, with the experiment's sequence length applied.
    public var model: ModelSpec
    /// System counts to simulate; each point runs on systems 0..N-1.
    public var systems: [Int]
    /// Samples per system per step (global batch = systems x this unless `globalBatch` is set).
    public var perSystemBatch: Int
    /// A fixed global batch split evenly over the systems (nil: grows with the systems).
    public var globalBatch: Int?
    /// How much training.
    public var stopping: StoppingRule
    /// Periodic checkpoint interval, steps (0: only the final checkpoint).
    public var checkpointEverySteps: Int64
    /// Whether a checkpoint is written at the end.
    public var finalCheckpoint: Bool
    /// Costs outside the steps.
    public var fixedCosts: FixedCosts
    /// Published results to show beside the simulated ones.
    public var published: [PublishedPoint]
    /// Samples per micro-batch when a log fixes it (nil: the compiler's search chooses).
    public var microBatch: Int?
    /// The convergence law `stopping` was derived from (rule "convergence_law"), if any.
    public var convergenceLaw: ConvergenceLaw?
    /// The software-release profile the fixed costs start from (``SoftwareRelease``).
    public var releaseProfile: String = SoftwareRelease.defaultName

    /// A scaling experiment built in code.
    public init(model: ModelSpec, systems: [Int], perSystemBatch: Int, globalBatch: Int? = nil, stopping: StoppingRule,
                checkpointEverySteps: Int64 = TrainingSpec.defaultCheckpointEverySteps, finalCheckpoint: Bool = true, fixedCosts: FixedCosts = FixedCosts(),
                published: [PublishedPoint] = []) {
        self.model = model
        self.systems = systems
        self.perSystemBatch = perSystemBatch
        self.globalBatch = globalBatch
        self.stopping = stopping
        self.checkpointEverySteps = checkpointEverySteps
        self.finalCheckpoint = finalCheckpoint
        self.fixedCosts = fixedCosts
        self.published = published
    }

    /// The training job of this experiment on `systems` systems.
    public func spec(systems n: Int) -> TrainingSpec {
        var s = TrainingSpec(model: model, systems: n, perSystemBatch: perSystemBatch, globalBatch: globalBatch, stopping: stopping)
        s.checkpointEverySteps = checkpointEverySteps
        s.finalCheckpoint = finalCheckpoint
        s.fixedCosts = fixedCosts
        s.microBatch = microBatch
        return s
    }
}

/// A published figure for one system count.
public struct PublishedPoint: Sendable, Equatable {
    /// The system count this figure belongs to.
    public var systems: Int
    /// Published time to train, hours (nil: not given).
    public var timeToTrainHours: Double?
    /// Published throughput, samples/s (nil: not given).
    public var samplesPerSecond: Double?
    /// Where the figure comes from.
    public var source: String

    /// A published figure.
    public init(systems: Int, timeToTrainHours: Double? = nil, samplesPerSecond: Double? = nil, source: String = "") {
        self.systems = systems
        self.timeToTrainHours = timeToTrainHours
        self.samplesPerSecond = samplesPerSecond
        self.source = source
    }
}
