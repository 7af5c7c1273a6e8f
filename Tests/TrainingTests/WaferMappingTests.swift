import XCTest
import Hardware
@testable import Training
import Wafer

final class WaferMappingTests: XCTestCase {
    /// A uniform case priced by hand: 4 x 6 grid, hop 2, rate 1 FMAC/cycle.
    func testClosedFormByHand() {
        let m = WaferMapper(rows: 4, columns: 6, hop: 2, fmacRate: 1)
        // T = 8 tokens over 4 rows (2 each), K = 6 over pk = 3 (2 each), N = 8 over pn = 2 (4
        // each) in blocks of 2: q = 4 words, c = 2 * 2 * 2 = 8 cycles, P = 4 words.
        let e = m.estimate(GemmShape(tokens: 8, dIn: 6, dOut: 8),
                           GemmTiling(rowsUsed: 4, columnsPerGroup: 3, groups: 2, blockColumns: 2))
        XCTAssertEqual(e.blocks, 2)
        XCTAssertEqual(e.bound, "compute")
        // first block at the bottom row: 3 hops x 2 + 4 words = 10; compute 8 -> 18; second block
        // computes 18 -> 26; its reduction: 2 hops x 2 + 4 words -> 34.
        XCTAssertEqual(e.cycles, 34, accuracy: 1e-9)
    }

    func testLinkBoundAndReductionBoundBlocks() {
        let m = WaferMapper(rows: 2, columns: 4, hop: 1, fmacRate: 100)
        // Compute is nearly free: the column link (q = 8 words per block) paces 4 blocks.
        let e = m.estimate(GemmShape(tokens: 2, dIn: 8, dOut: 4), GemmTiling(rowsUsed: 2, columnsPerGroup: 1, groups: 1, blockColumns: 1))
        XCTAssertEqual(e.bound, "column link")
        // arrive: 1 hop + 8 = 9, then 8 per block: 33 + compute 0.08.
        XCTAssertEqual(e.cycles, 33.08, accuracy: 1e-9)
        // Many tokens per row and a wide K split: partial sums (P = 50 words) pace the row.
        let r = m.estimate(GemmShape(tokens: 100, dIn: 4, dOut: 3), GemmTiling(rowsUsed: 2, columnsPerGroup: 4, groups: 1, blockColumns: 1))
        XCTAssertEqual(r.bound, "row link")
    }

    func testBestTilingRespectsSRAMAndPrefersFewerCycles() throws {
        let m = WaferMapper(rows: 994, columns: 750, hop: 2, fmacRate: 4 * 0.357)
        let shape = GemmShape(tokens: 16 * 10_240, dIn: 2048, dOut: 8192)
        let roomy = try XCTUnwrap(m.bestTiling(shape, freeBytesPerCore: 40_000))
        let tight = try XCTUnwrap(m.bestTiling(shape, freeBytesPerCore: 8_000))
        XCTAssertLessThanOrEqual(roomy.tileBytesPerCore, 40_000)
        XCTAssertLessThanOrEqual(tight.tileBytesPerCore, 8_000)
        XCTAssertLessThanOrEqual(roomy.cycles, tight.cycles)
        XCTAssertLessThanOrEqual(roomy.tiling.columnsPerGroup * roomy.tiling.groups, 750)
        // Compute-bound near the peak of the used cores.
        let ideal = Double(shape.tokens) * 2048 * 8192 / (994 * 750) / (4 * 0.357)
        XCTAssertLessThan(roomy.cycles, ideal * 1.25)
        XCTAssertNil(m.bestTiling(shape, freeBytesPerCore: 100), "no tile fits 100 bytes")
    }

    func testIngressLimitsSmallTokenCounts() {
        let buffered = WaferMapper(rows: 994, columns: 750, hop: 2, fmacRate: 4)
        let fed = WaferMapper(rows: 994, columns: 750, hop: 2, fmacRate: 4, ingressWordsPerCycle: 150e9 / 4 / 1.1e9)
        let shape = GemmShape(tokens: 2048, dIn: 4096, dOut: 4096)
        let a = buffered.bestTiling(shape, freeBytesPerCore: 30_000)!
        let b = fed.bestTiling(shape, freeBytesPerCore: 30_000)!
        XCTAssertGreaterThan(b.cycles, 2 * a.cycles, "one sample's tokens cannot keep up with 150 GB/s of weights")
        XCTAssertEqual(b.bound, "ingress")
    }

    func testStoredInputsFollowSegmentCheckpointing() {
        XCTAssertEqual(LayerOps.storedLayerInputs(blocks: 1), 1)
        XCTAssertEqual(LayerOps.storedLayerInputs(blocks: 4), 3)
        XCTAssertEqual(LayerOps.storedLayerInputs(blocks: 32), 11)
    }

    func testEveryOperationIsMappedSeparately() throws {
        let m = try XCTUnwrap(ModelCatalog.model(named: "llama-7b"))
        let names = LayerOps.forward(m, kind: .block, samples: 1).map(\.name)
        XCTAssertEqual(names, ["norm1", "qkv", "attention", "proj", "norm2", "ffn-up", "activation", "ffn-down"])
        XCTAssertEqual(LayerOps.forward(m, kind: .head, samples: 1).map(\.name), ["norm-final", "vocab", "loss"])
    }
}
