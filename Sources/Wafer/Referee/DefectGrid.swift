import Wafer
import SimEngine
import Wafer

/// Which positions of an `R x C` programmable grid are served by a spare core through a detour
/// (docs/wafer-dataflow.md, "Defects"): one bit per position, position `(r, c)` at bit `r * C + c`.
public struct DefectGrid: Sendable, Equatable {
    /// Grid rows.
    public let rows: Int
    /// Grid columns.
    public let columns: Int
    /// Bit `r * columns + c` set: position (r, c) is defective.
    public private(set) var words: [UInt64]
    /// Number of defective positions.
    public private(set) var count: Int

    /// A grid with the given defective positions (each `(row, column)`, duplicates counted once).
    /// Throws when the grid is larger than ``GemmProblem/maxGridCores`` or a position is outside it.
    public init(rows: Int, columns: Int, defective: [(row: Int, column: Int)] = []) throws(GemmProblemError) {
        guard rows >= 1, columns >= 1, rows <= GemmProblem.maxGridCores, columns <= GemmProblem.maxGridCores,
              rows * columns <= GemmProblem.maxGridCores else {
            throw GemmProblemError(parameter: "defects", message: "grid must be 1 to \(GemmProblem.maxGridCores) positions (got \(rows) x \(columns))")
        }
        self.rows = rows
        self.columns = columns
        words = Array(repeating: 0, count: (rows * columns + 63) / 64)
        count = 0
        for p in defective {
            guard (0..<rows).contains(p.row), (0..<columns).contains(p.column) else {
                throw GemmProblemError(parameter: "defects", message: "position (\(p.row), \(p.column)) outside the \(rows) x \(columns) grid")
            }
            insert(row: p.row, column: p.column)
        }
    }

    /// The grid positions marked in `map`, read as a row-major `rows x columns` grid (bits past
    /// the map's end count as good). This is how a wafer's drawn ``DefectMap`` becomes grid defects
    /// when each defective grid core is served by a spare.
    public init(rows: Int, columns: Int, map: DefectMap) throws(GemmProblemError) {
        try self.init(rows: rows, columns: columns)
        let n = min(rows * columns, map.coreCount)
        for i in 0..<n where map.isDefective(i) { insert(row: i / columns, column: i % columns) }
    }

    /// Positions drawn independently with probability `rate` (0 to 1) from `rng`'s substream
    /// "grid-defects", by the same geometric skips as ``DefectMap``.
    public static func random(rows: Int, columns: Int, rate: Double, rng: Xoshiro256) throws(GemmProblemError) -> DefectGrid {
        guard rate >= 0, rate <= 1 else {
            throw GemmProblemError(parameter: "defects.rate", message: "must be 0 to 1 (got \(rate))")
        }
        guard rows >= 1, columns >= 1, rows <= GemmProblem.maxGridCores, columns <= GemmProblem.maxGridCores,
              rows * columns <= GemmProblem.maxGridCores else {
            throw GemmProblemError(parameter: "defects", message: "grid must be 1 to \(GemmProblem.maxGridCores) positions (got \(rows) x \(columns))")
        }
        var stream = rng.substream(named: "grid-defects")
        let map = DefectMap(cores: rows * columns, rate: rate, rng: &stream)
        return try DefectGrid(rows: rows, columns: columns, map: map)
    }

    /// Marks position (row, column) defective (no-op if already marked; positions outside are ignored).
    public mutating func insert(row: Int, column: Int) {
        guard (0..<rows).contains(row), (0..<columns).contains(column) else { return }
        let i = row * columns + column
        let bit: UInt64 = 1 << UInt64(i & 63)
        if words[i >> 6] & bit == 0 {
            words[i >> 6] |= bit
            count += 1
        }
    }

    /// Whether position (row, column) is defective (false outside the grid).
    public func isDefective(row: Int, column: Int) -> Bool {
        guard (0..<rows).contains(row), (0..<columns).contains(column) else { return false }
        let i = row * columns + column
        return words[i >> 6] & (1 << UInt64(i & 63)) != 0
    }
}
