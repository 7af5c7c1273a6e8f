import Cluster
import Foundation
import Scenarios
import Training

/// How far exact contention's window (`ProbeWindow`) moves the step times of the mixes a
/// shared-cluster scenario meets, against the full co-simulation it replaced, read beside how
/// far the full co-simulation itself moves when only an arbitrary choice changes (the mix placed
/// in reverse order: other systems, other start offsets). `andromeda-sim bench exact-window`
/// prints it; docs/cluster.md quotes it.
public struct ExactWindowStudy: Sendable {
    /// Every mix simulated under the policy, measured three ways.
    public let comparisons: [ExactContention.WindowComparison]

    /// Runs `scenario`'s jobs under `policy` with exact contention measured by `window`, every
    /// new mix also by the full co-simulation, as placed and reversed.
    public static func run(_ scenario: Scenario, policy: PolicyName, window: ProbeWindow) throws -> ExactWindowStudy {
        let spec = try MultitenantRunner.section(scenario)
        let jobs = try MultitenantRunner.jobs(scenario)
        let probes = ContentionProbes(cluster: scenario.cluster, efficiency: scenario.efficiency, seed: scenario.seed)
        let model = ExactContention(probes: probes)
        model.window = window
        model.recordsComparisons = true
        let sim = ClusterSimulation(jobs: jobs, policy: policy.make(), config: spec.config, contention: model, seed: scenario.seed)
        _ = try sim.run()
        return ExactWindowStudy(comparisons: model.comparisons)
    }

    /// Relative differences, one per job of every mix.
    public struct Summary: Sendable {
        public var count = 0
        public var meanAbsolute = 0.0, median = 0.0, p90 = 0.0, p99 = 0.0, maximum = 0.0
        /// The mean signed difference (a bias).
        public var mean = 0.0

        init(_ values: [Double]) {
            guard !values.isEmpty else { return }
            let a = values.map(abs).sorted()
            count = a.count
            meanAbsolute = a.reduce(0, +) / Double(a.count)
            func q(_ p: Double) -> Double { a[min(a.count - 1, Int(p * Double(a.count)))] }
            median = q(0.5); p90 = q(0.9); p99 = q(0.99); maximum = a[a.count - 1]
            mean = values.reduce(0, +) / Double(values.count)
        }
    }

    func differences(_ value: (ExactContention.WindowComparison, Int) -> Int64, job: String? = nil) -> [Double] {
        comparisons.flatMap { c in
            c.jobs.indices.filter { job == nil || c.jobs[$0] == job }.map { Double(value(c, $0)) / Double(c.reference[$0]) - 1 }
        }
    }

    /// The window against the reference.
    public var window: Summary { Summary(differences { $0.window[$1] }) }
    /// The reference placed in reverse against the reference.
    public var reversed: Summary { Summary(differences { $0.reversed[$1] }) }
    /// The reference's slowdown over the step alone (for scale).
    public var slowdown: Summary { Summary(differences { $0.solo[$1] }.map { 1 / ($0 + 1) - 1 }) }

    /// A table: the two comparisons overall, then per job kind.
    public var table: String {
        func pad(_ text: String, _ width: Int) -> String {
            text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
        }
        func row(_ name: String, _ s: Summary) -> String {
            pad(name, 46) + String(format: "%6d %+8.2f %8.2f %8.2f %8.2f %8.2f %8.2f\n", s.count, 100 * s.mean,
                                   100 * s.meanAbsolute, 100 * s.median, 100 * s.p90, 100 * s.p99, 100 * s.maximum)
        }
        var out = String(format: "%d mixes, %d job step times; differences in %% of the full co-simulation's figure\n",
                         comparisons.count, window.count)
        out += pad("comparison", 46) + ["n", "mean", "mean|d|", "p50", "p90", "p99", "max"].enumerated()
            .map { i, h in String(repeating: " ", count: (i == 0 ? 6 : 9) - h.count) + h }.joined() + "\n"
        out += row("window vs full", window)
        out += row("full, reversed placement, vs full", reversed)
        out += row("(full's slowdown over alone)", slowdown)
        let kinds = Set(comparisons.flatMap(\.jobs)).sorted()
        for k in kinds {
            out += row("  window vs full: \(k)", Summary(differences({ $0.window[$1] }, job: k)))
            out += row("  reversed vs full: \(k)", Summary(differences({ $0.reversed[$1] }, job: k)))
        }
        return out
    }
}
