import Foundation

/// Several line charts side by side in one SVG 1.1 document: "small multiples", one panel per
/// series group, laid out in rows of `columns`. Give every panel the same axes (fixed `min` and
/// `max`) so that the panels compare at a glance; each keeps its own title and legend.
///
/// ```swift
/// let panels = runs.map { LineChart(title: $0.name, xAxis: Axis(label: "h", min: 0, max: 168),
///                                   yAxis: Axis(label: "busy", min: 0, max: 16), series: [$0], width: 480, height: 260) }
/// let svg = SmallMultiples(title: "Cluster utilization", panels: panels, columns: 2).svg()
/// ```
///
/// Like ``LineChart``, the output depends only on the values (byte-identical when rendered twice).
public struct SmallMultiples: Sendable {
    /// The text above all panels.
    public var title: String
    /// The panels, left to right and top to bottom.
    public var panels: [LineChart]
    /// Panels per row (at least 1).
    public var columns: Int

    /// Creates a grid of panels.
    public init(title: String, panels: [LineChart], columns: Int = 2) {
        self.title = title
        self.panels = panels
        self.columns = columns
    }

    /// The grid as an SVG 1.1 document (UTF-8 text, ending with a newline). Each panel is a
    /// nested `<svg>` whose ids carry the prefix `p<k>-` so that they stay unique.
    public func svg() -> String {
        let cols = Swift.max(1, Swift.min(columns, Swift.max(1, panels.count)))
        let cellW = Double(panels.map { Swift.max($0.width, 320) }.max() ?? 320)
        let cellH = Double(panels.map { Swift.max($0.height, 200) }.max() ?? 200)
        let rows = (panels.count + cols - 1) / cols
        let top = 40.0
        let w = cellW * Double(cols), h = top + cellH * Double(Swift.max(rows, 1))
        let f = SVGText.coordinate
        var out = ["<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
                   "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"\(f(w))\" height=\"\(f(h))\" "
                       + "viewBox=\"0 0 \(f(w)) \(f(h))\" font-family=\"DejaVu Sans, Verdana, Arial, sans-serif\" font-size=\"11\">",
                   "<title>\(SVGText.escape(title))</title>",
                   "<rect x=\"0\" y=\"0\" width=\"\(f(w))\" height=\"\(f(h))\" fill=\"#FFFFFF\"/>",
                   "<text x=\"\(f(w / 2))\" y=\"26.00\" text-anchor=\"middle\" font-size=\"16\" font-weight=\"bold\" fill=\"#222222\">"
                       + "\(SVGText.escape(SVGText.fitted(title, maxWidth: w - 24, fontSize: 16.5)))</text>"]
        if panels.isEmpty {
            out.append("<text x=\"\(f(w / 2))\" y=\"\(f(top + cellH / 2))\" text-anchor=\"middle\" font-size=\"16\" fill=\"#666666\">no data</text>")
        }
        for (k, panel) in panels.enumerated() {
            let x = cellW * Double(k % cols), y = top + cellH * Double(k / cols)
            let inner = SVGEmbed.inline(panel.svg(), idPrefix: "p\(k)-")
            // The panel's own root becomes a positioned nested viewport.
            out.append(inner.replacingOccurrences(of: "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" ",
                                                  with: "<svg x=\"\(f(x))\" y=\"\(f(y))\" "))
        }
        out.append("</svg>")
        return out.joined(separator: "\n") + "\n"
    }
}

/// Puts the SVG documents made here (``LineChart``, ``SmallMultiples``) inside another document,
/// such as an HTML page or a larger SVG.
public enum SVGEmbed {
    /// `svg` without its XML declaration, and with every `id` (and every `url(#…)` and `href="#…"`
    /// reference to one) prefixed by `idPrefix`, so that several charts on one page keep their
    /// clip paths apart. The text ends without a newline.
    public static func inline(_ svg: String, idPrefix: String) -> String {
        var s = svg
        if s.hasPrefix("<?xml"), let end = s.firstIndex(of: "\n") { s = String(s[s.index(after: end)...]) }
        s = s.replacingOccurrences(of: " id=\"", with: " id=\"\(idPrefix)")
            .replacingOccurrences(of: "url(#", with: "url(#\(idPrefix)")
            .replacingOccurrences(of: "href=\"#", with: "href=\"#\(idPrefix)")
        while s.hasSuffix("\n") { s.removeLast() }
        return s
    }
}
