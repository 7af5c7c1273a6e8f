import Hardware
import Training

/// A scenario file, decoded and with every default filled in.
public struct Scenario: Sendable, Equatable {
    /// Format version (1).
    public var version: Int
    public var name: String
    public var description: String
    public var seed: UInt64
    public var cluster: ClusterSpec
    public var efficiency: EfficiencyModel
    /// Models defined in the scenario (in addition to the built-in catalog).
    public var models: [ModelSpec]
    /// Scaling experiments: one model on several system counts.
    public var scaling: [ScalingExperiment]
    /// The shared cluster: a workload run under each of several scheduling policies.
    public var multitenant: MultitenantSpec?

    /// A scenario built in code.
    public init(version: Int = 1, name: String, description: String = "", seed: UInt64 = 42, cluster: ClusterSpec = ClusterSpec(),
                efficiency: EfficiencyModel = EfficiencyModel(), models: [ModelSpec] = [], scaling: [ScalingExperiment] = [],
                multitenant: MultitenantSpec? = nil) {
        self.version = version
        self.name = name
        self.description = description
        self.seed = seed
        self.cluster = cluster
        self.efficiency = efficiency
        self.models = models
        self.scaling = scaling
        self.multitenant = multitenant
    }
}

/// One model trained on each of several system counts.
public struct ScalingExperiment: Sendable, Equatable {
    public var model: ModelSpec
    public var systems: [Int]
    public var perSystemBatch: Int
    public var globalBatch: Int?
    public var stopping: StoppingRule
    public var checkpointEverySteps: Int64
    public var finalCheckpoint: Bool
    public var fixedCosts: FixedCosts
    /// Published results to show beside the simulated ones.
    public var published: [PublishedPoint]

    /// A scaling experiment built in code.
    public init(model: ModelSpec, systems: [Int], perSystemBatch: Int, globalBatch: Int? = nil, stopping: StoppingRule,
                checkpointEverySteps: Int64 = 5000, finalCheckpoint: Bool = true, fixedCosts: FixedCosts = FixedCosts(),
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
        return s
    }
}

/// A published figure for one system count.
public struct PublishedPoint: Sendable, Equatable {
    public var systems: Int
    public var timeToTrainHours: Double?
    public var samplesPerSecond: Double?
    public var source: String

    /// A published figure.
    public init(systems: Int, timeToTrainHours: Double? = nil, samplesPerSecond: Double? = nil, source: String = "") {
        self.systems = systems
        self.timeToTrainHours = timeToTrainHours
        self.samplesPerSecond = samplesPerSecond
        self.source = source
    }
}
