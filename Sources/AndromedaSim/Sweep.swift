import Cluster
import Foundation
import Reports
import Scenarios
import SimHost
import Training

/// A grid of scenario variants: the Cartesian product of the parameters' values (the first
/// parameter varies slowest). Each point is simulated independently, so the results do not depend
/// on how many workers run them or on which machine.
public struct Sweep: Sendable {
    /// The base scenario that every point varies.
    public let scenario: Scenario
    /// The swept parameters, in the order given (the first varies slowest).
    public let parameters: [SweepParameter]
    /// Every point's values, in point order.
    public let points: [[String]]

    /// The grid of `parameters` over `scenario`; throws when a parameter repeats, the grid passes
    /// 1,000,000 points or a value does not apply to the scenario.
    public init(scenario: Scenario, parameters: [SweepParameter]) throws(SweepError) {
        let names = parameters.map(\.name)
        guard Set(names).count == names.count else { throw SweepError("a --param is given twice") }
        var grid: [[String]] = [[]]
        for p in parameters {
            grid = grid.flatMap { prefix in p.values.map { prefix + [$0] } }
            guard grid.count <= 1_000_000 else { throw SweepError("the grid has more than 1,000,000 points") }
        }
        self.scenario = scenario
        self.parameters = parameters
        points = grid
        // Reject values that do not apply to this scenario before anything runs.
        for k in points.indices { _ = try variant(k) }
    }

    /// The scenario of point `k`.
    public func variant(_ k: Int) throws(SweepError) -> Scenario {
        var s = scenario
        for (p, v) in zip(parameters, points[k]) { try p.apply(v, to: &s) }
        return s
    }

    /// A fingerprint of the sweep (scenario and grid), stored with the results so that a folder
    /// holding another sweep is never mixed in.
    public var fingerprint: String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        // The resolved inputs in canonical form (no dictionary order), the listed jobs and the grid.
        let text = ScenarioEcho.json(scenario).render() + "\(scenario.multitenant?.jobs ?? [])" + "\(scenario.models)"
            + parameters.map { "\($0.name)=\($0.values.joined(separator: ","))" }.joined(separator: ";")
        for b in text.utf8 {
            h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3
        }
        return String(h, radix: 16)
    }

    static let scalingColumns = ["model", "params", "systems", "global_batch", "micro_batch", "step_time_s", "samples_per_s",
                                 "speedup", "efficiency", "peak_fraction", "samples_to_train", "time_to_train_h"]
    static let clusterColumns = ["policy", "jobs", "finished", "rejected", "makespan_h", "utilization", "mean_wait_h",
                                 "p95_wait_h", "mean_completion_h", "mean_slowdown", "jain_fairness", "goodput", "energy_mwh"]

    /// Where the sweep's columns sit in scaling.csv and policies.csv rows (the same fields, formatted
    /// the same way). A name missing there leaves a row short, which CSVTable refuses.
    static let scalingIndexes = scalingColumns.compactMap { ScalingOutputs.columns.firstIndex(of: $0) }
    static let clusterIndexes = clusterColumns.compactMap { ClusterOutputs.policyColumns.firstIndex(of: $0) }

    /// Header lines of sweep_scaling.csv and sweep_cluster.csv.
    var headers: (scaling: [String], cluster: [String]) {
        let p = ["point"] + parameters.map { "param_" + $0.name }
        return (p + Self.scalingColumns, p + Self.clusterColumns)
    }

    /// Simulates point `k` and returns its CSV rows (without header) for both files.
    public func run(point k: Int) throws -> (scaling: String, cluster: String) {
        let s = try variant(k)
        let prefix: [CSVField] = [.int(Int64(k))] + points[k].map { .string($0) }
        let results = try Andromeda.run(s)
        var scaling = CSVTable(columns: headers.scaling)
        for row in results.scaling.rows {
            let f = ScalingOutputs.fields(row)
            try scaling.append(prefix + Self.scalingIndexes.map { f[$0] })
        }
        var cluster = CSVTable(columns: headers.cluster)
        for r in results.policies {
            let f = ClusterOutputs.policyFields(r)
            try cluster.append(prefix + Self.clusterIndexes.map { f[$0] })
        }
        func body(_ t: CSVTable) -> String { String(t.render().drop { $0 != "\n" }.dropFirst()) }
        return (body(scaling), body(cluster))
    }
}
