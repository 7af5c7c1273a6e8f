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
