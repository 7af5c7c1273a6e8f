import AndromedaSim
import ArgumentParser
import Foundation

struct BenchSweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Sweep speed-up: the same sweep on 1 worker and on N workers, side by side.",
        discussion: "Runs cerebras-gpt over kernel_efficiency x defect_rate (8 points) into temporary folders."
    )

    @Option(parsing: .unconditional, help: "Workers of the parallel run (2 to 1024).") var workers: Int = 2

    func run() throws {
        guard (2...1024).contains(workers) else { fail("--workers must be 2 to 1024") }
        let m = try Self.measure(workers: workers)
        print(String(format: "points=%d workers_1_s=%.3f workers_%d_s=%.3f speedup=%.2f identical=%@", m.points, m.one,
                     workers, m.many, m.one / m.many, m.identical ? "yes" : "NO"))
    }

    /// The same 8-point sweep on 1 worker and on `workers`: times and whether the files agree.
    static func measure(workers: Int) throws -> (points: Int, one: Double, many: Double, identical: Bool) {
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
