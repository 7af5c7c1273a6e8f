import Hardware
import Training

/// A scenario file, decoded and with every default filled in.
public struct Scenario: Sendable, Equatable {
    /// Format version (1).
    public var version: Int
    /// Scenario name; names the default output folder `out/<name>`.
    public var name: String
    /// Free text, shown in summary.json.
    public var description: String
    /// Seeds the wafer defect maps, the generated workload and the system failures.
    public var seed: UInt64
    /// The hardware (shared by both kinds of run).
    public var cluster: ClusterSpec
    /// The compute-efficiency model.
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
