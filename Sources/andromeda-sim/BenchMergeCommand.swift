import AndromedaSim
import ArgumentParser
import Benchmarks
import Foundation
import Reports

struct BenchMergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge speed: N shard folders of one point each, merged, against N/4.",
        discussion: """
            Runs a tiny sweep of N points (seed=1...N, times defect_rate values past 10,000), links each point
            into a shard folder of its own and times `merge` of the N shards; the same for a sweep of N/4
            points. Linear merging gives a ratio near 4; quadratic, near 16.
            Example: andromeda-sim bench merge --shards 20000
            """
    )

    @Option(parsing: .unconditional, help: "Shard folders (4 to 100000).") var shards: Int = 2000

    func validate() throws {
        guard (4...100_000).contains(shards) else { throw ValidationError("--shards must be 4 to 100000") }
        let b = (shards + 9_999) / 10_000, a = shards / b
        guard a * b == shards, (a / 4) * 4 == a else {
            throw ValidationError("--shards must be a multiple of 4, and above 10000 of \(4 * b) (for example \(4 * b * (shards / (4 * b))))")
        }
    }

    func run() throws {
        let fm = FileManager.default
        // A folder of its own, so the one removed afterwards is the one made here.
        let base = try TemporaryFiles.makeFolder(prefix: "asim-bench-merge-")
        defer { try? fm.removeItem(atPath: base) }
        // A --param holds at most 10,000 values: past that, a second one (defect_rate) multiplies the grid.
        let b = (shards + 9_999) / 10_000, a = shards / b
        let whole = try MergeBenchmark.measure(shards: shards, seeds: a, defectRates: b, in: base + "/whole")
        let quarter = try MergeBenchmark.measure(shards: shards / 4, seeds: a / 4, defectRates: b, in: base + "/quarter")
        print(String(format: "shards=%d setup_s=%.2f merge_s=%.3f shards_quarter=%d merge_quarter_s=%.3f ratio=%.2f (4 linear, 16 quadratic) identical=%@",
                     shards, whole.setup + quarter.setup, whole.merge, shards / 4, quarter.merge, whole.merge / max(quarter.merge, 1e-9),
                     whole.identical && quarter.identical ? "yes" : "NO"))
        if !(whole.identical && quarter.identical) { throw ExitCode(1) }
    }
}
