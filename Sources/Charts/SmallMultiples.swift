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
    /// `svg` without its XML declaration, and with every `id` attribute (and every `url(#…)` and
    /// `href="#…"` reference to one in an attribute) prefixed by `idPrefix`, so that several charts
    /// on one page keep their clip paths apart. Only the attributes of tags are rewritten: text
    /// (a model or user name such as `url(#x)`, escaped by the chart) is never changed. The text
    /// ends without a newline.
    public static func inline(_ svg: String, idPrefix: String) -> String {
        var bytes = Array(svg.utf8)
        if bytes.starts(with: Array("<?xml".utf8)), let end = bytes.firstIndex(of: 0x0A) { bytes.removeSubrange(0...end) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 256)
        let prefix = Array(idPrefix.utf8)
        let quote = UInt8(ascii: "\""), apostrophe = UInt8(ascii: "'")
        var i = 0
        var inTag = false
        while i < bytes.count {
            let b = bytes[i]
            if !inTag {
                // Text, comments and CDATA are copied as they are.
                if b == UInt8(ascii: "<"), i + 1 < bytes.count, bytes[i + 1] != UInt8(ascii: "!") { inTag = true }
                out.append(b)
                i += 1
                continue
            }
            if b == UInt8(ascii: ">") {
                inTag = false
                out.append(b)
                i += 1
                continue
            }
            guard b == quote || b == apostrophe else {
                out.append(b)
                i += 1
                continue
            }
            // An attribute value: find its name (the bytes before `=` in front of the quote).
            var n = out.count - 1
            while n >= 0 && out[n] == UInt8(ascii: " ") { n -= 1 }
            var name: [UInt8] = []
            if n >= 0 && out[n] == UInt8(ascii: "=") {
                var e = n - 1
                while e >= 0 && out[e] == UInt8(ascii: " ") { e -= 1 }
                var s = e
                while s >= 0 && out[s] != UInt8(ascii: " ") && out[s] != UInt8(ascii: "\n") && out[s] != UInt8(ascii: "<") { s -= 1 }
                if e > s { name = Array(out[(s + 1)...e]) }
            }
            guard let close = bytes[(i + 1)...].firstIndex(of: b) else {
                out.append(contentsOf: bytes[i...])
                break
            }
            var value = Array(bytes[(i + 1)..<close])
            let attribute = String(decoding: name, as: UTF8.self)
            if attribute == "id" {
                value = prefix + value
            } else if attribute == "href" || attribute == "xlink:href" {
                if value.first == UInt8(ascii: "#") { value = [UInt8(ascii: "#")] + prefix + value.dropFirst() }
            } else if referenceAttributes.contains(attribute) {
                value = replacing(Array("url(#".utf8), with: Array("url(#".utf8) + prefix, in: value)
            }
            out.append(b)
            out.append(contentsOf: value)
            out.append(b)
            i = close + 1
        }
        while out.last == 0x0A { out.removeLast() }
        return String(decoding: out, as: UTF8.self)
    }

    /// The presentation attributes that may hold a `url(#id)` reference.
    static let referenceAttributes: Set<String> = ["clip-path", "fill", "stroke", "mask", "filter", "marker-start", "marker-mid", "marker-end"]

    static func replacing(_ pattern: [UInt8], with replacement: [UInt8], in bytes: [UInt8]) -> [UInt8] {
        guard bytes.count >= pattern.count else { return bytes }
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            if i + pattern.count <= bytes.count && bytes[i..<(i + pattern.count)].elementsEqual(pattern) {
                out.append(contentsOf: replacement)
                i += pattern.count
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return out
    }
}
