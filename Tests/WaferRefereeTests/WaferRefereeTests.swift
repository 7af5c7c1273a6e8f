import Hardware
import SimEngine
import SimHost
import WaferReferee
import XCTest
import Wafer

final class WaferRefereeTests: XCTestCase {
    /// 2 x 3 grid, one group of 3 columns, 2 rows of 2 tokens, K = 6 (Kc = 2), N = 2 in blocks
    /// of 1: q = 2 words, compute 4 cycles, P = 2 words, h = 2. Derived by hand:
    /// weights row 1: heads 2 and 4, tails 4 and 6; computes row 0 end 6, 10, row 1 end 8, 12;
    /// sums row 0: block 0 sent at 6, 8, 10, done 12; block 1 at 10, 12, 14, done 16;
    /// row 1: block 0 done 14, block 1 sent at 12, 14, 16, done 18.
    func tinyProblem() -> GemmProblem {
        GemmProblem(rows: 2, columns: 3, hopLatencyCycles: 2, detourLatencyCycles: 5, fmacsPerCycle: 1,
                    tokens: 4, dIn: 6, dOut: 2,
                    tiling: GemmTiling(rowsUsed: 2, columnsPerGroup: 3, groups: 1, blockColumns: 1))
    }

    func testHandComputedTinyGrid() throws {
        let r = try GemmReferee.simulate(tinyProblem())
        XCTAssertEqual(r.cycles, 18)
        XCTAssertEqual(r.weightTailEvents, 12)
        XCTAssertEqual(r.computeEvents, 12)
        XCTAssertEqual(r.partialSumEvents, 8)
        XCTAssertEqual(r.events, 32)
        XCTAssertEqual(r.criticalRow, 1)
        XCTAssertEqual(r.busyCycles, [Double](repeating: 8, count: 6))
        XCTAssertEqual(r.nanoseconds, Int64((18 * 1e9 / 1.1e9).rounded()))
        XCTAssertEqual(r.cycles, SpecReference.closedForm(tinyProblem()))
    }

    /// Same grid, position (1, 1) defective with d = 5: links into it cost 7. Column 1, row 1:
    /// heads 7 and 9, tails 9 and 11, computes end 13 and 17. Row 1 sums: block 0 reaches (1,1) at
    /// 15, sent 15, reaches (1,2) at 17, done 19; block 1 sent by (1,0) at 12, reaches (1,1) at 19,
    /// sent 19 (its link is free at 17), reaches (1,2) at 21, done 23.
    func testHandComputedDefect() throws {
        var p = tinyProblem()
        p.defects = try DefectMap.grid(rows: 2, columns: 3, defective: [(1, 1)])
        let r = try GemmReferee.simulate(p)
        XCTAssertEqual(r.cycles, 23)
        XCTAssertEqual(r.criticalRow, 1)
    }

    /// One row of two columns, K = 2, N = 2 in blocks of 1, rho = 0.5 word/cycle (2 cycles per
    /// delivery), F = 1: deliveries at 2, 4 (round 0) and 6, 8 (round 1); column 0 computes end 4
    /// and 8, column 1 end 6 and 10; block 1's sum reaches column 1 at 9, sent at 10, done 11.
    func testHandComputedIngress() throws {
        let p = GemmProblem(rows: 1, columns: 2, hopLatencyCycles: 1, fmacsPerCycle: 1, ingressWordsPerCycle: 0.5,
                            tokens: 1, dIn: 2, dOut: 2,
                            tiling: GemmTiling(rowsUsed: 1, columnsPerGroup: 2, groups: 1, blockColumns: 1))
        XCTAssertEqual(try GemmReferee.simulate(p).cycles, 11)
    }

