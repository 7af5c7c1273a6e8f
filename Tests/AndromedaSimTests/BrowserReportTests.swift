import AndromedaSim
import Charts
import Foundation
import XCTest

/// Opens the reports of genslm and andromeda-multitenant in a real browser (Debian's chromium,
/// headless): the DOM must hold the tables with the published and simulated figures, and a
/// screenshot must not be blank. scripts/test installs chromium and sets
/// ANDROMEDA_REQUIRE_BROWSER=1, so there a missing browser is a failure, never a skip.
final class BrowserReportTests: XCTestCase {
    func chromium() throws -> String {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") + ["/usr/bin"] {
            for name in ["chromium", "chromium-browser"] where FileManager.default.isExecutableFile(atPath: "\(dir)/\(name)") {
                return "\(dir)/\(name)"
            }
        }
        if ProcessInfo.processInfo.environment["ANDROMEDA_REQUIRE_BROWSER"] == "1" {
            XCTFail("chromium is not installed (scripts/test installs Debian's chromium; the browser test must not be skipped)")
        }
        throw XCTSkip("chromium is not installed (scripts/test installs it)")
    }

    /// Runs chromium headless on `page` with `args`; returns its standard output.
    func browse(_ browser: String, _ args: [String], _ page: String, home: String) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: browser)
        p.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                       "--user-data-dir=\(home)/profile", "--hide-scrollbars"] + args + ["file://" + page]
        var env = ProcessInfo.processInfo.environment
        env["HOME"] = home
        p.environment = env
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, "chromium \(args.joined(separator: " ")) \(page)")
        return String(decoding: data, as: UTF8.self)
    }

    func report(_ name: String, into dir: URL) throws -> String {
        let results = try Andromeda.run(try Andromeda.load(name))
        try ScalingOutputs.write(results.scaling, policies: results.policies, to: dir.path)
        return dir.appendingPathComponent("report.html").path
    }

    func check(_ scenario: String, expect: [String]) throws {
        let browser = try chromium()
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("asim-browser-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: d) }
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        let page = try report(scenario, into: d.appendingPathComponent("out"))
        let dom = try browse(browser, ["--dump-dom"], page, home: d.path)
        for text in expect { XCTAssert(dom.contains(text), "\(scenario): the browser's DOM lacks \(text)") }
        let png = d.appendingPathComponent("shot.png").path
        _ = try browse(browser, ["--window-size=1200,1600", "--screenshot=\(png)"], page, home: d.path)
        let image = try PNGPixels(try Data(contentsOf: URL(fileURLWithPath: png)))
        XCTAssertEqual(image.width, 1200)
        // A blank page has one colour; text, tables and the charts' palette give hundreds.
        XCTAssertGreaterThan(image.distinctColors, 50, "\(scenario): the screenshot looks blank")
        XCTAssertGreaterThan(image.inkFraction, 0.02, "\(scenario): the screenshot is almost all white")
    }

    func testGenSLMReportInBrowser() throws {
        // The scaling table: the published 4.1 h and 15.6 h beside the simulated times.
        try check("genslm", expect: ["id=\"scaling-table\"", "published time (h)", "<td class=\"num\">4.10</td>",
                                     "<td class=\"num\">15.60</td>", "<td class=\"num\">10.40</td>", "time error",
                                     "<svg", "throughput.svg"])
    }

    func testMultitenantReportInBrowser() throws {
        try check("andromeda-multitenant", expect: ["id=\"policies-table\"", "id=\"users-table\"", "easy-backfill",
                                                    "priority-preempt", "mean_wait_h", "one panel per policy",
                                                    "fifo/jobs.csv", "policies.csv", "wait_cdf.svg"])
    }
}

/// The PNG reader the browser test relies on, checked on images rsvg-convert draws.
final class PNGPixelsTests: XCTestCase {
    func render(_ svg: String) throws -> PNGPixels {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("asim-png-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: d) }
        try svg.write(to: d.appendingPathComponent("a.svg"), atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/rsvg-convert")
        guard FileManager.default.isExecutableFile(atPath: p.executableURL!.path) else { throw XCTSkip("rsvg-convert missing") }
        p.arguments = [d.appendingPathComponent("a.svg").path, "-o", d.appendingPathComponent("a.png").path]
        try p.run()
        p.waitUntilExit()
        return try PNGPixels(try Data(contentsOf: d.appendingPathComponent("a.png")))
    }

    func testBlankAndDrawnImages() throws {
        let blank = try render("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"300\" height=\"200\"><rect width=\"300\" height=\"200\" fill=\"#FFFFFF\"/></svg>")
        XCTAssertEqual(blank.width, 300)
        XCTAssertEqual(blank.height, 200)
        XCTAssertEqual(blank.distinctColors, 1)
        XCTAssertEqual(blank.inkFraction, 0)
        let chart = try render(LineChart(title: "t", xAxis: Axis(label: "x"), yAxis: Axis(label: "y"),
                                         series: [Series(name: "a", points: [(0, 0), (1, 1)]),
                                                  Series(name: "b", points: [(0, 1), (1, 0)])]).svg())
        XCTAssertGreaterThan(chart.distinctColors, 20)
        XCTAssertGreaterThan(chart.inkFraction, 0.01)
        XCTAssertThrowsError(try PNGPixels(Data("not a png".utf8)))
    }
}
