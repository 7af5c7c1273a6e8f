import AndromedaSim
import ArgumentParser
import Foundation

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

    func run() throws {
        guard (4...100_000).contains(shards) else { fail("--shards must be 4 to 100000") }
        let fm = FileManager.default
        let base = fm.temporaryDirectory.appendingPathComponent("asim-bench-merge-\(getpid())").path
        defer { try? fm.removeItem(atPath: base) }
        try fm.createDirectory(atPath: base, withIntermediateDirectories: true)
        // A --param holds at most 10,000 values: past that, a second one (defect_rate) multiplies the grid.
        let b = (shards + 9_999) / 10_000, a = shards / b
        guard a * b == shards, (a / 4) * 4 == a else {
            fail("--shards must be a multiple of 4, and above 10000 of \(4 * b) (for example \(4 * b * (shards / (4 * b))))")
        }
        let whole = try Self.measure(shards: shards, seeds: a, defectRates: b, in: base + "/whole")
        let quarter = try Self.measure(shards: shards / 4, seeds: a / 4, defectRates: b, in: base + "/quarter")
        print(String(format: "shards=%d setup_s=%.2f merge_s=%.3f shards_quarter=%d merge_quarter_s=%.3f ratio=%.2f (4 linear, 16 quadratic) identical=%@",
                     shards, whole.setup + quarter.setup, whole.merge, shards / 4, quarter.merge, whole.merge / max(quarter.merge, 1e-9),
                     whole.identical && quarter.identical ? "yes" : "NO"))
        if !(whole.identical && quarter.identical) { throw ExitCode(1) }
    }

    /// Runs a tiny sweep of `shards` = seeds x defectRates points into `base`/all, links each point
    /// into a shard folder of its own and merges them all: the times and whether the merge equals
    /// the one-machine files.
    static func measure(shards: Int, seeds: Int, defectRates: Int, in base: String) throws -> (setup: Double, merge: Double, identical: Bool) {
        let fm = FileManager.default
        let scenario = try Andromeda.parse("""
            {"version": 1, "name": "tiny", "models": [{"name": "tiny", "layers": 2, "d_model": 64, "heads": 2, "d_ffn": 256,
             "vocabulary": 1000, "seq_len": 128}], "multitenant": {"policies": ["fifo"], "jobs": [{"id": "a", "user": "u",
             "submit_h": 0, "model": "tiny", "systems": 1, "per_system_batch": 32, "samples": 1000}]}}
            """)
        let sweep = try Sweep(scenario: scenario, parameters: [
            try SweepParameter(parsing: "defect_rate=" + (0..<defectRates).map { String(Double($0) / 1000) }.joined(separator: ",")),
            try SweepParameter(parsing: "seed=" + (1...seeds).map(String.init).joined(separator: ",")),
        ])
        let clock = ContinuousClock()
        var t0 = clock.now
        _ = try SweepRunner.run(sweep, source: "tiny", directory: base + "/all", workers: max(1, CPUBinder.shared.allowedCPUs.count))
        let setup = seconds(clock.now - t0)
        var folders: [String] = []
        for i in 0..<shards {
            let d = "\(base)/shards/\(i)"
            try fm.createDirectory(atPath: d + "/points", withIntermediateDirectories: true)
            try fm.linkItem(atPath: base + "/all/sweep.json", toPath: d + "/sweep.json")
            let p = String(format: "p%07d", i)
            for ext in ["scaling.csv", "cluster.csv", "done"] {
                try fm.linkItem(atPath: "\(base)/all/points/\(p).\(ext)", toPath: "\(d)/points/\(p).\(ext)")
            }
            folders.append(d)
        }
        t0 = clock.now
        let complete = try SweepRunner.merge(sweep, source: "tiny", shards: folders, into: base + "/m")
        let merge = seconds(clock.now - t0)
        let same = complete && fm.contents(atPath: base + "/m/sweep_cluster.csv") == fm.contents(atPath: base + "/all/sweep_cluster.csv")
            && fm.contents(atPath: base + "/m/report.html") == fm.contents(atPath: base + "/all/report.html")
        return (setup, merge, same)
    }
}