    func testAgreesWithClosedFormOnUniformCases() throws {
        // Compute-bound, link-bound, reduction-bound and ingress-bound (one term dominates).
        let cases: [(Int, Int, Int, Int, Int, Int, Double, Double)] = [
            // tokens, K, N, pk, pn, Nb, rho, h
            (60 * 40, 512, 960, 16, 5, 16, .infinity, 1),
            (60, 2048, 640, 32, 2, 32, .infinity, 1),
            (60 * 64, 64, 80, 8, 10, 8, .infinity, 2),
            (60 * 8, 1024, 512, 64, 1, 16, 2, 1),
        ]
        for (t, k, n, pk, pn, nb, rho, h) in cases {
            let p = GemmProblem(rows: 60, columns: 80, hopLatencyCycles: h, ingressWordsPerCycle: rho,
                                tokens: t, dIn: k, dOut: n,
                                tiling: GemmTiling(rowsUsed: 60, columnsPerGroup: pk, groups: pn, blockColumns: nb))
            let sim = try GemmReferee.simulate(p).cycles
            let closed = SpecReference.closedForm(p)
            XCTAssertEqual(sim, SpecReference.recurrence(p), "T=\(t) K=\(k) N=\(n)")
            XCTAssertLessThan(abs(sim - closed) / closed, 0.005, "T=\(t) K=\(k) N=\(n): referee \(sim), closed form \(closed)")
        }
    }

    /// Ragged tokens, K, N and blocks, defects, finite ingress, fractional rates: the events give
    /// exactly the spec's recurrences.
    func testMatchesSpecRecurrencesOnRaggedAndDefectiveCases() throws {
        var rng = Xoshiro256(seed: 7)
        for i in 0..<40 {
            let rows = 1 + Int(rng.next() % 9), columns = 1 + Int(rng.next() % 12)
            let tokens = 1 + Int(rng.next() % 50), dIn = 1 + Int(rng.next() % 40), dOut = 1 + Int(rng.next() % 30)
            let pk = 1 + Int(rng.next() % UInt64(min(columns, dIn)))
            let pn = 1 + Int(rng.next() % UInt64(min(columns / pk, dOut)))
            let pt = 1 + Int(rng.next() % UInt64(min(rows, tokens)))
            let nb = 1 + Int(rng.next() % UInt64(dOut))
            let rhos: [Double] = [.infinity, 0.7, 3, 40]
            var p = GemmProblem(rows: rows, columns: columns, hopLatencyCycles: Double(rng.next() % 4),
                                detourLatencyCycles: Double(rng.next() % 30), fmacsPerCycle: 4,
                                kernelEfficiency: [1, 0.8, 0.37][Int(rng.next() % 3)],
                                ingressWordsPerCycle: rhos[Int(rng.next() % 4)],
                                tokens: tokens, dIn: dIn, dOut: dOut,
                                tiling: GemmTiling(rowsUsed: pt, columnsPerGroup: pk, groups: pn, blockColumns: nb))
            p.defects = try DefectMap.random(rows: rows, columns: columns, rate: 0.2, rng: Xoshiro256(seed: UInt64(i)))
            let sim = try GemmReferee.simulate(p)
            let reference = SpecReference.recurrence(p)
            XCTAssertEqual(sim.cycles, reference, accuracy: 1e-9 * max(1, reference), "case \(i): \(p)")
        }
    }

    /// A defective position on a column's path delays that column's arrivals below it by exactly d.
    func testDefectOnColumnPathAddsDetour() throws {
        // One column group of 1 column (no reduction), compute-free enough that the last row's
        // last tail decides: 6 rows, h = 1, d = 10.
        var p = GemmProblem(rows: 6, columns: 2, hopLatencyCycles: 1, detourLatencyCycles: 10, fmacsPerCycle: 1000,
                            tokens: 6, dIn: 2, dOut: 4,
                            tiling: GemmTiling(rowsUsed: 6, columnsPerGroup: 1, groups: 2, blockColumns: 1))
        let clean = try GemmReferee.simulate(p).cycles
        p.defects = try DefectMap.grid(rows: 6, columns: 2, defective: [(3, 1)])
        let defective = try GemmReferee.simulate(p).cycles
        XCTAssertEqual(defective - clean, 10, accuracy: 1e-9)
        // A defect in row 0 costs nothing (the edge has no hop).
        p.defects = try DefectMap.grid(rows: 6, columns: 2, defective: [(0, 1)])
        XCTAssertEqual(try GemmReferee.simulate(p).cycles, clean)
    }

