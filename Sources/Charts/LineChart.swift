import Foundation

/// A line chart rendered as a standalone SVG 1.1 document.
///
/// The output depends only on the chart's values: numbers are written with fixed decimals and
/// nothing is random, so rendering the same chart twice gives byte-identical files.
///
/// ```swift
/// let chart = LineChart(title: "Throughput", xAxis: Axis(label: "systems", scale: .log2),
///                       yAxis: Axis(label: "samples/s", min: 0),
///                       series: [Series(name: "GPT-3 XL", points: [(1, 100), (2, 198), (4, 390)])])
/// try chart.svg().write(toFile: "throughput.svg", atomically: true, encoding: .utf8)
/// ```
///
/// The plot area has grid lines at the ticks, tick labels and axis labels; the legend is to its
/// right. Series are clipped to the plot area. A chart without any plottable point still draws
/// its axes, with "no data" in the plot area.
public struct LineChart: Sendable {
    /// The series colours, in order: the Okabe-Ito palette, which stays distinguishable with the
    /// common forms of colour blindness (yellow last, as it is faint on white).
    public static let palette: [String] = [
        "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442",
    ]

    /// The text above the chart.
    public var title: String
    /// The horizontal axis.
    public var xAxis: Axis
    /// The vertical axis.
    public var yAxis: Axis
    /// The data, drawn in order (later series on top) and listed in that order in the legend.
    public var series: [Series]
    /// The width of the image in pixels (at least 320 is used).
    public var width: Int
    /// The height of the image in pixels (at least 200 is used).
    public var height: Int
    /// Whether the legend is drawn (right of the plot); off for panels named by their title.
    public var showsLegend = true

    /// Creates a chart.
    public init(title: String, xAxis: Axis, yAxis: Axis, series: [Series], width: Int = 720, height: Int = 440) {
        self.title = title
        self.xAxis = xAxis
        self.yAxis = yAxis
        self.series = series
        self.width = width
        self.height = height
    }

    /// The empirical cumulative distribution of `values` as the corners of its staircase:
    /// `(v₁, 0), (v₁, F(v₁)), (v₂, F(v₁)), (v₂, F(v₂)), …` up to `(vₙ, 1)`, where `v₁ < v₂ < …`
    /// are the distinct finite values and `F(v)` the fraction of them at most `v`. Draw it with
    /// ``Series/Style/step`` or ``Series/Style/line`` (the same picture). Non-finite values are
    /// ignored; no finite value gives no point.
    ///
    /// With more than `maxSteps` distinct values (default 1,000) the staircase is drawn at each
    /// 1/`maxSteps` of the values instead: the corners `(x_k, (k-1)/maxSteps), (x_k, k/maxSteps)`
    /// where x_k is the smallest value with F(x_k) >= k/maxSteps (ties merged), so that a run of
    /// millions of jobs gives a chart of a few thousand points (the same picture at any
    /// resolution a page shows) instead of one of tens of megabytes.
    public static func cdf(_ values: [Double], maxSteps: Int = 1000) -> [(x: Double, y: Double)] {
        let sorted = values.filter(\.isFinite).sorted()
        guard let first = sorted.first else { return [] }
        var distinct = 1
        for k in sorted.indices.dropFirst() where sorted[k] != sorted[k - 1] {
            distinct += 1
            if distinct > maxSteps { break }
        }
        if distinct > maxSteps && maxSteps > 0 {
            let n = sorted.count
            var out: [(x: Double, y: Double)] = [(first, 0)]
            var level = 0.0
            for k in 1...maxSteps {
                // The smallest value whose rank reaches k/maxSteps of the values.
                let rank = (k * n + maxSteps - 1) / maxSteps
                let x = sorted[max(0, rank - 1)]
                let y = Double(k) / Double(maxSteps)
                if out.count > 1 && out[out.count - 1].x == x {
                    out[out.count - 1].y = y
                } else {
                    if out[out.count - 1].x != x { out.append((x, level)) }
                    out.append((x, y))
                }
                level = y
            }
            return out
        }
        let n = Double(sorted.count)
        var out: [(x: Double, y: Double)] = [(first, 0)]
        var level = 0.0
        var i = 0
        while i < sorted.count {
            var j = i
            while j + 1 < sorted.count && sorted[j + 1] == sorted[i] { j += 1 }
            if i > 0 { out.append((sorted[i], level)) }
            level = Double(j + 1) / n
            out.append((sorted[i], level))
            i = j + 1
        }
        return out
    }

