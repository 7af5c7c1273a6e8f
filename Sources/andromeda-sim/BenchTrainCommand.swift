import AndromedaSim
import ArgumentParser
import Benchmarks
import Foundation

/// `bench train`: many `train` what-ifs in one process (`TrainBenchmark`, the grid
/// `python/tests/test_speed.py` asks); prints the time per what-if and a checksum of every result.
struct BenchTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train what-ifs in one process: the grid of python/tests/test_speed.py, timed.",
        discussion: "Example: andromeda-sim bench train --what-ifs 1000 --runs 3"
    )

    @Option(help: "What-ifs (1 to \(TrainBenchmark.maxWhatIfs), the grid's size).") var whatIfs: Int = 1000
    @Option(help: "Repeat the whole batch R times (1 to 100).") var runs: Int = 1
    @Flag(help: "Share one TrainingCache among the what-ifs (as a C ABI session or Python's default session does); each run starts with a new one.") var session = false

    func validate() throws {
        guard (1...TrainBenchmark.maxWhatIfs).contains(whatIfs) else { throw ValidationError("--what-ifs must be 1 to \(TrainBenchmark.maxWhatIfs)") }
        guard (1...100).contains(runs) else { throw ValidationError("--runs must be 1 to 100") }
    }

    func run() throws {
        for _ in 0..<runs {
            let m: TrainBenchmark.Measurement
            do { m = try TrainBenchmark.measure(whatIfs: whatIfs, session: session) } catch { fail(describe(error)) }
            print(String(format: "%d train what-ifs%@: %.3f s (%.3f ms each), %llu events; results checksum %016llx",
                         m.whatIfs, session ? " (one session)" : "", m.seconds, m.seconds / Double(m.whatIfs) * 1e3, m.events, m.checksum))
        }
    }
}
