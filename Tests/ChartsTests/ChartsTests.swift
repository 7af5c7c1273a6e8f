@testable import Charts
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest

/// Parses XML and records what the checks need: the root element, every element name, the
/// text content, and the first error.
private final class XMLProbe: NSObject, XMLParserDelegate {
    var elements: [String] = []
    var text = ""
    var error: String?

    static func parse(_ xml: String) -> XMLProbe {
        let probe = XMLProbe()
        let parser = XMLParser(data: Data(xml.utf8))
        parser.delegate = probe
        if !parser.parse() && probe.error == nil {
            probe.error = parser.parserError.map { "\($0)" } ?? "parse failed"
        }
        return probe
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
        elements.append(elementName)
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) {
        if error == nil { error = "line \(parser.lineNumber), column \(parser.columnNumber): \(parseError)" }
    }
}

final class ChartsTests: XCTestCase {
    private func sample(title: String = "Throughput") -> LineChart {
        LineChart(
            title: title,
            xAxis: Axis(label: "systems", scale: .log2),
            yAxis: Axis(label: "samples/s", min: 0),
            series: [
                Series(name: "GPT-3 XL", points: [(1, 101.5), (2, 199), (4, 391.25), (8, 760), (16, 1480)]),
                Series(name: "GPT-3 XL ideal", points: [(1, 101.5), (16, 1624)], style: .dashed, colorIndex: 0),
                Series(name: "GPT-J", points: [(1, 40), (2, 80), (4, .nan), (8, 300), (16, .infinity)], style: .step),
                Series(name: "published", points: [(4, 380), (16, 1500)], style: .markers),
            ])
    }