    /// One defect type for the wafer and the referee: a grid drawn at a rate holds the bits of a
    /// wafer-style map of the same cores read as the grid, and reading keeps exactly the map's
    /// first rows x columns cores.
    func testGridDefectsAreTheWafersMapReadAsAGrid() throws {
        let drawn = try DefectMap.random(rows: 40, columns: 30, rate: 0.05, rng: Xoshiro256(seed: 8))
        var stream = Xoshiro256(seed: 8).substream(named: "grid-defects")
        let flat = DefectMap(cores: 1200, rate: 0.05, rng: &stream)
        let read = DefectMap(rows: 40, columns: 30, reading: flat)
        XCTAssertEqual(drawn, read)
        XCTAssertEqual(drawn.defectCount, flat.defectCount)
        XCTAssertEqual([drawn.rows, drawn.columns], [40, 30])
        for r in 0..<40 { for c in 0..<30 { XCTAssertEqual(drawn.isDefective(row: r, column: c), flat.isDefective(r * 30 + c)) } }
        let corner = DefectMap(rows: 3, columns: 7, reading: flat)
        XCTAssertEqual(corner.defectCount, (0..<21).filter(flat.isDefective).count)
    }

    func testDeterministic() throws {
        var p = GemmProblem(rows: 60, columns: 80, hopLatencyCycles: 1, detourLatencyCycles: 7, kernelEfficiency: 0.77,
                            ingressWordsPerCycle: 33.3, tokens: 5003, dIn: 1001, dOut: 777,
                            tiling: GemmTiling(rowsUsed: 60, columnsPerGroup: 13, groups: 6, blockColumns: 9))
        p.defects = try DefectMap.random(rows: 60, columns: 80, rate: 0.01, rng: Xoshiro256(seed: 3))
        let a = try GemmReferee.simulate(p), b = try GemmReferee.simulate(p)
        XCTAssertEqual(a, b)
        XCTAssertEqual(a.cycles, SpecReference.recurrence(p), accuracy: 1e-9 * a.cycles)
    }

    func testBadInputNamesTheParameter() {
        func parameter(_ edit: (inout GemmProblem) -> Void) -> String? {
            var p = tinyProblem()
            edit(&p)
            do {
                _ = try GemmReferee.simulate(p)
                return nil
            } catch {
                return error.parameter
            }
        }
        XCTAssertEqual(parameter { $0.rows = 0 }, "rows")
        XCTAssertEqual(parameter { $0.rows = 10_000; $0.columns = 10_000 }, "rows x columns")
        XCTAssertEqual(parameter { $0.hopLatencyCycles = -1 }, "hopLatencyCycles")
        XCTAssertEqual(parameter { $0.hopLatencyCycles = .nan }, "hopLatencyCycles")
        XCTAssertEqual(parameter { $0.kernelEfficiency = 0 }, "kernelEfficiency")
        XCTAssertEqual(parameter { $0.ingressWordsPerCycle = 0 }, "ingressWordsPerCycle")
        XCTAssertEqual(parameter { $0.tokens = 0 }, "tokens")
        XCTAssertEqual(parameter { $0.tiling.rowsUsed = 3 }, "tiling.rowsUsed")
        XCTAssertEqual(parameter { $0.tiling.columnsPerGroup = 4 }, "tiling.columnsPerGroup")
        XCTAssertEqual(parameter { $0.tiling.groups = 2 }, "tiling.groups")
        XCTAssertEqual(parameter { $0.tiling.blockColumns = 3 }, "tiling.blockColumns")
        XCTAssertEqual(parameter { $0.defects = try? DefectMap.grid(rows: 3, columns: 3) }, "defects")
        XCTAssertThrowsError(try DefectMap.grid(rows: 2, columns: 2, defective: [(2, 0)]))
        XCTAssertThrowsError(try GemmReferee.simulate(tinyProblem(), trace: GemmTraceRequest(sink: NullSink(), rows: 0..<3, columns: 0..<1)))
    }

