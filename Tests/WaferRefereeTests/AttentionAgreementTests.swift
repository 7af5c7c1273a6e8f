import Hardware
import Training
import WaferReferee
import Foundation
import XCTest
import Wafer


/// The closed form of attention (Training's ``AttentionMapping``) against the core-level referee
/// (``AttentionReferee``), on the shapes that matter: within 5 % on every one, at the partition
/// the mapping model picks and at others.
final class AttentionAgreementTests: XCTestCase {
    struct Case { let name: String; let shape: AttentionShape }
    static let wafer = WaferSpec()
    static let cases = [
        Case(name: "ESM-2 35M (1026 tokens, head width 24), micro-batch 64", shape: AttentionShape(instances: 64 * 20, sequence: 1026, headWidth: 24, causal: false)),
        Case(name: "GenSLM-123M (10,240 tokens, causal), micro-batch 1", shape: AttentionShape(instances: 12, sequence: 10_240, headWidth: 64, causal: true)),
        Case(name: "GenSLM-1.3B (10,240 tokens, causal), micro-batch 1", shape: AttentionShape(instances: 16, sequence: 10_240, headWidth: 128, causal: true)),
        Case(name: "GPT-2 small (2048 tokens, causal), micro-batch 16", shape: AttentionShape(instances: 16 * 12, sequence: 2048, headWidth: 64, causal: true)),
        Case(name: "BERT-large (128 tokens), micro-batch 1024", shape: AttentionShape(instances: 1024 * 16, sequence: 128, headWidth: 64, causal: false)),
        Case(name: "Llama-7B (2048 tokens, causal), micro-batch 8", shape: AttentionShape(instances: 8 * 32, sequence: 2048, headWidth: 128, causal: true)),
        Case(name: "DiT-2B (256 tokens), micro-batch 64", shape: AttentionShape(instances: 64 * 16, sequence: 256, headWidth: 128, causal: false)),
    ]

    func problem(_ s: AttentionShape, stripes: Int, costs: AttentionCosts) -> AttentionProblem {
        AttentionProblem(rows: Self.wafer.gridHeight, columns: Self.wafer.gridWidth, hopLatencyCycles: Self.wafer.hopLatencyCycles,
                         fmacRate: costs.fmacRate, exponentialCycles: costs.exponentialCycles, softmaxOpsPerScore: costs.softmaxOpsPerScore,
                         mergeOpsPerWord: costs.mergeOpsPerWord, vectorStartCycles: costs.vectorStartCycles, instances: s.instances,
                         sequence: s.sequence, headWidth: s.headWidth, causal: s.causal, stripes: stripes)
    }

    func testClosedFormAgreesWithTheRefereeWithinFivePercent() throws {
        let costs = [AttentionCosts(fmacRate: 4 * 0.37), AttentionCosts(fmacRate: 4 * 0.37, exponentialCycles: 20, vectorStartCycles: 8)]
        for cost in costs {
            for c in Self.cases {
                guard let best = AttentionMapping.best(c.shape, rows: Self.wafer.gridHeight, columns: Self.wafer.gridWidth,
                                                       hop: Self.wafer.hopLatencyCycles, costs: cost, freeBytesPerCore: 32 * 1024) else {
                    XCTFail("\(c.name): no partition fits"); continue
                }
                // The partition the model picks and smaller ones with more waves per square, those the
                // referee runs in seconds (at most 2 M core-problems).
                var checked = 0
                for p in [best.stripes, max(1, best.stripes / 2), max(1, best.stripes / 3)] {
                    guard let e = AttentionMapping.estimate(c.shape, stripes: p, rows: Self.wafer.gridHeight, columns: Self.wafer.gridWidth,
                                                            hop: Self.wafer.hopLatencyCycles, costs: cost) else { continue }
                    guard Double(p) * Double(p) * Double(e.waves) <= 2e6 else { continue }
                    checked += 1
                    let t0 = Date()
                    let r = try AttentionReferee.simulate(problem(c.shape, stripes: p, costs: cost))
                    let err = (e.cycles - r.cycles) / r.cycles
                    print(String(format: "%@ P=%d waves %d: closed %.0f referee %.0f cycles (%+.2f %%), %llu events, %.1f s", c.name, p, e.waves, e.cycles, r.cycles, err * 100, r.events, Date().timeIntervalSince(t0)))
                    XCTAssertLessThan(abs(err), 0.05, "\(c.name) at \(p) stripes")
                }
                XCTAssertGreaterThanOrEqual(checked, 2, "\(c.name): partitions checked")
            }
        }
    }
}

