import FlowNetwork
import XCTest
import SimEngine
@testable import Hardware
import Wafer

final class HardwareTests: XCTestCase {
    func testNoDefectsKeepsTheFullGrid() {
        var spec = WaferSpec()
        spec.defectRate = 0
        let w = Wafer(spec: spec, index: 0, rng: Xoshiro256(seed: 1))
        XCTAssertEqual(w.defects.defectCount, 0)
        XCTAssertEqual(w.usableCores, 750 * 994)
        XCTAssertEqual(spec.physicalPeakFLOPS, 850_000 * 8 * 1.1e9)
    }

    func testDefaultDefectsAreAbsorbedBySpares() {
        let w = Wafer(spec: WaferSpec(), index: 3, rng: Xoshiro256(seed: 42))
        // About 850 defects expected at rate 0.001; far fewer than the 104,500 spares.
        XCTAssert((500...1200).contains(w.defects.defectCount), "\(w.defects.defectCount)")
        XCTAssertEqual(w.usableCores, 745_500)
    }

    func testSparesHideDefectsUntilTheyRunOut() {
        // Up to the spare capacity the grid stays whole; defects only add detours.
        var spec = WaferSpec()
        spec.defectRate = 0.1
        let w = Wafer(spec: spec, index: 0, rng: Xoshiro256(seed: 7))
        XCTAssertTrue(w.presentsFullGrid)
        XCTAssertEqual(w.usableCores, 745_500)
        XCTAssertGreaterThan(w.worstColumnDetours, Wafer(spec: WaferSpec(), index: 0, rng: Xoshiro256(seed: 7)).worstColumnDetours)
        XCTAssertEqual(w.defectsPerColumn.reduce(0) { $0 + Int($1) } + w.defectsPerRow.prefix(1).reduce(0) { $0 + Int($1) },
                       w.remappedPositions, "every defective grid position is counted once on a column (row 0 on its row)")
        // Past it the wafer cannot present its grid (it would not be shipped).
        spec.defectRate = 0.2
        let bad = Wafer(spec: spec, index: 0, rng: Xoshiro256(seed: 7))
        XCTAssertGreaterThan(bad.remappedPositions, bad.healthySpares)
        XCTAssertFalse(bad.presentsFullGrid)
        XCTAssertEqual(bad.usableCores, 0)
    }

    func testCS3Preset() {
        let s = WaferSpec.wse3
        XCTAssertEqual(s.gridCores, 755 * 1170)
        XCTAssertEqual(s.physicalPeakFLOPS / 1e15, 17.1, accuracy: 0.1)
        XCTAssertEqual(ClusterSpec.cs3.cs2.ioBytesPerSecond, 195e9)
    }

    func testDefectMapsAreSeededCompactAndIndependentPerWafer() {
        let root = Xoshiro256(seed: 99)
        let a = (0..<16).map { Wafer(spec: WaferSpec(), index: $0, rng: root) }
        let b = Wafer(spec: WaferSpec(), index: 5, rng: root)
        XCTAssertEqual(a[5].defects, b.defects, "wafer 5 must not depend on how many wafers were built")
        XCTAssertNotEqual(a[4].defects, a[5].defects)
        let total = a.reduce(0) { $0 + $1.defects.footprintBytes }
        XCTAssertLessThan(total, 2_000_000, "16 defect maps must cost well under 100 MB")
        let positions = (0..<850_000).filter { a[0].defects.isDefective($0) }.count
        XCTAssertEqual(positions, a[0].defects.defectCount)
    }

    func testDefectRateIsHonoured() {
        var rng = Xoshiro256(seed: 3)
        let m = DefectMap(cores: 1_000_000, rate: 0.01, rng: &rng)
        XCTAssertEqual(Double(m.defectCount), 10_000, accuracy: 400)
    }

    func testSwarmXTreeShape() {
        let s = SwarmXSpec()
        XCTAssertEqual(s.levels(for: 1), 1)
        XCTAssertEqual(s.levels(for: 4), 1)
        XCTAssertEqual(s.levels(for: 5), 2)
        XCTAssertEqual(s.levels(for: 16), 2)
        XCTAssertEqual(s.levels(for: 17), 3)
        XCTAssertEqual(s.nodeCount(for: 16), 5)
        XCTAssertEqual(s.edgeBytesPerSecond, 150e9)
    }

    func testFabricBuildsATreePerJob() throws {
        var components = ComponentSet()
        let net = FlowNetwork()
        net.register(in: &components)
        let fabric = try ClusterFabric(spec: ClusterSpec(), network: net)
        let path = try fabric.dataPath(for: Array(0..<16), label: "j")
        XCTAssertEqual(path.levels, 2)
        XCTAssertEqual(path.treeEdges, 16 + 4)
        XCTAssertEqual(path.broadcast.count, 1 + 20 + 16)
        // Per level: 2 us plus one 1 MiB chunk at 150 GB/s (6,991 ns) of pipeline fill.
        XCTAssertEqual(path.treeLatency, SimDuration(nanoseconds: 2 * (2000 + 6991)))
        XCTAssertEqual(path.reduce.count, 1 + 20 + 1 + 16, "the root's adder towards MemoryX")
    }

    func testSwarmXShapeFillAndNodeRates() throws {
        var s = SwarmXSpec()
        XCTAssertEqual(s.shape(for: 1), [[1]])
        XCTAssertEqual(s.shape(for: 16), [[4, 4, 4, 4], [4]])
        XCTAssertEqual(s.shape(for: 6), [[4, 2], [2]])
        XCTAssertEqual(s.levels(for: 192), 4)
        XCTAssertEqual(s.shape(for: 192).map { $0.count }, [48, 12, 3, 1])
        XCTAssertLessThan(try s.pipelineLatency(for: 1, reduce: false), try s.pipelineLatency(for: 16, reduce: false))
        XCTAssertLessThan(try s.pipelineLatency(for: 16, reduce: false), try s.pipelineLatency(for: 192, reduce: false))
        // An adder slower than its ports: a node with 4 children sends a quarter of it.
        s.nodeReduceBytesPerSecond = 200e9
        XCTAssertEqual(s.reduceBytesPerSecond(children: 4), 50e9)
        XCTAssertEqual(s.reduceBytesPerSecond(children: 1), 150e9)
        XCTAssertGreaterThan(try s.pipelineLatency(for: 16, reduce: true), try s.pipelineLatency(for: 16, reduce: false))
        s.chunkBytes = 0
        s.levelLatency = .zero
        XCTAssertEqual(try s.pipelineLatency(for: 192, reduce: true), .zero)
    }

    func testInputPipelineAndCoordinatorOverhead() throws {
        var w = InputWorkerSpec()
        XCTAssertEqual(w.coresPerSystem, 8)
        XCTAssertEqual(w.effectiveBytesPerSecondPerSystem, min(w.bytesPerSecondPerSystem, 8 / 50e-9 * 4))
        w.cpuSecondsPerToken = 1e-3
        XCTAssertEqual(w.effectiveBytesPerSecondPerSystem, 8 / 1e-3 * 4, accuracy: 1e-6)
        w.processesPerSystem = 1e6
        XCTAssertEqual(w.coresPerSystem, 284.0 / 16 * 64)
        let r = RuntimeSpec()
        XCTAssertEqual(try r.overhead(systems: 1), .microseconds(1000))
        XCTAssertEqual(try r.overhead(systems: 4), .microseconds(1500))
        XCTAssertEqual(try r.overhead(systems: 5), .microseconds(1750))
        XCTAssertEqual(try r.overhead(systems: 192), .microseconds(1000 + 8 * 250))
    }
}
