import AndromedaSim
import ArgumentParser
import Foundation

struct BenchMergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge speed: N shard folders of one point each, merged whole and a quarter of them.",
        discussion: """
            Runs a tiny sweep of N points (seed=1...N, times defect_rate values past 10,000) once, links each point into a shard folder of its
            own, then times `merge` of all N shards and of the first N/4. Linear merging gives a ratio near
            4; quadratic, near 16. Example: andromeda-sim bench merge --shards 20000
            """
    )

    @Option(parsing: .unconditional, help: "Shard folders (4 to 100000).") var shards: Int = 2000

    func run() throws {
        guard (4...100_000).contains(shards) else { fail("--shards must be 4 to 100000") }
        let fm = FileManager.default
        let base = fm.temporaryDirectory.appendingPathComponent("asim-bench-merge-\(getpid())").path
        defer { try? fm.removeItem(atPath: base) }
        try fm.createDirectory(atPath: base, withIntermediateDirectories: true)
        let scenario = try Andromeda.parse("""
            {"version": 1, "name": "tiny", "models": [{"name": "tiny", "layers": 2, "d_model": 64, "heads": 2, "d_ffn": 256,
             "vocabulary": 1000, "seq_len": 128}], "multitenant": {"policies": ["fifo"], "jobs": [{"id": "a", "user": "u",
             "submit_h": 0, "model": "tiny", "systems": 1, "per_system_batch": 32, "samples": 1000}]}}
            """)
        // A --param holds at most 10,000 values: past that, a second one (defect_rate) multiplies the grid.
        let b = (shards + 9_999) / 10_000, a = shards / b
        guard a * b == shards else { fail("--shards above 10000 must be a multiple of \(b) (for example \(a * b))") }
        let sweep = try Sweep(scenario: scenario, parameters: [
            try SweepParameter(parsing: "defect_rate=" + (0..<b).map { String(Double($0) / 1000) }.joined(separator: ",")),
            try SweepParameter(parsing: "seed=" + (1...a).map(String.init).joined(separator: ",")),
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
        let whole = seconds(clock.now - t0)
        t0 = clock.now
        _ = try SweepRunner.merge(sweep, source: "tiny", shards: Array(folders.prefix(shards / 4)), into: base + "/q")
        let quarter = seconds(clock.now - t0)
        let same = fm.contents(atPath: base + "/m/sweep_cluster.csv") == fm.contents(atPath: base + "/all/sweep_cluster.csv")
        print(String(format: "shards=%d setup_s=%.2f merge_s=%.3f merge_quarter_s=%.3f ratio=%.2f (4 linear, 16 quadratic) identical=%@",
                     shards, setup, whole, quarter, whole / max(quarter, 1e-9), complete && same ? "yes" : "NO"))
        if !(complete && same) { throw ExitCode(1) }
    }
}
