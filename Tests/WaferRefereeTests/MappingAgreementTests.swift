import Hardware
import SimEngine
import Training
import WaferReferee
import XCTest
import Wafer

/// The mapping model (Training's WaferMapper) against the referee, on a reduced grid: every
/// weight GEMM of a block and of the head, for small and wide models, with the tiling the model
/// chooses (issue 8: within 5 %).
final class MappingAgreementTests: XCTestCase {
    struct Row { let label: String; let model: Double; let referee: Double }

    let maxEvents = 150_000

    func agreement(rows: Int, columns: Int, rho: Double, detourRate: Double) throws -> [Row] {
        var ws = WaferSpec()
        ws.gridHeight = rows
        ws.gridWidth = columns
        ws.defectRate = detourRate
        let wafer = Wafer(spec: ws, index: 0, rng: Xoshiro256(seed: 9))
        let mapper = WaferMapper(wafer: wafer, kernelEfficiency: 0.3569,
                                 ingressBytesPerSecond: rho.isInfinite ? nil : rho * 4 * ws.clockHz)
        let defects = try DefectMap.grid(rows: rows, columns: columns, reading: wafer.defects)
        var out: [Row] = []
        // Small (GenSLM-123M, ESM-2, BERT-large, Cerebras-GPT-111M) and wide (GenSLM-1.3B,
        // DiT-2B, Llama-7B, Cerebras-GPT-13B) models; wide ones at fewer tokens.
        let cases: [(String, Int, Int)] = [("genslm-123m", 128, 2), ("genslm-1.3b", 128, 2), ("bert-large", 128, 2),
                                           ("esm2-35m", 128, 2), ("cerebras-gpt-111m", 64, 2), ("dit-2b", 64, 2),
                                           ("llama-7b", 16, 1), ("cerebras-gpt-13b", 16, 1)]
        var skipped: [String] = []
        for (name, seq, samples) in cases {
            let m = try XCTUnwrap(ModelCatalog.model(named: name, seqLen: seq))
            for kind in [LayerCost.Kind.block, .head] {
                for op in LayerOps.forward(m, kind: kind, samples: samples) {
                    guard case .gemm(let opName, let shape) = op else { continue }
                    guard let e = mapper.bestTiling(shape, freeBytesPerCore: 40 * 1024) else {
                        XCTFail("\(name) \(opName): no tiling")
                        continue
                    }
                    let t = e.tiling
                    let p = GemmProblem(rows: rows, columns: columns, hopLatencyCycles: ws.hopLatencyCycles,
                                        detourLatencyCycles: ws.detourLatencyCycles, kernelEfficiency: 0.3569,
                                        ingressWordsPerCycle: rho, tokens: shape.tokens, dIn: shape.dIn, dOut: shape.dOut,
                                        tiling: GemmTiling(rowsUsed: t.rowsUsed, columnsPerGroup: t.columnsPerGroup,
                                                              groups: t.groups, blockColumns: t.blockColumns),
                                        defects: defects.defectCount > 0 ? defects : nil)
                    // Debug builds handle about a million events a second: keep each case small.
                    let events = 3 * t.rowsUsed * t.columnsPerGroup * t.groups * e.blocks
                    if events > maxEvents { skipped.append("\(name) \(opName)"); continue }
                    let r = try GemmReferee.simulate(p)
                    out.append(Row(label: "\(name) \(opName) \(shape) pk=\(t.columnsPerGroup) pn=\(t.groups) Nb=\(t.blockColumns) \(e.bound)",
                                   model: e.cycles, referee: r.cycles))
                }
            }
        }
        print("mapping agreement: \(out.count) GEMMs compared; too many events for a debug test: \(skipped.joined(separator: ", "))")
        return out
    }

    func check(_ rows: [Row]) {
        XCTAssertGreaterThanOrEqual(rows.count, 12)
        for row in rows {
            let error = (row.model - row.referee) / row.referee
            XCTAssertLessThanOrEqual(abs(error), 0.05, String(format: "%@: model %.0f, referee %.0f (%+.2f%%)",
                                                             row.label, row.model, row.referee, error * 100))
        }
    }

    func testAgreementBufferedWeightsDefectFree() throws {
        check(try agreement(rows: 16, columns: 24, rho: .infinity, detourRate: 0))
    }

    func testAgreementWithIngressAndDetours() throws {
        check(try agreement(rows: 16, columns: 24, rho: 3, detourRate: 0.02))
    }
}
