import Cluster
import Foundation
import Hardware
import ScenarioFormat
import Scenarios
import SimEngine
import Training
import Workloads

/// The front door of the library: load a scenario (or build one in code), run it, read typed
/// results.
///
/// ```swift
/// import AndromedaSim
/// let scenario = try Andromeda.load("genslm")          // a built-in name or a path
/// let results = try Andromeda.run(scenario)
/// for row in results.scaling.rows { print(row.result.modelName, row.result.systems, row.result.samplesPerSecond) }
/// ```
public enum Andromeda {
    /// Everything a scenario run produced.
    public struct Results: Sendable {
        /// The scenario that was run.
        public let scenario: Scenario
        /// Results of the scaling experiments (no rows when the scenario has none).
        public let scaling: ScenarioResults
        /// One per policy of the multitenant section (empty without one).
        public let policies: [PolicyRun]
    }

    /// Loads a scenario by path (`Scenarios/genslm.json`) or built-in name (`genslm`). Errors are
    /// `ScenarioError` values naming the file, the JSON path and what is allowed.
    public static func load(_ nameOrPath: String) throws -> Scenario {
        try open(nameOrPath).scenario
    }

    /// Loads a scenario as ``load(_:)`` does, and says which file it came from (nil for a
    /// built-in one): the run's output folder is checked against that file (``RunFolder``).
    public static func open(_ nameOrPath: String) throws -> (scenario: Scenario, file: String?) {
        let loaded = try ScenarioLocator.load(nameOrPath)
        let scenario = try ScenarioDecoder.decode(loaded.json, file: loaded.file)
        if case .file(let path) = loaded.source { return (scenario, path) }
        return (scenario, nil)
    }

    /// Decodes a scenario from JSON text (`file` names it in messages).
    public static func parse(_ json: String, file: String = "<scenario>") throws -> Scenario {
        try ScenarioDecoder.decode(try JSONValue.parse(json, file: file), file: file)
    }

    /// Runs the scaling experiments and the multitenant section of `scenario`.
    /// A `trace` receives the timeline of every scaling run and of the first policy.
    public static func run(_ scenario: Scenario, fullDetail: Bool = false, trace: TraceSink? = nil,
                           notice: ((String) -> Void)? = nil) throws -> Results {
        let scaling = try ScenarioRunner.run(scenario, fullDetail: fullDetail, trace: trace)
        let policies = scenario.multitenant == nil ? [] : try MultitenantRunner.run(scenario, trace: trace, notice: notice)
        return Results(scenario: scenario, scaling: scaling, policies: policies)
    }

    /// A multitenant section built in code: the jobs, the cluster, the policies to compare.
    public static func multitenant(jobs: [JobSpec] = [], generator: WorkloadGenerator? = nil, config: ClusterConfig = ClusterConfig(),
                                   policies: [PolicyName] = PolicyName.allCases,
                                   contention: ContentionMode = .meanField) -> MultitenantSpec {
        MultitenantSpec(policies: policies, config: config, jobs: jobs, generator: generator, tracePath: nil,
                        fixedCosts: FixedCosts(), checkpointEverySteps: TrainingSpec.defaultCheckpointEverySteps, contention: contention)
    }

    /// A scenario built in code.
    public static func scenario(name: String, cluster: ClusterSpec = ClusterSpec(), efficiency: EfficiencyModel = EfficiencyModel(),
                                seed: UInt64 = 42, scaling: [ScalingExperiment] = [], multitenant: MultitenantSpec? = nil) -> Scenario {
        Scenario(version: 1, name: name, description: "", seed: seed, cluster: cluster, efficiency: efficiency, models: [],
                 scaling: scaling, multitenant: multitenant)
    }
}
