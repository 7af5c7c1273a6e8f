import Cluster
import SimEngine
import Training

/// One kind of job in a synthetic workload: a model, a choice of gang sizes and a range of sizes.
public struct JobClass: Sendable, Equatable {
    /// Name of the class (for messages and documentation only).
    public var name: String
    /// Relative share of the jobs drawn from this class (> 0; normalised over the mix).
    public var weight: Double
    /// The model trained.
    public var model: ModelSpec
    /// Gang sizes (systems), each equally likely; each in 1...`ClusterSpec.maxSystems`.
    public var systemsChoices: [Int]
    /// Samples per system per step (1...1,000,000); global batch = systems x this.
    public var perSystemBatch: Int
    /// Samples to train, drawn log-uniformly from this range (within 1...1e15; it must contain an
    /// integer); the job's stopping rule is `.samples`.
    public var samplesRange: ClosedRange<Double>
    /// Scheduling priority of every job of the class (higher runs first under the priority policy).
    public var priority: Int
    /// A checkpoint every this many steps (0: only at the end; at most 1e12).
    public var checkpointEverySteps: Int64

    /// Creates a job class.
    public init(name: String, weight: Double = 1, model: ModelSpec, systemsChoices: [Int], perSystemBatch: Int,
                samplesRange: ClosedRange<Double>, priority: Int = 0, checkpointEverySteps: Int64 = TrainingSpec.defaultCheckpointEverySteps) {
        self.name = name
        self.weight = weight
        self.model = model
        self.systemsChoices = systemsChoices
        self.perSystemBatch = perSystemBatch
        self.samplesRange = samplesRange
        self.priority = priority
        self.checkpointEverySteps = checkpointEverySteps
    }
}