    func testQueueOrdersByTimeThenSchedulingOrder() {
        var rng = Xoshiro256(seed: 11)
        var q = CycleQueue(width: 1, buckets: 8)
        var expected: [(Double, Int)] = []
        var now = 0.0, n = 0
        for _ in 0..<2000 {
            for _ in 0..<Int(rng.next() % 3) {
                let t = now + Double(rng.next() % 40) / 4
                q.push(CycleEvent(time: t, core: UInt32(n), arg: 0))
                expected.append((t, n))
                n += 1
            }
            if let e = q.pop() {
                now = e.time
                expected.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
                XCTAssertEqual(e.time, expected[0].0)
                XCTAssertEqual(Int(e.core), expected[0].1)
                expected.removeFirst()
            }
        }
        XCTAssertGreaterThan(q.farEvents, 0)
    }

    /// Many events per bucket (chunks linked, merge sort) and far ones, pushed before any pop.
    func testQueueWithCrowdedBuckets() {
        var rng = Xoshiro256(seed: 5)
        var q = CycleQueue(width: 1, buckets: 16)
        var expected: [(Double, Int)] = []
        for n in 0..<5000 {
            let t = Double(rng.next() % 400) / 8
            q.push(CycleEvent(time: t, core: UInt32(n), arg: 0))
            expected.append((t, n))
        }
        expected.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
        var got: [(Double, Int)] = []
        while let e = q.pop() { got.append((e.time, Int(e.core))) }
        XCTAssertEqual(got.map(\.0), expected.map(\.0))
        XCTAssertEqual(got.map(\.1), expected.map(\.1))
        XCTAssertEqual(q.count, 0)
    }
}

final class NullSink: TraceSink {
    var spans = 0
    func span(track: String, name: String, start: SimTime, end: SimTime) { spans += 1 }
    func instant(track: String, name: String, at: SimTime) {}
    func counter(track: String, name: String, at: SimTime, value: Double) {}
}

final class WaferOutputsTests: XCTestCase {
    func problem() -> GemmProblem {
        GemmProblem(rows: 60, columns: 80, hopLatencyCycles: 1, detourLatencyCycles: 5, ingressWordsPerCycle: 20,
                    tokens: 1000, dIn: 700, dOut: 500,
                    tiling: GemmTiling(rowsUsed: 50, columnsPerGroup: 22, groups: 3, blockColumns: 16))
    }

