import AndromedaSim
import ArgumentParser
import Foundation

/// `bench train`: many `train` what-ifs in one process, the grid `python/tests/test_speed.py`
/// asks (3 models x 1-16 systems x 8 batches x 3 seeds, in that order), through the library as
/// the C ABI's `train` request calls it; prints the time per what-if and a checksum of every result.
struct BenchTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train what-ifs in one process: the grid of python/tests/test_speed.py, timed.",
        discussion: "Example: andromeda-sim bench train --what-ifs 1000 --runs 3"
    )

    @Option(help: "What-ifs (1 to 1152, the grid's size).") var whatIfs: Int = 1000
    @Option(help: "Repeat the whole batch R times (1 to 100).") var runs: Int = 1
    @Flag(help: "Share one TrainingCache among the what-ifs (as a C ABI session or Python's default session does); each run starts with a new one.") var session = false

    static let models = ["genslm-123m", "genslm-1.3b", "cerebras-gpt-1.3b"]

    func validate() throws {
        guard (1...1152).contains(whatIfs) else { throw ValidationError("--what-ifs must be 1 to 1152") }
        guard (1...100).contains(runs) else { throw ValidationError("--runs must be 1 to 100") }
    }

    /// The questions of test_speed.py: (model, systems, batch, seed), the seed varying fastest.
    static func grid(_ n: Int) -> [(String, Int, Int, UInt64)] {
        var out: [(String, Int, Int, UInt64)] = []
        for m in models {
            for s in 1...16 {
                for b in [4, 8, 12, 16, 24, 32, 48, 64] {
                    for seed: UInt64 in [1, 42, 7] where out.count < n { out.append((m, s, b, seed)) }
                }
            }
        }
        return out
    }

    func run() throws {
        let questions = Self.grid(whatIfs)
        let clock = ContinuousClock()
        for _ in 0..<runs {
            let cache = session ? TrainingCache() : nil
            var results: [TrainingResult] = []
            results.reserveCapacity(questions.count)
            let t0 = clock.now
            do {
                for (name, systems, batch, seed) in questions {
                    guard let m = ModelCatalog.model(named: name) else { throw ExitCode(2) }
                    var spec = TrainingSpec(model: m, systems: systems, perSystemBatch: batch, stopping: .steps(100))
                    spec.fixedCosts.compileCached = true
                    results.append(try TrainingRun.simulate(spec, cluster: ClusterSpec(), seed: seed, cache: cache))
                }
            } catch {
                fail(describe(error))
            }
            let seconds = (clock.now - t0) / .seconds(1)
            var h: UInt64 = 0xcbf2_9ce4_8422_2325
            var events: UInt64 = 0
            for r in results {
                events += r.eventsSimulated
                for b in String(describing: r).utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
            }
            print(String(format: "%d train what-ifs%@: %.3f s (%.3f ms each), %llu events; results checksum %016llx",
                         questions.count, session ? " (one session)" : "", seconds, seconds / Double(questions.count) * 1e3, events, h))
        }
    }
}
