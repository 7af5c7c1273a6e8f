import TextEscaping

/// Per-core compute utilisation of one referee run, downsampled to at most `maxCells` cells on
/// the longer side (each cell the mean of the `factor x factor` grid positions it covers), and
/// rendered as a deterministic SVG: north edge at the top, west edge at the left.
public struct UtilisationHeatMap: Sendable, Equatable {
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

    /// Colour levels (cells are drawn in one of these; equal neighbours merge into one rectangle).
    static let levels = 64

    /// The colour of level `i` of ``levels``: a viridis-like ramp from dark blue (idle) to yellow.
    static func colour(level i: Int) -> String {
        let stops: [(Double, Double, Double)] = [(68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37)]
        let x = Double(min(max(i, 0), levels - 1)) / Double(levels - 1) * Double(stops.count - 1)
        let k = min(Int(x), stops.count - 2), f = x - Double(k)
        let a = stops[k], b = stops[k + 1]
        func hex(_ v: Double) -> String {
            let n = Int((v).rounded())
            let digits = Array("0123456789abcdef")
            return String([digits[(n >> 4) & 15], digits[n & 15]])
        }
        return "#" + hex(a.0 + (b.0 - a.0) * f) + hex(a.1 + (b.1 - a.1) * f) + hex(a.2 + (b.2 - a.2) * f)
    }

    static func level(_ v: Double) -> Int { v.isFinite && v > 0 ? min(Int(min(v, 1) * Double(levels)), levels - 1) : 0 }

    /// The SVG document: a title line, the cells (`cellPixels` square each, 1 to 32) and a legend.
    public func svg(title: String, cellPixels: Int = 4) -> String {
        let px = min(max(cellPixels, 1), 32)
        let margin = 10, top = 34, legendHeight = 40
        let width = max(columns * px + 2 * margin, 320), height = rows * px + top + legendHeight
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\">\n"
        out += "<rect width=\"\(width)\" height=\"\(height)\" fill=\"#ffffff\"/>\n"
        out += "<text x=\"\(margin)\" y=\"20\" font-family=\"sans-serif\" font-size=\"13\">\(Self.escape(title))</text>\n"
        out += "<g shape-rendering=\"crispEdges\">\n"
        for r in 0..<rows {
            var c = 0
            while c < columns {
                let lv = Self.level(values[r * columns + c])
                var run = 1
                while c + run < columns, Self.level(values[r * columns + c + run]) == lv { run += 1 }
                out += "<rect x=\"\(margin + c * px)\" y=\"\(top + r * px)\" width=\"\(run * px)\" height=\"\(px)\" fill=\"\(Self.colour(level: lv))\"/>\n"
                c += run
            }
        }
        out += "</g>\n"
        let ly = top + rows * px + 10
        let barWidth = 256
        for i in 0..<Self.levels {
            out += "<rect x=\"\(margin + i * barWidth / Self.levels)\" y=\"\(ly)\" width=\"\(barWidth / Self.levels)\" height=\"10\" fill=\"\(Self.colour(level: i))\"/>\n"
        }
        out += "<text x=\"\(margin)\" y=\"\(ly + 24)\" font-family=\"sans-serif\" font-size=\"11\">0</text>\n"
        out += "<text x=\"\(margin + barWidth - 28)\" y=\"\(ly + 24)\" font-family=\"sans-serif\" font-size=\"11\">100 %</text>\n"
        out += "<text x=\"\(margin + barWidth + 12)\" y=\"\(ly + 9)\" font-family=\"sans-serif\" font-size=\"11\">compute utilisation per core (\(factor) x \(factor) cores per cell)</text>\n"
        out += "</svg>\n"
        return out
    }

    /// `text` safe for XML element content (``MarkupText`` in its XML dialect, as the charts).
    /// The `wafer` command's titles hold no `'` nor control character, so they read as before
    /// this heat map shared the charts' escaper (which kept `'` and dropped tab and line feed).
    static func escape(_ text: String) -> String { MarkupText.escape(text, for: .xml) }
}
