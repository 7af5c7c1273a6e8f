import AndromedaSim
import Charts
import Foundation
import TextEscaping
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
        try RunOutputs(results).write(to: dir.path)
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

    /// validation.html (validate --out): the leave-one-out table first, the parity plot drawn,
    /// every row and the constants, in a real browser.
    func testValidationPageInBrowser() throws {
        let browser = try chromium()
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("asim-validation-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: d) }
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        try ValidationPage.write(try Validation.evaluate(), to: d.path)
        let page = d.appendingPathComponent("validation.html").path
        let dom = try browse(browser, ["--dump-dom"], page, home: d.path)
        for text in ["id=\"loo-table\"", "id=\"parity\"", "<svg", "leave-one-out (P1-P11)", "in-sample fit (P1-P11)", "y = x", "+15 %",
                     "id=\"rows-table\"", "pass_overhead_s", "kernel_efficiency", "href=\"validation.csv\"", "<td>P11</td>"] {
            XCTAssert(dom.contains(text), "validation.html: the DOM lacks \(text)")
        }
        let loo = try XCTUnwrap(dom.range(of: "id=\"loo-table\"")), rows = try XCTUnwrap(dom.range(of: "id=\"rows-table\""))
        XCTAssertLessThan(loo.lowerBound, rows.lowerBound, "the leave-one-out table comes first")
        let png = d.appendingPathComponent("shot.png").path
        _ = try browse(browser, ["--window-size=1200,1600", "--screenshot=\(png)"], page, home: d.path)
        let image = try PNGPixels(try Data(contentsOf: URL(fileURLWithPath: png)))
        XCTAssertGreaterThan(image.distinctColors, 50, "the screenshot looks blank")
    }

    /// Strings a hostile user might write: a script, an event handler breaking out of the style
    /// sheet, a `javascript:` URL, quotes, a reference the SVG inliner must not touch, and a
    /// right-to-left override.
    static let hostile = [
        "<script>document.title='PWNED'</script>",
        "</style><img src=x onerror=\"document.body.setAttribute('data-pwned','1')\">",
        "javascript:alert(1)",
        "\"q\" 'a' url(#x) \u{202E}gnp.exe",
    ]

    /// Feeds the hostile strings through every user-controlled string of a run (description,
    /// model names, published sources, users, job ids, the trace paths) into report.html and
    /// the sweep's page, and reads the DOM chromium built: nothing ran, nothing became a link,
    /// every string is there as text.
    func testHostileStringsStayTextInEveryPage() throws {
        let browser = try chromium()
        let cli = try CLIHarness()
        let h = Self.hostile
        func json(_ s: String) -> String { JSONText.quoted(s) }
        func csv(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        // Names refuse bidirectional controls (a test of its own); free text keeps them.
        let names = h.map { $0.replacingOccurrences(of: "\u{202E}", with: "") }
        let models = names.enumerated().map { k, name in
            "{\"name\": \(json("m\(k) " + name)), \"layers\": 2, \"d_model\": 256, \"heads\": 4, \"d_ffn\": 1024, \"vocabulary\": 1000, \"seq_len\": 512}"
        }
        let scaling = h.indices.map { k in
            "{\"model\": \(json("m\(k) " + names[k])), \"systems\": [1, 2], \"per_system_batch\": 8, \"stopping\": {\"rule\": \"steps\", \"steps\": 10}, "
                + "\"published\": [{\"systems\": 1, \"samples_per_s\": 100, \"source\": \(json(h[k]))}]}"
        }
        let rows = names.enumerated().map { k, s in "\(csv("j\(k)" + s)),\(csv("u\(k)" + s)),\(k * 10),cerebras-gpt-111m,1,32,1e5\n" }
        _ = try cli.write(CLIHarness.traceHeader + rows.joined(), "trace.csv")
        let scenario = try cli.write("""
            {"version": 1, "name": "hostile", "description": \(json(h.joined(separator: " "))), "seed": 1,
             "models": [\(models.joined(separator: ", "))], "scaling": [\(scaling.joined(separator: ", "))],
             "multitenant": {"policies": ["fifo", "easy-backfill"], "trace": "trace.csv"}}
            """, "hostile.json")
        let out = cli.scratch.appendingPathComponent("o").path
        let r = try cli.run(["run", scenario.path, "--out", out, "--trace", out + "/" + h[0] + ".json", "--quiet"])
        XCTAssertEqual(r.status, 0, r.err)
        let sweepOut = cli.scratch.appendingPathComponent("s").path
        let sw = try cli.run(["sweep", scenario.path, "--param", "seed=1,2", "--out", sweepOut, "--quiet", "--workers", "1"])
        XCTAssertEqual(sw.status, 0, sw.err)
        for page in [out + "/report.html", sweepOut + "/report.html"] {
            let dom = try browse(browser, ["--dump-dom"], page, home: cli.scratch.path)
            XCTAssert(dom.contains("</html>"), "\(page): no DOM")
            XCTAssertFalse(dom.contains("data-pwned=\"1\""), "\(page): an event handler ran")
            XCTAssertFalse(dom.contains("<title>PWNED"), "\(page): a script ran")
            XCTAssertFalse(dom.contains("<script"), "\(page): a script element")
            XCTAssertFalse(dom.contains("<img"), "\(page): an injected element")
            XCTAssertFalse(dom.contains("\u{202E}"), "\(page): a bidirectional override")
            let hrefs = dom.components(separatedBy: "href=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
            for href in hrefs { XCTAssertFalse(href.contains(":") || href.hasPrefix("/") || href.contains(".."), "\(page): link \(href)") }
        }
        let dom = try browse(browser, ["--dump-dom"], out + "/report.html", home: cli.scratch.path)
        for text in ["&lt;script&gt;document.title='PWNED'&lt;/script&gt;", "javascript:alert(1)", "url(#x)", "u1&lt;/style&gt;&lt;img"] {
            XCTAssert(dom.contains(text), "report.html lacks the text \(text)")
        }
        XCTAssertFalse(dom.contains("url(#s0-x)") || dom.contains("url(#c0-x)"), "the SVG inliner rewrote a name")
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
