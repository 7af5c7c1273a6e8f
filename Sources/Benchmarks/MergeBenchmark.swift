import AndromedaSim
import Foundation
import SimHost

/// Merge speed (`bench merge`): N shard folders of one point each, merged, against N/4 (linear
/// merging gives a ratio near 4; quadratic, near 16).
public enum MergeBenchmark {
    /// Runs a tiny sweep of `shards` = seeds x defectRates points into `base`/all, links each point
    /// into a shard folder of its own and merges them all: the times and whether the merge equals
    /// the one-machine files.
    public static func measure(shards: Int, seeds: Int, defectRates: Int, in base: String) throws -> (setup: Double, merge: Double, identical: Bool) {
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
