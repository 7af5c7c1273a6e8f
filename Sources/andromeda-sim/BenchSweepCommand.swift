import AndromedaSim
import ArgumentParser
import Benchmarks
import Foundation

struct BenchSweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Sweep speed-up: the same sweep on 1 worker and on N workers, side by side.",
        discussion: "Runs cerebras-gpt over kernel_efficiency x defect_rate (8 points) into temporary folders."
    )

    @Option(parsing: .unconditional, help: "Workers of the parallel run (2 to 1024).") var workers: Int = 2

    func validate() throws {
        guard (2...1024).contains(workers) else { throw ValidationError("--workers must be 2 to 1024") }
    }

    func run() throws {
        let m = try SweepBenchmark.measure(workers: workers)
        print(String(format: "points=%d workers_1_s=%.3f workers_%d_s=%.3f speedup=%.2f identical=%@", m.points, m.one,
                     workers, m.many, m.one / m.many, m.identical ? "yes" : "NO"))
    }
}
