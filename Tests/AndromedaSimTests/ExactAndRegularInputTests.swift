import AndromedaSim
import Foundation
import XCTest

/// Issue 22, items 5 and 6 (first part): integer fields refuse values that are not exactly
/// integers, through JSON and --param alike; only regular files are read as scenarios, traces,
/// logs and sweep manifests (a named pipe never blocks).
final class ExactAndRegularInputTests: XCTestCase {
    var cli: CLIHarness!

    override func setUpWithError() throws { cli = try CLIHarness() }
    override func tearDown() { cli = nil }

    func testIntegersAreNeverRounded() throws {
        for v in ["9007199254740993.0", "9007199254740992.5", "2.00000000000000001", "1e-400"] {
            let s = try cli.genslm("\"seed\": 42", "\"seed\": \(v)")
            try cli.refused(["run", s.path, "--out", cli.scratch.appendingPathComponent("o").path, "--quiet"],
                            "$.seed", "not exactly an integer")
            try cli.refused(["sweep", "genslm", "--param", "seed=\(v)", "--out", cli.scratch.appendingPathComponent("w").path, "--quiet"],
                            "--param seed=\(v)", "expected an integer")
        }
        for v in ["9007199254740992.0", "16.0", "1e3"] {
            let s = try cli.genslm("\"seed\": 42", "\"seed\": \(v)")
            XCTAssertEqual(try cli.run(["run", s.path, "--out", cli.scratch.appendingPathComponent("ok").path, "--quiet"]).status, 0, v)
        }
    }

    func testNamedPipesAreRefusedWithoutBlocking() throws {
        let fifo = cli.scratch.appendingPathComponent("pipe.json").path
        XCTAssertEqual(mkfifo(fifo, 0o644), 0)
        // Nobody ever writes to the pipe: a blocking open would never return.
        try cli.refused(["run", fifo, "--out", cli.scratch.appendingPathComponent("o").path, "--quiet"], "not a regular file")
        try cli.refused(["plan", "compare", fifo, "genslm"], "not a regular file")
        let traceFifo = cli.scratch.appendingPathComponent("trace.csv").path
        _ = try cli.traceScenario("")
        try FileManager.default.removeItem(atPath: traceFifo)
        XCTAssertEqual(mkfifo(traceFifo, 0o644), 0)
        try cli.refused(["run", "t.json", "--out", "o", "--quiet"], "not a regular file", cwd: cli.scratch)
        try cli.refused(["sweep", "t.json", "--param", "seed=1,2", "--out", "w", "--quiet"], "not a regular file", cwd: cli.scratch)
        try cli.refused(["convert-swf", "trace.csv", "--out", "x.csv"], "not a regular file", cwd: cli.scratch)
        try cli.refused(["convert-philly", "trace.csv", "--out", "x.csv"], "not a regular file", cwd: cli.scratch)
        // A shard whose sweep.json is a pipe.
        try FileManager.default.createDirectory(atPath: cli.scratch.appendingPathComponent("shard").path, withIntermediateDirectories: true)
        XCTAssertEqual(mkfifo(cli.scratch.appendingPathComponent("shard/sweep.json").path, 0o644), 0)
        try cli.refused(["merge", "--out", "m", "shard"], "sweep.json", cwd: cli.scratch)
    }
}