/// Chunked attention (docs/wafer-dataflow.md, "Chunked attention"): the closed form against the
/// referee, to the cycle, on small grids where the SRAM left holds no whole stripes, so the search falls back
/// to chunks; the per-core pressure of long sequences scaled down (Llama-2-7B's 32,768 tokens on
/// 750 columns are 44 tokens per stripe: 704 tokens on 16 columns).
final class ChunkedAttentionAgreementTests: XCTestCase {
    struct Case { let name: String; let shape: AttentionShape; let rows: Int; let columns: Int; let freeFraction: Double }
    static let cases = [
        Case(name: "encoder, head width 24, 1026 tokens", shape: AttentionShape(instances: 20, sequence: 1026, headWidth: 24, causal: false),
             rows: 12, columns: 10, freeFraction: 0.3),
        Case(name: "causal, head width 64, 4096 tokens", shape: AttentionShape(instances: 6, sequence: 4096, headWidth: 64, causal: true),
             rows: 16, columns: 16, freeFraction: 0.2),
        Case(name: "Llama-2-7B at 32,768 tokens scaled down: causal, head width 128, 704 tokens on 16 x 16",
             shape: AttentionShape(instances: 32, sequence: 704, headWidth: 128, causal: true), rows: 16, columns: 16, freeFraction: 0.5),
        Case(name: "encoder, head width 128, 1000 tokens (ragged stripes)", shape: AttentionShape(instances: 4, sequence: 1000, headWidth: 128, causal: false),
             rows: 14, columns: 13, freeFraction: 0.25),
        Case(name: "causal, head width 64, 999 tokens (ragged stripes)", shape: AttentionShape(instances: 3, sequence: 999, headWidth: 64, causal: true),
             rows: 11, columns: 12, freeFraction: 0.15),
    ]

    func testChunkedClosedFormAgreesWithTheReferee() throws {
        let costs = [AttentionCosts(fmacRate: 4 * 0.37), AttentionCosts(fmacRate: 4 * 0.37, exponentialCycles: 20, vectorStartCycles: 8)]
        let hop = WaferSpec().hopLatencyCycles
        for cost in costs {
            for c in Self.cases {
                // Less SRAM than the widest square's whole stripes need: no unchunked partition fits.
                let widest = min(c.rows, c.columns, c.shape.sequence)
                let free = Int(Double(AttentionMapping.bytesPerCore(c.shape, stripes: widest)) * c.freeFraction)
                guard let best = AttentionMapping.best(c.shape, rows: c.rows, columns: c.columns, hop: hop, costs: cost, freeBytesPerCore: free) else {
                    XCTFail("\(c.name): nothing fits \(free) bytes"); continue
                }
                XCTAssertTrue(best.isChunked, c.name)
                XCTAssertLessThanOrEqual(best.bytesPerCore, free, c.name)
                // The chosen partition, and the same square with twice the query chunks.
                for (cq, ck) in [(best.queryChunks, best.keyChunks), (2 * best.queryChunks, best.keyChunks)] {
                    guard let e = AttentionMapping.estimate(c.shape, stripes: best.stripes, queryChunks: cq, keyChunks: ck, rows: c.rows,
                                                            columns: c.columns, hop: hop, costs: cost) else { continue }
                    let problem = AttentionProblem(rows: c.rows, columns: c.columns, hopLatencyCycles: hop, fmacRate: cost.fmacRate,
                                                   exponentialCycles: cost.exponentialCycles, softmaxOpsPerScore: cost.softmaxOpsPerScore,
                                                   mergeOpsPerWord: cost.mergeOpsPerWord, vectorStartCycles: cost.vectorStartCycles,
                                                   instances: c.shape.instances, sequence: c.shape.sequence, headWidth: c.shape.headWidth,
                                                   causal: c.shape.causal, stripes: best.stripes, queryChunks: e.queryChunks, keyChunks: e.keyChunks)
                    let r = try AttentionReferee.simulate(problem)
                    let err = (e.cycles - r.cycles) / r.cycles
                    print(String(format: "%@ P=%d chunks %d x %d, waves %d, %@: closed %.0f referee %.0f cycles (%+.3f %%)", c.name, best.stripes,
                                 e.queryChunks, e.keyChunks, e.waves, e.bound, e.cycles, r.cycles, err * 100))
                    // The recurrence is exact: equal to the cycle.
                    XCTAssertLessThan(abs(e.cycles - r.cycles), 1, "\(c.name) at \(best.stripes) stripes, \(e.queryChunks) x \(e.keyChunks) chunks")
                }
            }
        }
    }

