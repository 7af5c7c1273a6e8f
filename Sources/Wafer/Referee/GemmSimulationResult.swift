/// What the core-level referee measured for one GEMM.
public struct GemmSimulationResult: Sendable, Equatable {
    /// The GEMM's time, cycles (real-valued): the latest `done` of any row and group's last block.
    public var cycles: Double
    /// The same in nanoseconds: whole cycles (rounded up) at the clock, to the nearest nanosecond.
    public var nanoseconds: Int64
    /// Events handled (all kinds).
    public var events: UInt64
    /// Events by kind: weight-block tails arrived, computes finished, partial sums arrived.
    public var weightTailEvents: UInt64
    /// Compute-finished events.
    public var computeEvents: UInt64
    /// Partial-sum arrival events.
    public var partialSumEvents: UInt64
    /// Most events pending at once (sampled when the queue moves to a new time bucket).
    public var peakPendingEvents: Int
    /// Rows, columns and (core, block) pairs that did work.
    public var usedRows: Int
    /// Used columns (pk x pn).
    public var usedColumns: Int
    /// Largest number of blocks of any group.
    public var blocks: Int
    /// Sum over used cores of their blocks.
    public var coreBlocks: Int
    /// Grid rows and columns (the shape of `busyCycles`).
    public var gridRows: Int
    /// Grid columns.
    public var gridColumns: Int
    /// Compute-busy cycles of every grid position, row-major (`r * gridColumns + c`); idle
    /// positions are 0. Utilisation is busy / `cycles`.
    public var busyCycles: [Double]
    /// Mean utilisation over the whole grid (busy cycles / (cycles x R x C)).
    public var gridUtilization: Double
    /// Mean utilisation over the used cores only.
    public var usedUtilization: Double
    /// The row and group whose last block finished last (the critical chain).
    public var criticalRow: Int
    /// The group of the critical chain.
    public var criticalGroup: Int
    /// SRAM per core by the spec's formula for the largest tile (stored, working and reserved
    /// bytes, the activation slice's excess over its even share, partial sums, double-buffered
    /// weights), bytes.
    public var sramBytesPerCore: Int
    /// Whether `sramBytesPerCore` is at most the problem's SRAM per core.
    public var sramFits: Bool
    /// Most complete weight blocks any core held at once (arrived, not finished computing; the
    /// block being computed counts). The spec's timing has no back-pressure on the weight stream,
    /// so this exceeds 2 (a double buffer) whenever weights arrive faster than they are consumed.
    public var maxResidentWeightBlocks: Int
    /// SRAM per core with `maxResidentWeightBlocks` weight blocks instead of 2, bytes.
    public var observedSRAMBytesPerCore: Int

    /// Utilisation of grid position (row, column): busy / cycles, 0 outside the grid.
    public func utilization(row: Int, column: Int) -> Double {
        guard (0..<gridRows).contains(row), (0..<gridColumns).contains(column), cycles > 0 else { return 0 }
        return busyCycles[row * gridColumns + column] / cycles
    }
}
