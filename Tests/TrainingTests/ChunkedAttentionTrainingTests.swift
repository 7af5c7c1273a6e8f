import XCTest
import Hardware
import Wafer
@testable import Training

/// Chunked attention in training (docs/wafer-dataflow.md, "Chunked attention"): the fallback of a
/// model whose whole stripes fit no square, nothing else.
final class ChunkedAttentionTrainingTests: XCTestCase {
    func spec(_ m: ModelSpec, batch: Int = 1) -> TrainingSpec {
        var s = TrainingSpec(model: m, systems: 1, perSystemBatch: batch, stopping: .steps(1))
        s.fixedCosts.compileCached = true
        return s
    }

    func attention(_ r: TrainingResult) -> AttentionEstimate? {
        r.mappings.first { $0.kind == .block }?.ops.compactMap(\.attention).first
    }

    func testLlama2AtThirtyTwoThousandTokensMapsWithChunkedAttention() throws {
        var m = try XCTUnwrap(ModelCatalog.model(named: "llama2-7b"))
        m.seqLen = 32_768
        let r = try TrainingRun.simulate(spec(m), cluster: ClusterSpec(), seed: 1)
        let a = try XCTUnwrap(attention(r))
        XCTAssertTrue(a.isChunked, "\(a)")
        XCTAssertGreaterThan(r.samplesPerSecond, 0)
        // What made it chunked: the widest square's whole stripes exceed the SRAM left.
        let free = LayerOps.freeBytesPerCore(m, samples: 1, gridCores: WaferSpec().gridCores, sramBytesPerCore: WaferSpec().sramBytesPerCore,
                                             reservedBytesPerCore: WaferSpec().reservedSRAMBytesPerCore, attention: true)
        let shape = AttentionShape(instances: m.heads, sequence: m.seqLen, headWidth: 128, causal: true)
        XCTAssertGreaterThan(AttentionMapping.bytesPerCore(shape, stripes: 750), free)
        XCTAssertLessThanOrEqual(a.bytesPerCore, free)
    }

    func testAModelThatFitsWholeStripesKeepsItsMicroBatchLimit() throws {
        // GenSLM-1.3B at 10,240 tokens: whole stripes fit at one sample, so no micro-batch is
        // chunked, and the largest one is the largest whose whole stripes fit (as before chunks).
        let m = try XCTUnwrap(ModelCatalog.model(named: "genslm-1.3b"))
        let r = try TrainingRun.simulate(spec(m, batch: 64), cluster: ClusterSpec(), seed: 1)
        XCTAssertFalse(try XCTUnwrap(attention(r)).isChunked)
        let ws = WaferSpec()
        func free(_ samples: Int) -> Int {
            LayerOps.freeBytesPerCore(m, samples: samples, gridCores: ws.gridCores, sramBytesPerCore: ws.sramBytesPerCore,
                                      reservedBytesPerCore: ws.reservedSRAMBytesPerCore, attention: true)
        }
        let whole = AttentionMapping.bytesPerCore(AttentionShape(instances: 1, sequence: m.seqLen, headWidth: 128, causal: true), stripes: 750)
        XCTAssertLessThanOrEqual(whole, free(r.maxMicroBatch))
        if r.maxMicroBatch < 64 { XCTAssertGreaterThan(whole, free(r.maxMicroBatch + 1), "attention's whole stripes set the limit") }
    }

    func testAHeadTooWideForOneQueryAndOneKeyIsStillRefused() throws {
        // Head width 65,536: one query, one key and their partial result are 655 KB, beyond a core.
        let m = ModelSpec(name: "one-wide-head", layers: 1, dModel: 65_536, heads: 1, dFFN: 65_536, vocabulary: 1000, seqLen: 2048)
        XCTAssertNil(AttentionMapping.best(AttentionShape(instances: 1, sequence: 2048, headWidth: 65_536, causal: true), rows: 994, columns: 750,
                                           hop: 1, costs: AttentionCosts(fmacRate: 1), freeBytesPerCore: 48 * 1024))
        XCTAssertThrowsError(try TrainingRun.simulate(spec(m), cluster: ClusterSpec(), seed: 1)) { e in
            let text = "\(e)"
            for needle in ["one-wide-head", "layer 1", "operation attention", "query, key and value chunks", "64 x 64 chunks", "bytes per core left"] {
                XCTAssert(text.contains(needle), "\(needle) in \(text)")
            }
        }
    }
}
