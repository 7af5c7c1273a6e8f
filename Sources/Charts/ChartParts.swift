/// The plot area of a chart: its position on the canvas and its two resolved axes.
struct Frame {
    let left: Double, top: Double, width: Double, height: Double
    let x: AxisLayout, y: AxisLayout

    /// The canvas position of a data point, or nil when it cannot be placed.
    func position(_ p: (x: Double, y: Double)) -> (x: String, y: String)? {
        guard let fx = x.fraction(p.x), let fy = y.fraction(p.y) else { return nil }
        return (SVGText.coordinate(left + fx * width), SVGText.coordinate(top + height - fy * height))
    }

    /// Grid lines, the frame, tick marks and tick labels.
    func gridAndTicks() -> [String] {
        let f = SVGText.coordinate
        let bottom = top + height, right = left + width
        let xs = x.ticks.map { left + (x.fraction($0) ?? 0) * width }
        let ys = y.ticks.map { bottom - (y.fraction($0) ?? 0) * height }
        var out = ["<g stroke=\"#E4E4E4\" stroke-width=\"1\">"]
        for px in xs { out.append("<line x1=\"\(f(px))\" y1=\"\(f(top))\" x2=\"\(f(px))\" y2=\"\(f(bottom))\"/>") }
        for py in ys { out.append("<line x1=\"\(f(left))\" y1=\"\(f(py))\" x2=\"\(f(right))\" y2=\"\(f(py))\"/>") }
        out.append("</g>")
        out.append("<g stroke=\"#444444\" stroke-width=\"1\" fill=\"none\">")
        out.append("<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(width))\" height=\"\(f(height))\"/>")
        for px in xs { out.append("<line x1=\"\(f(px))\" y1=\"\(f(bottom))\" x2=\"\(f(px))\" y2=\"\(f(bottom + 5))\"/>") }
        for py in ys { out.append("<line x1=\"\(f(left - 5))\" y1=\"\(f(py))\" x2=\"\(f(left))\" y2=\"\(f(py))\"/>") }
        out.append("</g>")
        out.append("<g fill=\"#333333\" text-anchor=\"middle\">")
        for (px, label) in zip(xs, x.labels) {
            out.append("<text x=\"\(f(px))\" y=\"\(f(bottom + 19))\">\(SVGText.escape(label))</text>")
        }
        out.append("</g>")
        out.append("<g fill=\"#333333\" text-anchor=\"end\">")
        for (py, label) in zip(ys, y.labels) {
            out.append("<text x=\"\(f(left - 8))\" y=\"\(f(py + 4))\">\(SVGText.escape(label))</text>")
        }
        out.append("</g>")
        return out
    }

    /// The elements drawing `s` in `color`, clipped to the plot area. Points that cannot be
    /// placed break the line; a point alone between breaks gets a dot so it stays visible.
    func draw(_ s: Series, color: String) -> [String] {
        if s.style == .markers {
            var out = ["<g clip-path=\"url(#plot-area-markers)\" fill=\"\(color)\" stroke=\"#FFFFFF\" stroke-width=\"1\">"]
            for p in s.points {
                guard let c = position(p) else { continue }
                out.append("<circle cx=\"\(c.x)\" cy=\"\(c.y)\" r=\"4.5\"/>")
            }
            out.append("</g>")
            return out.count == 2 ? [] : out
        }
        var d = ""
        var run = 0
        var last: (x: String, y: String)?
        var dots: [(x: String, y: String)] = []
        for p in s.points {
            guard let c = position(p) else {
                if run == 1, let l = last { dots.append(l) }
                run = 0
                continue
            }
            if run == 0 {
                d += (d.isEmpty ? "" : " ") + "M\(c.x) \(c.y)"
            } else if s.style == .step {
                d += " H\(c.x) V\(c.y)"
            } else {
                d += " L\(c.x) \(c.y)"
            }
            run += 1
            last = c
        }
        if run == 1, let l = last { dots.append(l) }
        guard !d.isEmpty else { return [] }
        let dash = s.style == .dashed ? " stroke-dasharray=\"7 4\"" : ""
        var out = ["<g clip-path=\"url(#plot-area)\">"]
        out.append("<path d=\"\(d)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" stroke-linejoin=\"round\"\(dash)/>")
        for c in dots { out.append("<circle cx=\"\(c.x)\" cy=\"\(c.y)\" r=\"2.5\" fill=\"\(color)\"/>") }
        out.append("</g>")
        return out
    }
}

/// The legend: one row per series (a sample of its line or marker and its name), to the right
/// of the plot area.
struct Legend {
    static let rowHeight = 18.0
    static let swatchWidth = 24.0
    let entries: [(name: String, style: Series.Style)]
    /// The width of the legend, sample included.
    let width: Double

    /// A legend for `series`; a series without any plottable point is marked "(no data)". Names
    /// longer than `maxWidth` allows are shortened with "…".
    init(series: [Series], plottable: [[(x: Double, y: Double)]], maxWidth: Double) {
        let textMax = Swift.max(40, maxWidth - Legend.swatchWidth - 6)
        entries = zip(series, plottable).map { s, points in
            let name = points.isEmpty ? s.name + " (no data)" : s.name
            return (SVGText.fitted(name, maxWidth: textMax, fontSize: LineChart.tickFont), s.style)
        }
        let widest = entries.map { SVGText.width($0.name, fontSize: LineChart.tickFont) }.max() ?? 0
        width = Legend.swatchWidth + 6 + widest
    }

    /// The elements of the legend at `x`, rows from `top` down, within `height`; rows that do
    /// not fit are summarised as "+N more".
    func draw(x: Double, top: Double, height: Double, colors: [String]) -> [String] {
        guard !entries.isEmpty else { return [] }
        let f = SVGText.coordinate
        let fitting = Swift.max(1, Int(height / Legend.rowHeight))
        let shown = entries.count <= fitting ? entries.count : fitting - 1
        var out = ["<g font-size=\"\(SVGText.fixed(LineChart.tickFont, 0))\" fill=\"#222222\">"]
        for (i, e) in entries.prefix(shown).enumerated() {
            let baseline = top + Legend.rowHeight * Double(i) + 12
            let mid = baseline - 4
            switch e.style {
            case .markers:
                out.append("<circle cx=\"\(f(x + Legend.swatchWidth / 2))\" cy=\"\(f(mid))\" r=\"4.5\" fill=\"\(colors[i])\"/>")
            case .line, .dashed, .step:
                let dash = e.style == .dashed ? " stroke-dasharray=\"7 4\"" : ""
                out.append("<line x1=\"\(f(x))\" y1=\"\(f(mid))\" x2=\"\(f(x + Legend.swatchWidth))\" y2=\"\(f(mid))\" "
                    + "stroke=\"\(colors[i])\" stroke-width=\"2\"\(dash)/>")
            }
            out.append("<text x=\"\(f(x + Legend.swatchWidth + 6))\" y=\"\(f(baseline))\">\(SVGText.escape(e.name))</text>")
        }
        if shown < entries.count {
            let baseline = top + Legend.rowHeight * Double(shown) + 12
            out.append("<text x=\"\(f(x))\" y=\"\(f(baseline))\" fill=\"#666666\">+\(entries.count - shown) more</text>")
        }
        out.append("</g>")
        return out
    }
}