    func testHeatMapDownsamplesAndRendersDeterministically() throws {
        let r = try GemmReferee.simulate(problem())
        let map = UtilizationHeatMap(r, maxCells: 20)
        XCTAssertEqual(map.factor, 4)
        XCTAssertEqual(map.rows, 15)
        XCTAssertEqual(map.columns, 20)
        // Rows 50... and columns 66... are idle; the busy corner is busy.
        XCTAssertEqual(map.values[14 * 20 + 19], 0)
        XCTAssertGreaterThan(map.values[0], 0.1)
        XCTAssertLessThanOrEqual(map.values.max() ?? 2, 1)
        // The mean of the cells (all full here: 60 and 80 divide by 4) is the grid utilisation.
        XCTAssertEqual(map.values.reduce(0, +) / Double(map.values.count), r.gridUtilization, accuracy: 1e-12)
        let svg = map.svg(title: "a <test> & more")
        XCTAssertTrue(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        XCTAssertTrue(svg.contains("a &lt;test&gt; &amp; more"))
        XCTAssertEqual(svg, UtilizationHeatMap(try GemmReferee.simulate(problem()), maxCells: 20).svg(title: "a <test> & more"))
    }

    func testHeatMapOfTheFullGridIs150By199() {
        let rows = 994, columns = 750
        var busy = [Double](repeating: 0, count: rows * columns)
        for r in 0..<rows { for c in 0..<704 { busy[r * columns + c] = 50 } }
        let map = UtilizationHeatMap(busyCycles: busy, gridRows: rows, gridColumns: columns, totalCycles: 100)
        XCTAssertEqual(map.factor, 5)
        XCTAssertEqual(map.rows, 199)
        XCTAssertEqual(map.columns, 150)
        XCTAssertEqual(map.values[0], 0.5)
        XCTAssertEqual(map.values[140], 0.4, accuracy: 1e-12)  // columns 700..<705: 4 of 5 busy
        XCTAssertEqual(map.values[149], 0)
        XCTAssertEqual(map.values[198 * 150], 0.5)               // the last cell row covers rows 990..<994
    }

    func testTraceSpansOnlyForTheRectangle() throws {
        let sink = NullSink()
        let p = problem()
        let r = try GemmReferee.simulate(p, trace: GemmTraceRequest(sink: sink, rows: 0..<2, columns: 0..<3))
        // Per traced core: a weights, compute and sum span per block (4 blocks of 16, 11 here: 167 columns per group).
        XCTAssertEqual(r.blocks, 11)
        XCTAssertEqual(sink.spans, 2 * 3 * 11 * 3)
        XCTAssertEqual(r, try GemmReferee.simulate(p))
    }

    func testSRAMReport() throws {
        var p = problem()
        p.storedBytesPerCore = 100
        p.workingBytesPerCore = 10
        p.reservedBytesPerCore = 1000
        let r = try GemmReferee.simulate(p)
        // Tr = 20, Kc = 32, Nb = 16; even share of X = floor(1000 * 700 * 2 / 4800) = 291:
        // (20*32*2 - 291) + 20*16*4 + 2*32*16*4 + 1110.
        XCTAssertEqual(r.sramBytesPerCore, 989 + 1280 + 4096 + 1110)
        XCTAssertTrue(r.sramFits)
        XCTAssertGreaterThanOrEqual(r.maxResidentWeightBlocks, 1)
        XCTAssertEqual(r.observedSRAMBytesPerCore, 989 + 1280 + r.maxResidentWeightBlocks * 2048 + 1110)
        p.sramBytesPerCore = 7000
        XCTAssertFalse(try GemmReferee.simulate(p).sramFits)
    }
}

final class WaferAllocationTests: XCTestCase {
    /// Four times the blocks on the same grid (four times the events, the same pending set):
    /// the extra bytes allocated are far below one byte per extra event.
    func testNoAllocationPerEvent() throws {
        guard Allocator.isProcessAllocator else { throw XCTSkip("jemalloc is not the process allocator") }
        func allocated(_ dOut: Int) throws -> (UInt64, UInt64) {
            let p = GemmProblem(rows: 40, columns: 60, hopLatencyCycles: 1, ingressWordsPerCycle: 7.3,
                                tokens: 4000, dIn: 600, dOut: dOut,
                                tiling: GemmTiling(rowsUsed: 40, columnsPerGroup: 20, groups: 3, blockColumns: 8))
            let before = Allocator.threadAllocatedBytes() ?? 0
            let r = try GemmReferee.simulate(p)
            return ((Allocator.threadAllocatedBytes() ?? 0) - before, r.events)
        }
        _ = try allocated(240)
        let (small, smallEvents) = try allocated(240)
        let (large, largeEvents) = try allocated(960)
        XCTAssertGreaterThan(largeEvents, 3 * smallEvents)
        let extra = Double(large) - Double(small)
        XCTAssertLessThan(extra, 0.1 * Double(largeEvents - smallEvents), "\(small) -> \(large) bytes")
    }
}