    /// The widest square at the long sequence's own pressure (44 tokens per stripe), with more
    /// problems per square than the closed form prices one by one (it extrapolates past 16).
    func testChunkedWidestSquaresWithManyWaves() throws {
        let hop = WaferSpec().hopLatencyCycles
        let cost = AttentionCosts(fmacRate: 4 * 0.37, exponentialCycles: 20, vectorStartCycles: 8)
        let runs: [(AttentionShape, Int, Int, Int)] = [
            (AttentionShape(instances: 40, sequence: 704, headWidth: 128, causal: true), 16, 2, 2),
            (AttentionShape(instances: 40, sequence: 704, headWidth: 128, causal: true), 16, 4, 2),
            (AttentionShape(instances: 24, sequence: 2048, headWidth: 64, causal: false), 10, 4, 4),
            (AttentionShape(instances: 24, sequence: 2048, headWidth: 64, causal: true), 10, 1, 8),
        ]
        for (shape, p, cq, ck) in runs {
            let e = try XCTUnwrap(AttentionMapping.estimate(shape, stripes: p, queryChunks: cq, keyChunks: ck, rows: p, columns: p, hop: hop, costs: cost))
            let problem = AttentionProblem(rows: p, columns: p, hopLatencyCycles: hop, fmacRate: cost.fmacRate, exponentialCycles: cost.exponentialCycles,
                                           softmaxOpsPerScore: cost.softmaxOpsPerScore, mergeOpsPerWord: cost.mergeOpsPerWord,
                                           vectorStartCycles: cost.vectorStartCycles, instances: shape.instances, sequence: shape.sequence,
                                           headWidth: shape.headWidth, causal: shape.causal, stripes: p, queryChunks: cq, keyChunks: ck)
            let r = try AttentionReferee.simulate(problem)
            let err = (e.cycles - r.cycles) / r.cycles
            print(String(format: "%@ P=%d chunks %d x %d, waves %d, %@: closed %.0f referee %.0f cycles (%+.3f %%)", shape.description, p,
                         e.queryChunks, e.keyChunks, e.waves, e.bound, e.cycles, r.cycles, err * 100))
            XCTAssertLessThan(abs(e.cycles - r.cycles), 1, "\(shape) at \(p) stripes, \(cq) x \(ck) chunks")
        }
        // Validation: chunk counts beyond the stripe are refused, not simulated.
        var bad = AttentionProblem(rows: 4, columns: 4, hopLatencyCycles: 1, fmacRate: 1, exponentialCycles: 0, softmaxOpsPerScore: 8,
                                   mergeOpsPerWord: 3, vectorStartCycles: 0, instances: 1, sequence: 16, headWidth: 8, causal: true, stripes: 4)
        bad.queryChunks = 5
        XCTAssertThrowsError(try AttentionReferee.simulate(bad))
    }
}
