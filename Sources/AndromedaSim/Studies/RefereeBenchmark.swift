import Foundation
import SimEngine
import SimHost
import Wafer
import WaferReferee

/// One GEMM as events on every core of a grid, timed, with the memory it allocates: the work of
/// `andromeda-sim bench wafer` (the core-level referee's speed, docs/performance.md).
public struct RefereeBenchmark {
    /// One timed run.
    public struct Run {
        /// The referee's result.
        public let result: GemmSimulationResult
        /// Wall-clock seconds of the simulation.
        public let wallSeconds: Double
        /// Bytes this thread allocated during it (jemalloc; 0 when unknown).
        public let allocatedBytes: UInt64
    }

    /// The problem: grid, GEMM T x K x N, tiling, latencies, ingress, defects.
    public private(set) var problem: GemmProblem

    /// A `rows` x `columns` grid running a `tokens` x `k` x `n` GEMM tiled `pk`, `pn`, `nb` (rows
    /// used: min(rows, tokens)), with `defectRate` of the positions defective (placed by `seed`).
    /// Throws the referee's message when a parameter is out of range.
    public init(rows: Int, columns: Int, tokens: Int, k: Int, n: Int, pk: Int, pn: Int, nb: Int,
                hopLatencyCycles: Double, detourLatencyCycles: Double, ingressWordsPerCycle: Double,
                defectRate: Double, seed: UInt64) throws {
        problem = GemmProblem(rows: rows, columns: columns, hopLatencyCycles: hopLatencyCycles, detourLatencyCycles: detourLatencyCycles,
                              ingressWordsPerCycle: ingressWordsPerCycle, tokens: tokens, dIn: k, dOut: n,
                              tiling: GemmTiling(rowsUsed: max(1, min(rows, tokens)), columnsPerGroup: pk, groups: pn, blockColumns: nb))
        try problem.validate()
        if defectRate > 0 {
            problem.defects = try DefectMap.random(rows: rows, columns: columns, rate: defectRate, rng: Xoshiro256(seed: seed))
        }
    }

    /// Rows of the grid the tiling uses.
    public var rowsUsed: Int { problem.tiling.rowsUsed }
    /// Defective positions.
    public var defectCount: Int { problem.defects?.defectCount ?? 0 }

    /// Simulates the GEMM once.
    public func run() throws -> Run {
        let clock = ContinuousClock()
        let bytes0 = Allocator.threadAllocatedBytes() ?? 0
        let t0 = clock.now
        let r = try GemmReferee.simulate(problem)
        let el = clock.now - t0
        let allocated = (Allocator.threadAllocatedBytes() ?? 0) &- bytes0
        return Run(result: r, wallSeconds: Double(el.components.seconds) + Double(el.components.attoseconds) * 1e-18,
                   allocatedBytes: allocated)
    }
}
