import Foundation
import Hardware
import Scenarios
import SimEngine
import Training

/// Runs scenarios.
public enum ScenarioRunner {
    /// Simulates every (model, systems) point of every scaling experiment of `scenario`. A `trace`
    /// receives every run's timeline, each in its own group "<model> on <n> systems".
    public static func run(_ scenario: Scenario, fullDetail: Bool = false, trace: TraceSink? = nil) throws(TrainingError) -> ScenarioResults {
        var rows: [ScalingRow] = []
        let points = scenario.scaling.reduce(0) { $0 + $1.systems.count }
        var point = 0
        for (i, exp) in scenario.scaling.enumerated() {
            var results: [TrainingResult] = []
            for n in exp.systems {
                // Progress (on a terminal): each point is an equal part of the run.
                results.append(try WorkProgress.part(point, of: points) { () throws(TrainingError) in
                    try TrainingRun.simulate(exp.spec(systems: n), cluster: scenario.cluster,
                                             efficiency: scenario.efficiency, seed: scenario.seed,
                                             fullDetail: fullDetail, trace: trace?.group(traceGroup(scenario, i, n)))
                })
                point += 1
            }
            guard let base = results.min(by: { $0.systems < $1.systems }) else { continue }
            for r in results {
                let speedup = r.samplesPerSecond / base.samplesPerSecond
                let ideal = Double(r.systems) / Double(base.systems)
                rows.append(ScalingRow(experiment: i, result: r, speedup: speedup, scalingEfficiency: speedup / ideal,
                                       published: exp.published.first { $0.systems == r.systems }))
            }
        }
        return ScenarioResults(scenario: scenario, rows: rows)
    }

    /// "<model> on <n> systems" ("1 system"), with the experiment's number when two experiments share the model.
    static func traceGroup(_ scenario: Scenario, _ i: Int, _ n: Int) -> String {
        let model = scenario.scaling[i].model.name
        let shared = scenario.scaling.filter { $0.model.name == model }.count > 1
        return "\(model) on \(n) system\(n == 1 ? "" : "s")" + (shared ? " (experiment \(i + 1))" : "")
    }
}
