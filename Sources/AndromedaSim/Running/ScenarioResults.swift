import Foundation
import Hardware
import Scenarios
import SimEngine
import Training

/// One simulated (model, systems) point of a scaling experiment.
public struct ScalingRow: Sendable, Equatable {
    /// Index of the experiment in the scenario.
    public let experiment: Int
    /// The simulated training run at this point.
    public let result: TrainingResult
    /// Throughput over that of the experiment's smallest system count.
    public let speedup: Double
    /// Speedup over the ideal (systems / smallest systems).
    public let scalingEfficiency: Double
    /// The published figure for this point, if the scenario gives one.
    public let published: PublishedPoint?
}

/// Everything a scenario run produced (simulated results only: no wall-clock figures).
public struct ScenarioResults: Sendable, Equatable {
    /// The scenario that was run.
    public let scenario: Scenario
    /// One row per (experiment, system count), in scenario order.
    public let rows: [ScalingRow]
    /// Events handled over all simulations.
    public var eventsSimulated: UInt64 { rows.reduce(0) { $0 + $1.result.eventsSimulated } }
}