    /// The chart as an SVG 1.1 document (UTF-8 text, ending with a newline).
    public func svg() -> String {
        let w = Double(Swift.max(width, 320)), h = Double(Swift.max(height, 200))
        let plottable = series.map { s in
            s.points.filter { AxisLayout.usable($0.x, xAxis.scale) && AxisLayout.usable($0.y, yAxis.scale) }
        }
        let xs = plottable.flatMap { $0.map(\.x) }, ys = plottable.flatMap { $0.map(\.y) }

        // Layout: the y tick labels set the left margin, the legend the right one, and the plot
        // width how many x ticks fit.
        let top = 44.0, bottom = 58.0
        let plotH = h - top - bottom
        let yLayout = AxisLayout(axis: yAxis, values: ys, maxTicks: Swift.max(2, Int(plotH / 45)))
        let yLabelWidth = yLayout.labels.map { SVGText.width($0, fontSize: Self.tickFont) }.max() ?? 0
        let left = (38 + yLabelWidth + 6).rounded(.up)
        let legend = Legend(series: series, plottable: plottable, maxWidth: Swift.min(200, w * 0.3))
        let right = series.isEmpty || !showsLegend ? 24 : (legend.width + 36).rounded(.up)
        let plotW = Swift.max(60, w - left - right)
        var xTicks = Swift.max(2, Int(plotW / 70))
        var xLayout = AxisLayout(axis: xAxis, values: xs, maxTicks: xTicks)
        while xTicks > 2 {
            let widest = xLayout.labels.map { SVGText.width($0, fontSize: Self.tickFont) }.max() ?? 0
            if (widest + 14) * Double(xLayout.labels.count) <= plotW { break }
            xTicks -= 1
            xLayout = AxisLayout(axis: xAxis, values: xs, maxTicks: xTicks)
        }
        let frame = Frame(left: left, top: top, width: plotW, height: plotH, x: xLayout, y: yLayout)

        var out: [String] = []
        let f = SVGText.coordinate, esc = SVGText.escape
        out.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        out.append("<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"\(f(w))\" height=\"\(f(h))\" "
            + "viewBox=\"0 0 \(f(w)) \(f(h))\" font-family=\"DejaVu Sans, Verdana, Arial, sans-serif\" "
            + "font-size=\"\(SVGText.fixed(Self.tickFont, 0))\">")
        out.append("<title>\(esc(title))</title>")
        out.append("<defs>")
        out.append("<clipPath id=\"plot-area\"><rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(plotW))\" "
            + "height=\"\(f(plotH))\"/></clipPath>")
        // Markers on the edge of the plot area stay whole.
        out.append("<clipPath id=\"plot-area-markers\"><rect x=\"\(f(left - 6))\" y=\"\(f(top - 6))\" "
            + "width=\"\(f(plotW + 12))\" height=\"\(f(plotH + 12))\"/></clipPath>")
        out.append("</defs>")
        out.append("<rect x=\"0\" y=\"0\" width=\"\(f(w))\" height=\"\(f(h))\" fill=\"#FFFFFF\"/>")
        out += frame.gridAndTicks()
        for (i, s) in series.enumerated() {
            out += frame.draw(s, color: Self.color(s, index: i))
        }
        if xs.isEmpty {
            out.append("<text x=\"\(f(left + plotW / 2))\" y=\"\(f(top + plotH / 2 + 6))\" text-anchor=\"middle\" "
                + "font-size=\"16\" fill=\"#666666\">no data</text>")
        }
        out.append("<text x=\"\(f(w / 2))\" y=\"26.00\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\" "
            + "fill=\"#222222\">\(esc(SVGText.fitted(title, maxWidth: w - 24, fontSize: 15.5)))</text>")
        out.append("<text x=\"\(f(left + plotW / 2))\" y=\"\(f(h - 14))\" text-anchor=\"middle\" font-size=\"12\" "
            + "fill=\"#222222\">\(esc(SVGText.fitted(xAxis.label, maxWidth: plotW, fontSize: 12)))</text>")
        out.append("<text x=\"18.00\" y=\"\(f(top + plotH / 2))\" transform=\"rotate(-90 18.00 \(f(top + plotH / 2)))\" "
            + "text-anchor=\"middle\" font-size=\"12\" fill=\"#222222\">"
            + "\(esc(SVGText.fitted(yAxis.label, maxWidth: plotH, fontSize: 12)))</text>")
        if showsLegend { out += legend.draw(x: left + plotW + 20, top: top + 6, height: plotH - 6,
                           colors: series.enumerated().map { Self.color($0.element, index: $0.offset) }) }
        out.append("</svg>")
        return out.joined(separator: "\n") + "\n"
    }

    /// The font size of tick labels and the legend.
    static let tickFont = 11.0

    /// The palette colour of `s`, the series at position `index`.
    static func color(_ s: Series, index: Int) -> String {
        let n = palette.count
        return palette[((s.colorIndex ?? index) % n + n) % n]
    }
}
