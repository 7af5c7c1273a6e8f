import AndromedaSim
import Charts
import Foundation
import Reports
import XCTest

/// Issue 21, items 1 and 2: the program never clears a folder it did not create, never reuses a
/// run's folder for a sweep (or the reverse), leaves no lock or staging behind, and no string a
/// user wrote becomes a link, a script or a rewritten reference.
final class UserFilesSafetyTests: XCTestCase {
    var cli: CLIHarness!

    override func setUpWithError() throws { cli = try CLIHarness() }
    override func tearDown() { cli = nil }

    var scratch: URL { cli.scratch }
    func path(_ name: String) -> String { scratch.appendingPathComponent(name).path }
    func names(_ folder: String) -> [String] { ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted() }
    /// Locks, staging and old folders anywhere under the scratch folder.
    func leftovers() -> [String] {
        let all = FileManager.default.enumerator(atPath: scratch.path)?.allObjects as? [String] ?? []
        return all.filter { $0.hasSuffix(".lock") || $0.contains(".staging-") || $0.contains(".old-") || $0.hasSuffix(".tmp") }
    }

    func testAFolderHoldingASummaryJSONIsNeverCleared() throws {
        let user = path("mine")
        try FileManager.default.createDirectory(atPath: user, withIntermediateDirectories: true)
        try "{}".write(toFile: user + "/summary.json", atomically: true, encoding: .utf8)
        try "keep".write(toFile: user + "/thesis.tex", atomically: true, encoding: .utf8)
        try cli.refused(["run", "genslm", "--out", user, "--quiet"], "not created by andromeda-sim", "nothing in it is touched")
        try cli.refused(["sweep", "genslm", "--param", "systems=1", "--out", user, "--quiet"], "not created by andromeda-sim")
        XCTAssertEqual(names(user), ["summary.json", "thesis.tex"])
        XCTAssertEqual(leftovers(), [])
    }

