import TextEscaping

/// A heat map of values in 0...1 on a grid of cells, drawn as a deterministic SVG: a title line,
/// the cells (north at the top, west at the left; equal neighbours in a row merge into one
/// rectangle) in one of 64 levels of a viridis-like ramp, and a legend with its caption. The
/// referee's utilisation map (`UtilizationHeatMap`) is drawn by it.
public struct HeatMap: Sendable, Equatable {
    /// Cells down and across.
    public let rows: Int, columns: Int
    /// Each cell's value (0 to 1; anything else is drawn as 0), row-major.
    public let values: [Double]

    /// A heat map of `values` (row-major, `rows x columns`).
    public init(rows: Int, columns: Int, values: [Double]) {
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    /// Colour levels (cells are drawn in one of these).
    public static let levels = 64

    /// The colour of level `i` of ``levels``: a viridis-like ramp from dark blue (0) to yellow (1).
    public static func colour(level i: Int) -> String {
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

    /// The level of value `v`.
    public static func level(_ v: Double) -> Int { v.isFinite && v > 0 ? min(Int(min(v, 1) * Double(levels)), levels - 1) : 0 }

    /// The SVG document: `title` above, the cells (`cellPixels` square each, 1 to 32), and the
    /// legend from 0 to 100 % with `caption` beside it.
    public func svg(title: String, caption: String, cellPixels: Int = 4) -> String {
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
        out += "<text x=\"\(margin + barWidth + 12)\" y=\"\(ly + 9)\" font-family=\"sans-serif\" font-size=\"11\">\(Self.escape(caption))</text>\n"
        out += "</svg>\n"
        return out
    }

    /// `text` safe for XML element content (``MarkupText`` in its XML dialect, as the charts).
    static func escape(_ text: String) -> String { MarkupText.escape(text, for: .xml) }
}
