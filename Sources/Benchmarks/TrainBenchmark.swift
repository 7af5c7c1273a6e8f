import AndromedaSim
import SimEngine

/// Many `train` what-ifs in one process, the grid `python/tests/test_speed.py` asks (3 models x
/// 1-16 systems x 8 batches x 3 seeds, in that order), through the library as the C ABI's `train`
/// request calls it (`bench train`).
public enum TrainBenchmark {
    /// The grid's size.
    public static let maxWhatIfs = 1152
    /// The models of the grid.
    public static let models = ["genslm-123m", "genslm-1.3b", "cerebras-gpt-1.3b"]

    /// The first `n` questions (model, systems, batch, seed), the seed varying fastest.
    public static func grid(_ n: Int) -> [(model: String, systems: Int, batch: Int, seed: UInt64)] {
        var out: [(model: String, systems: Int, batch: Int, seed: UInt64)] = []
        for m in models {
            for s in 1...16 {
                for b in [4, 8, 12, 16, 24, 32, 48, 64] {
                    for seed: UInt64 in [1, 42, 7] where out.count < n { out.append((m, s, b, seed)) }
                }
            }
        }
        return out
    }

    /// One timed batch: its wall seconds, the events simulated and an FNV-1a checksum of every
    /// result (the same for any run of the same questions).
    public struct Measurement: Sendable {
        public let whatIfs: Int
        public let seconds: Double
        public let events: UInt64
        public let checksum: UInt64
    }

    /// Answers the first `whatIfs` questions, 100 steps each with the compile cached; `session`
    /// shares one `TrainingCache` among them (as a C ABI session does).
    public static func measure(whatIfs: Int, session: Bool) throws -> Measurement {
        let questions = grid(whatIfs)
        let cache = session ? TrainingCache() : nil
        var results: [TrainingResult] = []
        results.reserveCapacity(questions.count)
        let clock = ContinuousClock()
        let t0 = clock.now
        for q in questions {
            guard let m = ModelCatalog.model(named: q.model) else { throw TrainingError("unknown model \(q.model)") }
            var spec = TrainingSpec(model: m, systems: q.systems, perSystemBatch: q.batch, stopping: .steps(100))
            spec.fixedCosts.compileCached = true
            results.append(try TrainingRun.simulate(spec, cluster: ClusterSpec(), seed: q.seed, cache: cache))
        }
        let seconds = (clock.now - t0) / .seconds(1)
        var h = FNV1a()
        var events: UInt64 = 0
        for r in results {
            events += r.eventsSimulated
            h.add(String(describing: r))
        }
        return Measurement(whatIfs: questions.count, seconds: seconds, events: events, checksum: h.value)
    }
}