    func testTheWorkingFolderAndItsAncestorsAreRefused() throws {
        let here = scratch.appendingPathComponent("work/deeper")
        try FileManager.default.createDirectory(at: here, withIntermediateDirectories: true)
        try "keep".write(to: here.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        // Even a folder that looks like a run's output is refused when it is the working folder.
        try OutputMarker.text(.run).write(to: here.appendingPathComponent(OutputMarker.file), atomically: true, encoding: .utf8)
        for out in [".", "./", "..", here.path, scratch.path + "/work", "../deeper"] {
            try cli.refused(["run", "genslm", "--out", out, "--quiet"], cwd: here)
        }
        XCTAssert(FileManager.default.fileExists(atPath: here.appendingPathComponent("notes.txt").path))
        XCTAssertEqual(leftovers(), [])
    }

    func testARunAndASweepNeverShareAFolder() throws {
        let run = path("r"), sweep = path("s")
        XCTAssertEqual(try cli.run(["run", "genslm", "--out", run, "--quiet"]).status, 0)
        XCTAssertEqual(OutputMarker.kind(of: run), .run)
        let before = try Data(contentsOf: URL(fileURLWithPath: run + "/report.html"))
        try cli.refused(["sweep", "genslm", "--param", "systems=1", "--out", run, "--quiet"], "holds a run's outputs")
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: run + "/report.html")), before)
        let r = try cli.run(["sweep", "genslm", "--param", "systems=1", "--out", sweep, "--quiet", "--workers", "1"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(OutputMarker.kind(of: sweep), .sweep)
        try cli.refused(["run", "genslm", "--out", sweep, "--quiet"], "holds a sweep's outputs")
        try cli.refused(["merge", "--out", run, sweep], "holds a run's outputs")
        // A foreign folder with a report.html of its own is not a sweep's.
        let foreign = path("f")
        try FileManager.default.createDirectory(atPath: foreign, withIntermediateDirectories: true)
        try "<p>mine</p>".write(toFile: foreign + "/report.html", atomically: true, encoding: .utf8)
        try cli.refused(["sweep", "genslm", "--param", "systems=1", "--out", foreign, "--quiet"], "not created by andromeda-sim")
        XCTAssertEqual(try String(contentsOfFile: foreign + "/report.html", encoding: .utf8), "<p>mine</p>")
        // A run replaces its own earlier output.
        XCTAssertEqual(try cli.run(["run", "genslm-2to4", "--out", run, "--quiet"]).status, 0)
        XCTAssertEqual(leftovers(), [])
    }

    /// A run's folder is replaced as a whole by the next run into it, so no output folder may be
    /// made inside it (the two runs would mix, and the inner one would go with the outer); a
    /// sweep's folder holds its shards' folders by design.
    func testNoOutputFolderIsMadeInsideARunsFolder() throws {
        let run = path("outer")
        XCTAssertEqual(try cli.run(["run", "genslm-2to4", "--out", run, "--quiet"]).status, 0)
        let before = try FileManager.default.contentsOfDirectory(atPath: run).sorted()
        try cli.refused(["run", "genslm-2to4", "--out", run + "/inner", "--quiet"], "is inside", "replaces as a whole")
        try cli.refused(["sweep", "genslm-2to4", "--param", "systems=1", "--out", run + "/sw", "--quiet"], "is inside")
        try cli.refused(["validate", "--out", run + "/deeper/v"], "is inside")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: run).sorted(), before)
        let sweep = path("sweep")
        let r = try cli.run(["sweep", "genslm-2to4", "--param", "systems=1,2", "--slurm", "2", "--out", sweep])
        XCTAssertEqual(r.status, 0, r.err)
        let shard = try cli.run(["sweep", "genslm-2to4", "--param", "systems=1,2", "--shard", "0/2", "--out", sweep + "/shards/0", "--quiet",
                                 "--workers", "1"])
        XCTAssertEqual(shard.status, 0, shard.err)
    }

    func testNoLockOrStagingIsLeftOnAnyExit() throws {
        let out = path("o")
        XCTAssertEqual(try cli.run(["run", "genslm", "--out", out, "--quiet"]).status, 0)
        // Refused late (at simulation time, after the folder was locked and staged).
        let s = try cli.genslm("\"seed\": 42", "\"seed\": 42, \"cluster\": {\"memoryx\": {\"capacity_bytes\": 1e6}}")
        XCTAssertEqual(try cli.run(["run", s.path, "--out", out]).status, 2)
        // A trace under a file the run writes: refused before anything is written (issue 22).
        XCTAssertEqual(try cli.run(["run", "genslm", "--out", out, "--trace", out + "/scaling.csv/t.json", "--quiet"]).status, 2)
        // Cannot write (a file-size limit, as a full disk).
        let exe = try CLIHarness.binary().path
        XCTAssertEqual(try CLIHarness.run(["-c", "trap '' XFSZ; ulimit -f 16; exec \"$0\" \"$@\"", exe, "run", "genslm", "--out", out, "--quiet"],
                                          executable: URL(fileURLWithPath: "/bin/sh")).status, 1)
        XCTAssertEqual(try cli.run(["sweep", "genslm", "--param", "systems=1,2", "--out", path("s"), "--quiet"]).status, 0)
        XCTAssertEqual(leftovers(), [])
        // A lock file left by a killed writer is taken over and removed.
        try OutputLock.signature.write(toFile: path(".o.lock"), atomically: true, encoding: .utf8)
        XCTAssertEqual(try cli.run(["run", "genslm", "--out", out, "--quiet"]).status, 0)
        XCTAssertEqual(leftovers(), [])
    }

    func testALockIsReleasedAndRemovedAndMeetsEverySpellingOfTheFolder() throws {
        let out = path("o")
        try FileManager.default.createSymbolicLink(atPath: path("link"), withDestinationPath: scratch.path)
        let lock = try OutputLock(out)
        XCTAssert(FileManager.default.fileExists(atPath: lock.lockFile))
        XCTAssertThrowsError(try OutputLock(path("link/o"))) { XCTAssert($0 is OutputRefused, "\($0)") }
        XCTAssertThrowsError(try OutputLock(path("./x/../o/"))) { XCTAssert($0 is OutputRefused, "\($0)") }
        lock.release()
        XCTAssertFalse(FileManager.default.fileExists(atPath: lock.lockFile))
        let again = try OutputLock(path("link/o"))
        again.release()
        XCTAssertEqual(leftovers(), [])
    }

    func testLongFolderNamesWorkOrAreRefusedBeforeWriting() throws {
        let long = String(repeating: "a", count: 250)
        let out = path(long)
        let r = try cli.run(["run", "genslm", "--out", out, "--quiet"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(try cli.run(["run", "genslm", "--out", out, "--quiet"]).status, 0)
        let s = try cli.run(["sweep", "genslm", "--param", "systems=1", "--out", path("s" + long), "--quiet"])
        XCTAssertEqual(s.status, 0, s.err)
        try cli.refused(["run", "genslm", "--out", path(String(repeating: "b", count: 256)), "--quiet"], "allowed range is 1 to 255")
        let deep = (0..<40).map { _ in String(repeating: "c", count: 100) }.joined(separator: "/")
        try cli.refused(["run", "genslm", "--out", path(deep), "--quiet"], "PATH_MAX")
        XCTAssertFalse(FileManager.default.fileExists(atPath: path(String(repeating: "c", count: 100))))
        XCTAssertEqual(leftovers(), [])
    }

    func testStagingOfADeadWriterIsRemovedButAFolderOfTheUsersIsNot() throws {
        let out = path("o")
        let stale = path(".o.staging-dead"), mine = path(".o.staging-mine")
        for d in [stale, mine] { try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true) }
        try OutputMarker.text(.run).write(toFile: stale + "/" + OutputMarker.file, atomically: true, encoding: .utf8)
        try "keep".write(toFile: mine + "/notes.txt", atomically: true, encoding: .utf8)
        XCTAssertEqual(try cli.run(["run", "genslm", "--out", out, "--quiet"]).status, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: stale))
        XCTAssert(FileManager.default.fileExists(atPath: mine + "/notes.txt"))
    }

    /// Every href of `html`: relative, percent-encoded, no scheme.
    func assertSafeLinks(_ html: String, file: StaticString = #filePath, line: UInt = #line) {
        let hrefs = html.components(separatedBy: "href=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
        XCTAssertFalse(hrefs.isEmpty, file: file, line: line)
        for h in hrefs {
            let ok = !h.isEmpty && !h.hasPrefix("/") && !h.contains("..")
                && h.unicodeScalars.allSatisfy { CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~%/#").contains($0) }
            XCTAssert(ok, "unsafe link \(h)", file: file, line: line)
        }
    }

    func testATracePathNeverBecomesAScriptLink() throws {
        let out = path("o")
        for trace in [out + "/javascript:alert(1)", out + "/<b>x</b> y&z.json", out + "/sub/data:text.json"] {
            let r = try cli.run(["run", "genslm", "--out", out, "--trace", trace, "--quiet"])
            XCTAssertEqual(r.status, 0, r.err)
            let html = try String(contentsOfFile: out + "/report.html", encoding: .utf8)
            assertSafeLinks(html)
            XCTAssertFalse(html.contains("javascript:alert(1)\""), html)
            XCTAssert(FileManager.default.fileExists(atPath: trace))
        }
        let html = try String(contentsOfFile: out + "/report.html", encoding: .utf8)
        XCTAssert(html.contains("href=\"sub/data%3Atext.json\""), html)
        // A trace outside the folder is named, not linked.
        let r = try cli.run(["run", "genslm", "--out", out, "--trace", path("elsewhere.json"), "--quiet"])
        XCTAssertEqual(r.status, 0, r.err)
        let page = try String(contentsOfFile: out + "/report.html", encoding: .utf8)
        XCTAssert(page.contains("<code>\(path("elsewhere.json"))</code>"), page)
        assertSafeLinks(page)
    }

    func testTheReplayedJobTraceIsShownNotLinked() throws {
        let s = try cli.traceScenario("j1,alice,0,cerebras-gpt-111m,1,32,1e5\n")
        let out = path("m")
        let r = try cli.run(["run", s.path, "--out", out, "--quiet"])
        XCTAssertEqual(r.status, 0, r.err)
        let html = try String(contentsOfFile: out + "/report.html", encoding: .utf8)
        XCTAssert(html.contains("/trace.csv</code>"), html)
        XCTAssertFalse(html.contains("trace.csv\"")); XCTAssertFalse(html.contains("href=\"/"))
        assertSafeLinks(html)
    }

    func testLocalLinksArePercentEncodedAndRelative() {
        XCTAssertEqual(HTMLPage.localHref("fifo/jobs.csv"), "fifo/jobs.csv")
        XCTAssertEqual(HTMLPage.localHref("javascript:alert(1)"), "javascript%3Aalert%281%29")
        XCTAssertEqual(HTMLPage.localHref("a b/\"c\".json"), "a%20b/%22c%22.json")
        XCTAssertEqual(HTMLPage.localHref("é"), "%C3%A9")
        for bad in ["", "/etc/passwd", "../x", "a/../b", "a//b", "./a", "a/", "x\u{0}y"] { XCTAssertNil(HTMLPage.localHref(bad), bad) }
        var page = HTMLPage(title: "t")
        page.links([(nil, "<i>elsewhere</i>", ""), ("//evil.example/x", "evil", "")], id: "l")
        let html = page.render()
        XCTAssert(html.contains("<li><code>&lt;i&gt;elsewhere&lt;/i&gt;</code></li>"), html)
        XCTAssert(html.contains("<li><code>evil</code></li>"), html)
        XCTAssertFalse(html.contains("href"))
    }

    func testTheSVGInlinerRewritesReferencesNeverText() {
        let svg = """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg"><defs><clipPath id="plot-area"><rect/></clipPath></defs>
            <g clip-path="url(#plot-area)"><use href="#plot-area"/></g>
            <text x="1" data-note="url(#keep)">model url(#x) href="#y" id="z"</text></svg>
            """
        let out = SVGEmbed.inline(svg, idPrefix: "s1-")
        XCTAssert(out.contains("<clipPath id=\"s1-plot-area\">"), out)
        XCTAssert(out.contains("clip-path=\"url(#s1-plot-area)\""), out)
        XCTAssert(out.contains("<use href=\"#s1-plot-area\"/>"), out)
        XCTAssert(out.contains(">model url(#x) href=\"#y\" id=\"z\"</text>"), out)
        XCTAssert(out.contains("data-note=\"url(#keep)\""), out)
        XCTAssertFalse(out.hasPrefix("<?xml"))
    }

    func testNamesWithControlCharactersOrOverLengthAreRefused() throws {
        let s = try cli.genslm("\"model\": \"genslm-123m\",", "\"model\": \"genslm-123m\", \"comment\": \"ok\\tfine\",")
        XCTAssertEqual(try cli.run(["run", s.path, "--out", path("ok"), "--quiet"]).status, 0)
        for (bad, needle) in [("\"users\": [{\"name\": \"a\\u0000b\"}]", "U+0000"), ("\"users\": [{\"name\": \"a\\rb\"}]", "U+000D"),
                              ("\"users\": [{\"name\": \"a\\u202Eb\"}]", "bidirectional"),
                              ("\"users\": [{\"name\": \"\(String(repeating: "u", count: 300))\"}]", "allowed range is 1 to 256")] {
            let f = try cli.write("{\"version\": 1, \"name\": \"t\", \"multitenant\": {\"policies\": [\"fifo\"], \(bad)}}", "bad.json")
            try cli.refused(["run", f.path, "--out", path("x"), "--quiet"], "bad.json", needle)
        }
        let t = try cli.traceScenario("j1,\"al\rice\",0,cerebras-gpt-111m,1,32,1e5\n")
        try cli.refused(["run", t.path, "--out", path("y"), "--quiet"], "U+000D")
        let long = try cli.traceScenario("j1,\(String(repeating: "u", count: 1_000_000)),0,cerebras-gpt-111m,1,32,1e5\n")
        try cli.refused(["run", long.path, "--out", path("z"), "--quiet"], "allowed range is 1 to 256")
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("x")))
    }
}
