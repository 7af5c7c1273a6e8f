import AndromedaSim
import Foundation
import Reports
import XCTest

/// Issue 22, item 2: an output path never names the scenario, the trace it reads or a file the
/// run writes (compared by file identity, not spelling), and an input is never inside an output
/// folder; each is refused with exit 2 before anything is written.
final class OutputAliasTests: XCTestCase {
    var cli: CLIHarness!

    override func setUpWithError() throws { cli = try CLIHarness() }
    override func tearDown() { cli = nil }

    func path(_ name: String) -> String { cli.scratch.appendingPathComponent(name).path }
    func bytes(_ p: String) -> Data? { FileManager.default.contents(atPath: p) }

    func testTraceNamingTheScenarioOrItsTraceIsRefusedUnderEverySpelling() throws {
        let scenario = try cli.traceScenario("j1,alice,0,genslm-123m,1,32,1e5\n")
        let s = scenario.path, t = path("trace.csv")
        try FileManager.default.createSymbolicLink(atPath: path("alias.json"), withDestinationPath: s)
        try FileManager.default.createDirectory(atPath: path("sub"), withIntermediateDirectories: true)
        try FileManager.default.linkItem(atPath: t, toPath: path("hard.csv"))
        let before = (bytes(s), bytes(t))
        for trace in [s, "t.json", "./sub/../t.json", "alias.json", path("alias.json"), "trace.csv", "hard.csv", "sub/../trace.csv"] {
            try cli.refused(["run", "t.json", "--out", "o", "--quiet", "--trace", trace], "--trace", "would be overwritten",
                            cwd: cli.scratch)
        }
        XCTAssertEqual(before.0, bytes(s))
        XCTAssertEqual(before.1, bytes(t))
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("o")), "nothing is written before the refusal")
    }

    func testTraceOverAFileTheRunWritesIsRefusedAndOneBesideThemWorks() throws {
        let scenario = try cli.traceScenario("j1,alice,0,genslm-123m,1,32,1e5\n")
        XCTAssertEqual(try cli.run(["run", scenario.path, "--out", "o", "--quiet"], cwd: cli.scratch).status, 0)
        let summary = bytes(path("o/summary.json"))
        try FileManager.default.createSymbolicLink(atPath: path("olink"), withDestinationPath: path("o"))
        for name in ["o/summary.json", "o/report.html", "olink/report.html", "o/fifo", "o/fifo/jobs.csv", "o/" + OutputMarker.file, "o"] {
            try cli.refused(["run", "t.json", "--out", "o", "--quiet", "--trace", name], "--trace", cwd: cli.scratch)
        }
        XCTAssertEqual(summary, bytes(path("o/summary.json")))
        let r = try cli.run(["run", "t.json", "--out", "o", "--quiet", "--trace", "olink/trace.json"], cwd: cli.scratch)
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertFalse(String(decoding: bytes(path("o/summary.json")) ?? Data(), as: UTF8.self).contains("traceEvents"))
        XCTAssert(String(decoding: bytes(path("o/trace.json")) ?? Data(), as: UTF8.self).contains("traceEvents"))
    }

    /// Every file a run writes at the top of its folder is among the names a trace may not take.
    func testTheReservedNamesCoverEveryFileARunWrites() throws {
        // The multitenant scenario (every policy, fewer jobs) with genslm's scaling experiments.
        func object(_ name: String) throws -> [String: Any] {
            let data = try Data(contentsOf: CLIHarness.root.appendingPathComponent("Scenarios/\(name).json"))
            return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        }
        var doc = try object("andromeda-multitenant")
        var mt = try XCTUnwrap(doc["multitenant"] as? [String: Any])
        var gen = try XCTUnwrap(mt["generate"] as? [String: Any])
        gen["jobs"] = 20
        mt["generate"] = gen
        doc["multitenant"] = mt
        doc["scaling"] = try object("genslm")["scaling"]
        let scenario = cli.scratch.appendingPathComponent("every.json")
        try JSONSerialization.data(withJSONObject: doc).write(to: scenario)
        let r = try cli.run(["run", scenario.path, "--out", path("e"), "--quiet"])
        XCTAssertEqual(r.status, 0, r.err)
        let written = try FileManager.default.contentsOfDirectory(atPath: path("e"))
        XCTAssertGreaterThan(written.count, 10)
        for name in written { XCTAssert(OutputSafety.runNames.contains(name), "\(name) is written but not reserved") }
    }

    func testAnOutputFolderHoldingAnInputIsRefused() throws {
        try FileManager.default.createDirectory(atPath: path("d"), withIntermediateDirectories: true)
        let text = try String(contentsOf: CLIHarness.root.appendingPathComponent("Scenarios/genslm.json"), encoding: .utf8)
        try text.write(toFile: path("d/s.json"), atomically: true, encoding: .utf8)
        try OutputMarker.text(.run).write(toFile: path("d/" + OutputMarker.file), atomically: true, encoding: .utf8)
        try cli.refused(["run", path("d/s.json"), "--out", path("d"), "--quiet"], "holds the scenario")
        try cli.refused(["sweep", path("d/s.json"), "--param", "seed=1,2", "--out", path("d"), "--quiet"], "holds the scenario")
        XCTAssertEqual(bytes(path("d/s.json")), Data(text.utf8))
        // The trace of a multitenant scenario inside the output folder, reached through a link.
        _ = try cli.traceScenario("j1,alice,0,genslm-123m,1,32,1e5\n")
        try FileManager.default.createSymbolicLink(atPath: path("here"), withDestinationPath: cli.scratch.path)
        try cli.refused(["run", "t.json", "--out", "here", "--quiet"], cwd: cli.scratch)
    }

    func testConvertersNeverWriteOverTheirInput() throws {
        let log = try cli.write("1 0 0 3600 64 -1 -1 64 3600 -1 1 1 -1 -1 -1 -1 -1 -1\n", "log.swf")
        try FileManager.default.createSymbolicLink(atPath: path("l.swf"), withDestinationPath: log.path)
        let before = bytes(log.path)
        for out in ["log.swf", "./log.swf", "l.swf"] {
            try cli.refused(["convert-swf", "log.swf", "--out", out], "--out", "would be overwritten", cwd: cli.scratch)
        }
        let philly = try cli.write("jobid,user,submitted_time,num_gpus,duration_s\na,u,2017-10-03 10:00:00,8,3600\n", "p.csv")
        try cli.refused(["convert-philly", "p.csv", "--out", philly.path], "would be overwritten", cwd: cli.scratch)
        XCTAssertEqual(before, bytes(log.path))
    }
}
