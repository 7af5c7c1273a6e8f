import Dispatch
import XCTest
import Hardware
import SimEngine
import Wafer
@testable import Training

/// A ``TrainingCache`` changes how fast a run is, never what it gives: cached runs (cold and
/// warm, with tables small enough to be emptied on the way, and jitter prefixes shorter than a
/// run's draws) equal uncached ones, and threads sharing one cache agree with a run alone.
final class TrainingCacheTests: XCTestCase {
    struct Question { let model: String; let systems: Int; let batch: Int; let seed: UInt64; var steps: Int64 = 100
        var fullDetail = false; var cs3 = false; var microBatch: Int? = nil }

    static let questions: [Question] = {
        var q: [Question] = []
        for m in ["genslm-123m", "cerebras-gpt-111m", "genslm-1.3b"] {
            for s in [1, 3, 8] {
                for b in [4, 33] {
                    for seed: UInt64 in [1, 7] { q.append(Question(model: m, systems: s, batch: b, seed: seed)) }
                }
            }
        }
        q.append(Question(model: "genslm-123m", systems: 4, batch: 16, seed: 3, steps: 40, fullDetail: true))
        q.append(Question(model: "llama2-7b", systems: 2, batch: 64, seed: 5, cs3: true))
        q.append(Question(model: "genslm-123m", systems: 2, batch: 32, seed: 9, microBatch: 5))
        q.append(Question(model: "genslm-123m", systems: 16, batch: 8, seed: 11, steps: 2000))
        return q
    }()

    static func run(_ q: Question, cache: TrainingCache?) throws -> TrainingResult {
        guard let model = ModelCatalog.model(named: q.model) else { throw TrainingError("unknown model \(q.model)") }
        var spec = TrainingSpec(model: model, systems: q.systems, perSystemBatch: q.batch,
                                stopping: .steps(q.steps))
        spec.fixedCosts.compileCached = true
        spec.microBatch = q.microBatch
        return try TrainingRun.simulate(spec, cluster: q.cs3 ? .cs3 : ClusterSpec(), seed: q.seed, fullDetail: q.fullDetail, cache: cache)
    }

    func testCachedRunsEqualUncachedRuns() throws {
        let plain = try Self.questions.map { try Self.run($0, cache: nil) }
        // A roomy cache, used cold then warm; a tiny one (tables emptied as they fill, jitter
        // prefixes of one block, so runs go on drawing past what the cache holds).
        for cache in [TrainingCache(), TrainingCache(capacity: 3, jitterStreams: 2, jitterBlocks: 1)] {
            for pass in 0..<2 {
                for (q, expected) in zip(Self.questions, plain) {
                    XCTAssertEqual(try Self.run(q, cache: cache), expected, "\(q) (pass \(pass))")
                }
            }
        }
        let warm = TrainingCache()
        for q in Self.questions { _ = try Self.run(q, cache: warm) }
        XCTAssertGreaterThan(warm.counts.hits, 0, "a grid of what-ifs shares wafers, tilings and jitter draws")
        // The same cache in reverse order: entries stored by later questions serve earlier ones.
        for (q, expected) in zip(Self.questions, plain).reversed() { XCTAssertEqual(try Self.run(q, cache: warm), expected, "\(q) (reversed)") }
    }

    func testThreadsSharingACacheAgree() throws {
        let questions = Self.questions
        let plain = try questions.map { try Self.run($0, cache: nil) }
        let cache = TrainingCache(capacity: 64, jitterStreams: 8, jitterBlocks: 4)
        final class Box: @unchecked Sendable { var results: [[TrainingResult?]]; let lock = NSLock()
            init(_ n: Int, _ m: Int) { results = Array(repeating: Array(repeating: nil, count: m), count: n) } }
        let threads = 4
        let box = Box(threads, questions.count)
        DispatchQueue.concurrentPerform(iterations: threads) { t in
            // Each thread walks the questions from its own start, so they miss and fill the same entries at once.
            for k in 0..<questions.count {
                let i = (k + t * questions.count / threads) % questions.count
                let r = try? Self.run(questions[i], cache: cache)
                box.lock.lock(); box.results[t][i] = r; box.lock.unlock()
            }
        }
        for t in 0..<threads {
            for (i, expected) in plain.enumerated() { XCTAssertEqual(box.results[t][i], expected, "thread \(t): \(questions[i])") }
        }
    }

    func testWaferCountsMatchItsDefectMap() {
        for seed: UInt64 in [1, 42] {
            for index in [0, 5] {
                let w = Wafer(spec: WaferSpec(), index: index, rng: Xoshiro256(seed: seed))
                let map = w.defects
                XCTAssertEqual(map.defectCount, w.defectCount)
                var cols = [UInt16](repeating: 0, count: 750), rows = [UInt16](repeating: 0, count: 994), inGrid = 0
                for i in 0..<(750 * 994) where map.isDefective(i) {
                    inGrid += 1
                    if i / 750 > 0 { cols[i % 750] += 1 }
                    if i % 750 > 0 { rows[i / 750] += 1 }
                }
                XCTAssertEqual(w.remappedPositions, inGrid)
                XCTAssertEqual(w.defectsPerColumn, cols)
                XCTAssertEqual(w.defectsPerRow, rows)
                XCTAssertEqual(w.healthySpares, (850_000 - 750 * 994) - (map.defectCount - inGrid))
            }
        }
    }
}
