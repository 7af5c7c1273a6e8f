import SimEngine
import Wafer

/// The referee's defects are a ``DefectMap`` of its `R x C` grid (module Wafer; position (r, c) at
/// bit `r * C + c`): the positions served by a spare core through a detour (docs/wafer-dataflow.md,
/// "Defects"). These constructors check the grid against the referee's limits first.
extension DefectMap {
    /// A grid with the given defective positions (each `(row, column)`, duplicates counted once).
    /// Throws when the grid is larger than ``GemmProblem/maxGridCores`` or a position is outside it.
    public static func grid(rows: Int, columns: Int, defective: [(row: Int, column: Int)] = []) throws(GemmProblemError) -> DefectMap {
        try checkGrid(rows: rows, columns: columns)
        var map = DefectMap(rows: rows, columns: columns)
        for p in defective {
            guard (0..<rows).contains(p.row), (0..<columns).contains(p.column) else {
                throw GemmProblemError(parameter: "defects", message: "position (\(p.row), \(p.column)) outside the \(rows) x \(columns) grid")
            }
            map.insert(row: p.row, column: p.column)
        }
        return map
    }

    /// The grid positions marked in `map`, read as a row-major `rows x columns` grid
    /// (``init(rows:columns:reading:)``), after the referee's limits are checked.
    public static func grid(rows: Int, columns: Int, reading map: DefectMap) throws(GemmProblemError) -> DefectMap {
        try checkGrid(rows: rows, columns: columns)
        return DefectMap(rows: rows, columns: columns, reading: map)
    }

    /// Positions drawn independently with probability `rate` (0 to 1) from `rng`'s substream
    /// "grid-defects", by the geometric skips of ``init(cores:columns:rate:rng:)``.
    public static func random(rows: Int, columns: Int, rate: Double, rng: Xoshiro256) throws(GemmProblemError) -> DefectMap {
        guard rate >= 0, rate <= 1 else {
            throw GemmProblemError(parameter: "defects.rate", message: "must be 0 to 1 (got \(rate))")
        }
        try checkGrid(rows: rows, columns: columns)
        var stream = rng.substream(named: "grid-defects")
        return DefectMap(cores: rows * columns, columns: columns, rate: rate, rng: &stream)
    }

    private static func checkGrid(rows: Int, columns: Int) throws(GemmProblemError) {
        guard rows >= 1, columns >= 1, rows <= GemmProblem.maxGridCores, columns <= GemmProblem.maxGridCores,
              rows * columns <= GemmProblem.maxGridCores else {
            throw GemmProblemError(parameter: "defects", message: "grid must be 1 to \(GemmProblem.maxGridCores) positions (got \(rows) x \(columns))")
        }
    }
}
