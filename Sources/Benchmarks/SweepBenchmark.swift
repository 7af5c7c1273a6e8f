import AndromedaSim
import Foundation

/// Sweep speed-up (`bench sweep`): cerebras-gpt over kernel_efficiency x defect_rate (8 points)
/// on 1 worker and on N, into temporary folders.
public enum SweepBenchmark {
    /// The same 8-point sweep on 1 worker and on `workers`: times and whether the files agree.
    public static func measure(workers: Int) throws -> (points: Int, one: Double, many: Double, identical: Bool) {
        let s = try Andromeda.load("cerebras-gpt")
        let sweep = try Sweep(scenario: s, parameters: [try SweepParameter(parsing: "kernel_efficiency=0.3,0.33,0.3569,0.4"),
                                                        try SweepParameter(parsing: "defect_rate=0,0.1")])
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("asim-bench-sweep-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: base) }
        let clock = ContinuousClock()
        func time(_ w: Int) throws -> Double {
            let t0 = clock.now
            _ = try SweepRunner.run(sweep, source: "cerebras-gpt", directory: "\(base)/w\(w)", workers: w)
            return seconds(clock.now - t0)
        }
        let one = try time(1), many = try time(workers)
        let same = FileManager.default.contents(atPath: "\(base)/w1/sweep_scaling.csv")
            == FileManager.default.contents(atPath: "\(base)/w\(workers)/sweep_scaling.csv")
        return (sweep.points.count, one, many, same)
    }
}
