import Foundation
import XCTest

/// The command line's report, event counts, progress bar and SWF conversion, run as a user would.
final class CommandLineReportTests: XCTestCase {
    let root = CommandLineTests.root

    func binary() throws -> String { try CLIHarness.binary().path }

    func run(_ exe: String, _ args: [String], env: [String: String] = [:]) throws -> (status: Int32, out: String, err: String) {
        try CLIHarness.run(args, executable: URL(fileURLWithPath: exe), environment: env)
    }

    func tempDir() throws -> String {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("asim-cli-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }

    func testSharedClusterRunCountsItsEventsWritesTheReportAndKeepsStderrClean() throws {
        let b = try binary(), d = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: d) }
        try MultitenantTests.scenario.write(toFile: d + "/mt.json", atomically: true, encoding: .utf8)
        let r = try run(b, ["run", d + "/mt.json", "--out", d + "/o"], env: ["ANDROMEDA_SIM_PROGRESS_AFTER": "0"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(r.err, "", "stderr is not a terminal: no progress bar")
        let timing = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: d + "/o/timing.json")))
            as? [String: Any])
        let cluster = try XCTUnwrap(timing["cluster_events"] as? Int), probes = try XCTUnwrap(timing["contention_probe_events"] as? Int)
        let scaling = try XCTUnwrap(timing["scaling_events"] as? Int), events = try XCTUnwrap(timing["events"] as? Int)
        XCTAssertGreaterThan(cluster, 0)
        XCTAssertEqual(events, scaling + cluster + probes)
        XCTAssert(r.out.contains(" \(events) events (cluster \(cluster), contention probes \(probes))"), r.out)
        XCTAssertFalse(r.out.contains(" 0 events"), r.out)
        XCTAssert(FileManager.default.fileExists(atPath: d + "/o/report.html"))
    }

    func testProgressBarOnATerminalOnly() throws {
        let b = try binary(), d = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: d) }
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else { throw XCTSkip("script(1) is missing") }
        try MultitenantTests.scenario.write(toFile: d + "/mt.json", atomically: true, encoding: .utf8)
        // script(1) gives the command a terminal; its stdout goes to a file, stderr to the terminal.
        let command = "'\(b)' run '\(d)/mt.json' --out '\(d)/o' > '\(d)/stdout.txt'"
        let r = try run("/usr/bin/script", ["-qec", command, "/dev/null"], env: ["ANDROMEDA_SIM_PROGRESS_AFTER": "0"])
        XCTAssertEqual(r.status, 0, r.out + r.err)
        XCTAssert(r.out.contains("run mt-small [") || r.out.contains("ETA"), "no bar on the terminal: \(r.out)")
        XCTAssert(r.out.contains("%  ETA "), r.out)
        let stdout = try String(contentsOfFile: d + "/stdout.txt", encoding: .utf8)
        XCTAssertFalse(stdout.contains("ETA") || stdout.contains("\r"), "the bar goes to stderr only")
    }

    func testConvertSWF() throws {
        let b = try binary(), d = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: d) }
        let good = "; SWF\n1 0 0 3600 64 -1 -1 64 -1 -1 1 1 1 1 1 -1 -1 -1\n2 60 0 60 1 -1 -1 1 -1 -1 5 2 1 1 1 -1 -1 -1\n"
        try good.write(toFile: d + "/a.swf", atomically: true, encoding: .utf8)
        let r = try run(b, ["convert-swf", d + "/a.swf", "--out", d + "/a.csv"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssert(r.out.contains("1 jobs"), r.out)
        XCTAssert(try String(contentsOfFile: d + "/a.csv", encoding: .utf8).hasPrefix("job_id,user,submit_s,model,systems"))
        try (good + "3 70 0 60 x -1 -1 1 -1 -1 1 2 1 1 1 -1 -1 -1\n").write(toFile: d + "/b.swf", atomically: true, encoding: .utf8)
        let bad = try run(b, ["convert-swf", d + "/b.swf", "--out", d + "/b.csv"])
        XCTAssertEqual(bad.status, 2)
        XCTAssert(bad.err.contains("b.swf line 4, field 5 (allocated processors)"), bad.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: d + "/b.csv"))
        XCTAssertEqual(try run(b, ["convert-swf", d + "/missing.swf", "--out", d + "/c.csv"]).status, 2)
        XCTAssertEqual(try run(b, ["convert-swf", d + "/a.swf", "--out", d + "/c.csv", "--processors-per-system", "0"]).status, 2)
    }
}
