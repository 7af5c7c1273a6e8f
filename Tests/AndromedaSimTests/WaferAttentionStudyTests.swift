import AndromedaSim
import XCTest

/// `andromeda-sim wafer --op attention`: the block's attention at the partition the mapping model
/// picks in the SRAM the layer leaves, run by the attention referee.
final class WaferAttentionStudyTests: XCTestCase {
    func testTheRefereeRunsTheModelsPartitionAndAgrees() throws {
        for (name, microBatch) in [("esm2-35m", 64), ("genslm-123m", 1)] {
            var o = WaferLayerStudy.Options(model: try XCTUnwrap(ModelCatalog.model(named: name)))
            o.op = "attention"
            o.microBatch = microBatch
            let study = try WaferLayerStudy(o)
            XCTAssertTrue(study.gemms.isEmpty, "only attention")
            let a = try study.attention()
            XCTAssertLessThanOrEqual(a.estimate.bytesPerCore, study.freeBytesPerCore)
            let r = try a.referee.get()
            XCTAssertEqual(r.cycles, a.estimate.cycles, accuracy: a.estimate.cycles * 0.05, name)
            XCTAssertGreaterThan(r.busiestCoreUtilization, 0.5, "\(name): compute-bound")
        }
    }
}
