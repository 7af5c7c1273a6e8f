import XCTest
import SimEngine
import Wafer
@testable import WaferReferee

/// The closed form and the referee behind one call (issue 19, item 1): a small grid's GEMMs and
/// attentions priced through `MeshPricer` by both agree as the agreement tests require (GEMMs
/// within 5 %, attention to the cycle), and the mapper built from a wafer's `mesh` is the mapper
/// built from the wafer.
final class MeshPricerTests: XCTestCase {
    let mesh = MeshParameters(rows: 16, columns: 24, hopLatencyCycles: 2, detourLatencyCycles: 4, sramBytesPerCore: 48 * 1024)

    func testTheClosedFormAndTheRefereeAgreeThroughOneCall() throws {
        let closed = WaferMapper(mesh: mesh, kernelEfficiency: 0.38)
        let referee = RefereePricer(mesh: mesh, kernelEfficiency: 0.38, attentionCosts: closed.attentionCosts)
        let pricers: [any MeshPricer] = [closed, referee]
        for shape in [GemmShape(tokens: 512, dIn: 96, dOut: 288), GemmShape(tokens: 300, dIn: 200, dOut: 64),
                      GemmShape(tokens: 64, dIn: 384, dOut: 96)] {
            let tiling = try XCTUnwrap(closed.bestTiling(shape, freeBytesPerCore: 40_000)?.tiling, "\(shape)")
            let t = try pricers.map { try $0.price(.gemm(shape, tiling)) }
            XCTAssertEqual(t[1].cycles, t[0].cycles, accuracy: 0.05 * t[1].cycles, "\(shape)")
            XCTAssertEqual(t[1].pacedBy, "simulated")
        }
        for (shape, p) in [(AttentionShape(instances: 6, sequence: 48, headWidth: 16, causal: true), 4),
                           (AttentionShape(instances: 3, sequence: 40, headWidth: 24, causal: false), 8)] {
            let t = try pricers.map { try $0.price(.attention(shape, stripes: p)) }
            XCTAssertEqual(t[1].cycles, t[0].cycles, accuracy: 1e-6 * t[1].cycles, "\(shape) on \(p)")
        }
        // A partition the grid cannot hold is an error from both, not a crash.
        let wide = AttentionShape(instances: 1, sequence: 64, headWidth: 8, causal: false)
        for pricer in pricers { XCTAssertThrowsError(try pricer.price(.attention(wide, stripes: 20))) }
    }

    func testTheWafersMeshGivesTheWafersMapper() {
        var spec = WaferSpec()
        spec.defectRate = 0.002
        let wafer = Wafer(spec: spec, index: 0, rng: Xoshiro256(seed: 9))
        let a = WaferMapper(wafer: wafer, kernelEfficiency: 0.4)
        let b = WaferMapper(mesh: spec.mesh, kernelEfficiency: 0.4, columnDetours: wafer.worstColumnDetours, rowDetours: wafer.worstRowDetours)
        let shape = GemmShape(tokens: 65_536, dIn: 1024, dOut: 4096)
        XCTAssertEqual(a.bestTiling(shape, freeBytesPerCore: 20_000), b.bestTiling(shape, freeBytesPerCore: 20_000))
        XCTAssertEqual(spec.mesh.cores, spec.gridCores)
        XCTAssertEqual(spec.mesh.rows, spec.gridHeight)
    }
}
