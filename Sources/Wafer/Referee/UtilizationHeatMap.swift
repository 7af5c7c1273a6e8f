import Charts

/// Per-core compute utilisation of one referee run, downsampled to at most `maxCells` cells on
/// the longer side (each cell the mean of the `factor x factor` grid positions it covers), and
/// rendered as a deterministic SVG: north edge at the top, west edge at the left.
public struct UtilizationHeatMap: Sendable, Equatable {
    /// Grid positions per cell side.
    public let factor: Int
    /// Cells down (grid rows / factor, rounded up).
    public let rows: Int
    /// Cells across.
    public let columns: Int
    /// Mean utilisation (0 to 1) of each cell, row-major.
    public let values: [Double]

    /// Downsamples `busyCycles` (row-major `gridRows x gridColumns`) over `totalCycles`.
    /// `maxCells` is clamped to 1 to 4096.
    public init(busyCycles: [Double], gridRows: Int, gridColumns: Int, totalCycles: Double, maxCells: Int = 200) {
        let cap = min(max(maxCells, 1), 4096)
        let longer = max(gridRows, gridColumns, 1)
        factor = (longer + cap - 1) / cap
        rows = (max(gridRows, 0) + factor - 1) / factor
        columns = (max(gridColumns, 0) + factor - 1) / factor
        var sums = [Double](repeating: 0, count: rows * columns)
        var counts = [Int](repeating: 0, count: rows * columns)
        if busyCycles.count == gridRows * gridColumns {
            for r in 0..<gridRows {
                let base = (r / factor) * columns
                for c in 0..<gridColumns {
                    sums[base + c / factor] += busyCycles[r * gridColumns + c]
                    counts[base + c / factor] += 1
                }
            }
        }
        values = zip(sums, counts).map { s, n in
            n > 0 && totalCycles > 0 ? min(max(s / (Double(n) * totalCycles), 0), 1) : 0
        }
    }

    /// The heat map of a referee result.
    public init(_ result: GemmSimulationResult, maxCells: Int = 200) {
        self.init(busyCycles: result.busyCycles, gridRows: result.gridRows, gridColumns: result.gridColumns,
                  totalCycles: result.cycles, maxCells: maxCells)
    }

    /// The SVG document (drawn by the charts' ``HeatMap``): a title line, the cells
    /// (`cellPixels` square each, 1 to 32) and a legend.
    public func svg(title: String, cellPixels: Int = 4) -> String {
        HeatMap(rows: rows, columns: columns, values: values)
            .svg(title: title, caption: "compute utilisation per core (\(factor) x \(factor) cores per cell)", cellPixels: cellPixels)
    }
}

/// The heat map's former name (docs/api.md named it before identifiers settled on "Utilization").
@available(*, deprecated, renamed: "UtilizationHeatMap")
public typealias UtilisationHeatMap = UtilizationHeatMap