    func testWellFormedAndDeterministic() {
        let chart = sample()
        let a = chart.svg(), b = chart.svg()
        XCTAssertEqual(a, b)
        XCTAssertEqual(Data(a.utf8), Data(sample().svg().utf8))
        let probe = XMLProbe.parse(a)
        XCTAssertNil(probe.error)
        XCTAssertEqual(probe.elements.first, "svg")
        XCTAssertTrue(probe.elements.contains("clipPath"))
        XCTAssertEqual(probe.elements.filter { $0 == "path" }.count, 3)
        XCTAssertEqual(probe.elements.filter { $0 == "circle" }.count, 4)  // 2 markers, a lone point, a legend sample
        for s in ["GPT-3 XL ideal", "GPT-J", "published", "systems", "samples/s", "Throughput"] {
            XCTAssertTrue(probe.text.contains(s), s)
        }
        XCTAssertFalse(a.contains("nan") || a.contains("inf"))
        XCTAssertTrue(a.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\""))
    }

    func testEscaping() {
        let nasty = "a & b < c > d \"e\" 'f'\u{1}"
        var chart = sample(title: nasty)
        chart.series[0].name = nasty
        chart.xAxis.label = nasty
        let svg = chart.svg()
        XCTAssertTrue(svg.contains("a &amp; b &lt; c &gt; d &quot;e&quot; &apos;f&apos;"))
        XCTAssertFalse(svg.contains("a & b"))
        XCTAssertFalse(svg.contains("\u{1}"))
        let probe = XMLProbe.parse(svg)
        XCTAssertNil(probe.error)
        XCTAssertTrue(probe.text.contains("a & b < c > d \"e\" 'f'"))
    }

    func testLog2Ticks() {
        let xs: [Double] = [1, 2, 3, 5, 8, 16]
        XCTAssertEqual(Axis(label: "", scale: .log2).ticks(for: xs), [1, 2, 4, 8, 16])
        XCTAssertEqual(Axis(label: "", scale: .log2).ticks(for: Array(1...1024).map(Double.init), maxCount: 6),
                       [1, 4, 16, 64, 256, 1024])
        XCTAssertEqual(Axis(label: "", scale: .log10).ticks(for: [3, 4500]), [1, 10, 100, 1000, 10000])
        let svg = LineChart(title: "t", xAxis: Axis(label: "systems", scale: .log2), yAxis: Axis(label: "y"),
                            series: [Series(name: "s", points: (0...4).map { (Double(1 << $0), Double($0)) })]).svg()
        for label in ["1", "2", "4", "8", "16"] { XCTAssertTrue(svg.contains(">\(label)</text>"), label) }
        XCTAssertFalse(svg.contains(">32</text>"))
        XCTAssertFalse(svg.contains(">0.5</text>"))
    }

    func testLinearTicks() {
        XCTAssertEqual(Axis(label: "").ticks(for: [0, 0.93], maxCount: 6), [0, 0.2, 0.4, 0.6, 0.8, 1])
        XCTAssertEqual(Axis(label: "").ticks(for: [3, 97]), [0, 20, 40, 60, 80, 100])
        XCTAssertEqual(Axis(label: "", min: 0, max: 1).ticks(for: [5]), [0, 0.2, 0.4, 0.6, 0.8, 1])
        XCTAssertEqual(Axis(label: "").ticks(for: []), [0, 0.2, 0.4, 0.6, 0.8, 1])
        let svg = LineChart(title: "t", xAxis: Axis(label: "x"), yAxis: Axis(label: "y"),
                            series: [Series(name: "s", points: [(0, 0), (1, 2_500_000)])]).svg()
        XCTAssertTrue(svg.contains(">2.5M</text>"))
    }

    func testEmptyChartsRender() {
        let empty = LineChart(title: "Nothing yet", xAxis: Axis(label: "x", scale: .log2), yAxis: Axis(label: "y"),
                              series: [Series(name: "none", points: []), Series(name: "bad", points: [(.nan, 1), (-1, 2)])])
        let svg = empty.svg()
        XCTAssertNil(XMLProbe.parse(svg).error)
        XCTAssertTrue(svg.contains(">no data</text>"))
        XCTAssertTrue(svg.contains("none (no data)"))
        XCTAssertFalse(svg.contains("<path"))
        let bare = LineChart(title: "", xAxis: Axis(label: ""), yAxis: Axis(label: ""), series: []).svg()
        XCTAssertNil(XMLProbe.parse(bare).error)
        XCTAssertTrue(bare.contains(">no data</text>"))
    }

    func testCDF() {
        let c = LineChart.cdf([3, 1, .nan, 3, 2])
        XCTAssertEqual(c.map(\.x), [1, 1, 2, 2, 3, 3])
        XCTAssertEqual(c.map(\.y), [0, 0.25, 0.25, 0.5, 0.5, 1])
        XCTAssertTrue(LineChart.cdf([]).isEmpty)
        XCTAssertTrue(LineChart.cdf([.infinity]).isEmpty)
    }

    func testClipsAndBreaksLines() {
        let chart = LineChart(title: "clip", xAxis: Axis(label: "x", min: 0, max: 10), yAxis: Axis(label: "y", min: 0, max: 1),
                              series: [Series(name: "s", points: [(0, 0), (5, 100), (.nan, 1), (7, 0.5), (8, 0.6)])])
        let svg = chart.svg()
        XCTAssertTrue(svg.contains("clip-path=\"url(#plot-area)\""))
        let path = svg.split(separator: "\n").first { $0.hasPrefix("<path") }.map(String.init) ?? ""
        XCTAssertEqual(path.components(separatedBy: "M").count - 1, 2, path)  // broken at the NaN
    }

    /// Proves the output renders: rsvg-convert must turn it into a PNG.
    func testRendersWithRsvgConvert() throws {
        let candidates = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
            + ["/usr/bin", "/usr/local/bin", "/opt/homebrew/bin"]
        guard let tool = candidates.map({ $0 + "/rsvg-convert" }).first(where: { FileManager.default.isExecutableFile(atPath: $0) })
        else {
            XCTFail("rsvg-convert not found: run scripts/install-deps (it installs librsvg2-bin)")
            return
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("charts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let charts = [sample(), LineChart(title: "empty", xAxis: Axis(label: "x"), yAxis: Axis(label: "y"), series: [])]
        for (i, chart) in charts.enumerated() {
            let svg = dir.appendingPathComponent("in\(i).svg"), png = dir.appendingPathComponent("out\(i).png")
            try Data(chart.svg().utf8).write(to: svg)
            let p = Process()
            p.executableURL = URL(fileURLWithPath: tool)
            p.arguments = ["-o", png.path, svg.path]
            let errors = Pipe()
            p.standardError = errors
            try p.run()
            let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            XCTAssertEqual(p.terminationStatus, 0, message)
            let data = (try? Data(contentsOf: png)) ?? Data()
            XCTAssertEqual(Array(data.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "not a PNG")
        }
    }

    /// Issue 10: shortening a 100,000-character label is linear, and gives what the quadratic
    /// version gave (the longest prefix that fits with the ellipsis).
    func testFittedIsLinearAndKeepsTheLongestFittingPrefix() {
        let long = String(repeating: "n", count: 100_000)
        let fitted = SVGText.fitted(long, maxWidth: 300, fontSize: 12)
        XCTAssert(fitted.hasSuffix("…"))
        XCTAssertLessThanOrEqual(SVGText.width(fitted, fontSize: 12), 300)
        XCTAssertGreaterThan(SVGText.width(String(fitted.dropLast()) + "n…", fontSize: 12), 300)
        XCTAssertEqual(SVGText.fitted("short", maxWidth: 300, fontSize: 12), "short")
        XCTAssertEqual(SVGText.fitted("WWWW", maxWidth: 1, fontSize: 12), "…")
    }

    /// Issue 10: values at the ends of the Double range never trap an axis (5e-324 h raised SIGILL).
    func testAxesTakeExtremeValues() {
        let extremes: [Double] = [5e-324, 1e-320, 2.2250738585072014e-308, 1e-300, 1, 1e300, 1.7976931348623157e308]
        for scale in [Axis.Scale.linear, .log2, .log10] {
            for a in extremes {
                for b in extremes + [-1.7976931348623157e308, 0] {
                    let layout = AxisLayout(axis: Axis(label: "x", scale: scale), values: [a, b], maxTicks: 6)
                    XCTAssertEqual(layout.ticks.count, layout.labels.count)
                    XCTAssert(layout.lower <= layout.upper, "\(scale) \(a) \(b)")
                }
            }
        }
    }
}
