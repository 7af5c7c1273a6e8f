import Cluster
import Foundation
import Reports
import Scenarios
import SimEngine
import SimHost
import Training
import Workloads

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
    /// The most points a grid may have.
    public static let maxPoints = 1_000_000

    /// The grid of `parameters` over `scenario`; throws when a parameter repeats, the grid passes
    /// 1,000,000 points or a value does not apply to the scenario.
    public init(scenario: Scenario, parameters: [SweepParameter]) throws(SweepError) {
        let names = parameters.map(\.name)
        guard Set(names).count == names.count else { throw SweepError("a \(NamedParameter.params.marker) is given twice") }
        // The size first, from the value counts (with saturation): nothing is built for a grid
        // that is too large.
        var size = 1
        for p in parameters {
            let (product, overflow) = size.multipliedReportingOverflow(by: p.values.count)
            size = overflow ? Int.max : product
        }
        guard size <= Self.maxPoints else {
            let counts = parameters.map { "\($0.values.count)" }.joined(separator: " x ")
            throw SweepError("the grid has \(size == Int.max ? "too many" : String(size)) points (\(counts)); allowed: 1...\(Self.maxPoints)")
        }
        var grid: [[String]] = [[]]
        grid.reserveCapacity(size)
        for p in parameters {
            grid = grid.flatMap { prefix in p.values.map { prefix + [$0] } }
        }
        self.scenario = scenario
        self.parameters = parameters
        points = grid
        fingerprint = try Self.fingerprint(scenario, parameters)
        // Reject values that do not apply to this scenario before anything runs.
        for k in points.indices { _ = try variant(k) }
    }

    /// The scenario of point `k`; throws when its values together break a rule the decoder checks
    /// of a scenario file (a generated workload's arrivals must fit in simulated time).
    public func variant(_ k: Int) throws(SweepError) -> Scenario {
        var s = scenario
        for (p, v) in zip(parameters, points[k]) { try p.apply(v, to: &s) }
        if let g = s.multitenant?.generator {
            do { try g.validate() } catch { throw SweepError("point \(k) (\(label(k))): \(error)") }
        }
        return s
    }

    /// Point `k`'s values, `name=value` separated by spaces.
    public func label(_ k: Int) -> String {
        zip(parameters, points[k]).map { "\($0.name)=\($1)" }.joined(separator: " ")
    }

    /// A fingerprint of the sweep: the resolved scenario, the grid and the contents of every file
    /// the scenario references (its trace), stored with the results so that a folder holding
    /// another sweep, or the same sweep over an edited trace, is never mixed in.
    public let fingerprint: String

    static func fingerprint(_ scenario: Scenario, _ parameters: [SweepParameter]) throws(SweepError) -> String {
        var h = FNV1a()
        // The resolved inputs in canonical form (no dictionary order), the listed jobs and the grid.
        // A trace counts by its contents, not its path (shards may see it at different paths).
        var scenario = scenario
        let tracePath = scenario.multitenant?.tracePath
        if tracePath != nil { scenario.multitenant?.tracePath = "<trace>" }
        h.add(ScenarioEcho.json(scenario).render() + "\(scenario.multitenant?.jobs ?? [])" + "\(scenario.models)")
        h.add(parameters.map { "\($0.name)=\($0.values.joined(separator: ","))" }.joined(separator: ";"))
        if let trace = tracePath {
            h.add("\u{0}trace\u{0}")
            let file: FileHandle
            do { file = try TraceReader.openRegular(trace, what: "trace file") } catch { throw SweepError("\(error)") }
            defer { try? file.close() }
            var total = 0
            while let chunk = try? file.read(upToCount: 1 << 20), !chunk.isEmpty {
                total += chunk.count
                guard total <= TraceReader.maxFileBytes else {
                    throw SweepError("\(trace): the trace file is larger than \(TraceReader.maxFileBytes) bytes")
                }
                h.add(chunk)
            }
        }
        return String(h.value, radix: 16)
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

