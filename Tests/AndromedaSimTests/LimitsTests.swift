import AndromedaSim
import Foundation
import Reports
import ScenarioFormat
import Scenarios
import XCTest

/// Issue 21, item 4: every documented limit is met or refused with exit 2 naming the flag or
/// field; a job that cannot be represented is rejected alone; converters refuse what run refuses.
final class LimitsTests: XCTestCase {
    var cli: CLIHarness!

    override func setUpWithError() throws { cli = try CLIHarness() }
    override func tearDown() { cli = nil }

    func testAJobPastSimulatedTimeIsRejectedAloneNotTheRun() throws {
        let s = try cli.traceScenario("big,alice,0,genslm-1.3b,1,1,1e15\nsmall,bob,10,genslm-123m,1,32,1e5\n")
        let r = try cli.run(["run", s.path, "--out", cli.scratch.appendingPathComponent("o").path, "--quiet"])
        XCTAssertEqual(r.status, 0, r.err)
        let jobs = try String(contentsOfFile: cli.scratch.appendingPathComponent("o/fifo/jobs.csv").path, encoding: .utf8)
        let big = jobs.split(separator: "\n").first { $0.hasPrefix("big,") }.map(String.init) ?? ""
        XCTAssert(big.contains(",rejected,its run alone") && big.contains("years of simulated time"), big)
        XCTAssert(jobs.split(separator: "\n").contains { $0.hasPrefix("small,") && $0.contains(",finished,") }, jobs)
    }

    func testArrivalsThatWouldLeaveSimulatedTimeAreRefused() throws {
        try cli.refused(["bench", "cluster", "--rate", "1e-6"], "--rate 1e-06 with --jobs 10000", "--rate at least")
        let s = try cli.write("""
            {"version": 1, "name": "g", "multitenant": {"policies": ["fifo"], "generate": {"jobs": 10, "arrival_rate_per_h": 1e-6,
             "classes": [{"name": "c", "model": "genslm-123m", "weight": 1, "systems": [1], "per_system_batch": 32, "samples_min": 1e4, "samples_max": 1e5}]},
             "users": [{"name": "u", "weight": 1, "share": 1}]}}
            """, "g.json")
        let r = try cli.run(["run", s.path, "--out", cli.scratch.appendingPathComponent("o").path, "--quiet"])
        XCTAssertEqual(r.status, 2, r.err)
        XCTAssert(r.err.contains("$.multitenant.generate") && r.err.contains("1279800 h"), r.err)
    }

    func testConvertersRefuseWhatTheReaderRefuses() throws {
        for (field, bad) in [(5, "0x10"), (6, "-0.5"), (4, "inf"), (2, "nan")] {
            var f = "1 0 0 3600 64 -1 -1 64 3600 -1 1 1 -1 -1 -1 -1 -1 -1".split(separator: " ").map(String.init)
            f[field - 1] = bad
            _ = try cli.write(f.joined(separator: " ") + "\n", "l.swf")
            try cli.refused(["convert-swf", "l.swf", "--out", "t.csv"], "field \(field)", "\"\(bad)\" is not allowed", cwd: cli.scratch)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: cli.scratch.appendingPathComponent("t.csv").path))
    }

    func testFlagRangesMatchTheirHelp() throws {
        // The documented ends are accepted (cheap cases), just past them refused naming the flag.
        XCTAssertEqual(try cli.run(["bench", "phold", "--lps", "16", "--pop", "1", "--events", "2e2", "--lookahead", "999999"]).status, 0)
        try cli.refused(["bench", "phold", "--lps", "16", "--pop", "1", "--events", "100", "--lookahead", "1e6"], "--lookahead", "below 1e6")
        for events in ["2.5", "0x10", "1e13", "0"] {
            try cli.refused(["bench", "phold", "--lps", "16", "--pop", "1", "--events", events], "--events")
        }
        let plan = try cli.run(["plan", "min-systems", "--model", "genslm-123m", "--batch", "32", "--samples", "1e15", "--deadline-h", "1e6"])
        XCTAssertFalse(plan.err.contains("--samples must"), plan.err)
        try cli.refused(["plan", "min-systems", "--model", "genslm-123m", "--batch", "32", "--samples", "2.5", "--deadline-h", "10"], "--samples")
        let help = try cli.run(["wafer", "--help"]).out
        XCTAssert(help.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "  ", with: " ").contains("4194304 cores"), help)
        try cli.refused(["wafer", "--grid", "1x1", "--op", "ffn-up"], "--grid 1x1", "SRAM")
        for bad in [["--ingress", "1e-10"], ["--efficiency", "1e-20"]] {
            let r = try cli.run(["wafer", "--op", "ffn-up"] + bad)
            XCTAssertEqual(r.status, 2, r.err)
            XCTAssert(r.err.contains(bad[0]), r.err)
        }
    }

    /// Issue 22, item 7: a sweep whose point cannot be written (as on a full disk) exits 1, not 2.
    func testASweepThatCannotWriteAPointExitsOne() throws {
        let out = cli.scratch.appendingPathComponent("w").path
        try FileManager.default.createDirectory(atPath: out + "/points/p0000000.scaling.csv", withIntermediateDirectories: true)
        try OutputMarker.text(.sweep).write(toFile: out + "/" + OutputMarker.file, atomically: true, encoding: .utf8)
        let r = try cli.run(["sweep", "genslm-2to4", "--param", "systems=1", "--out", out, "--quiet", "--workers", "1"])
        XCTAssertEqual(r.status, 1, r.err)
        XCTAssert(r.err.contains("p0000000.scaling.csv") && r.err.contains("is a directory"), r.err)
    }

    /// Issue 22, item 7, on a real full disk: a 64 KiB tmpfs (mounted when the tests run as root;
    /// skipped otherwise), filled up: a sweep and a run into it exit 1 (cannot write) naming the
    /// file, never 2, and the run leaves no staging folder.
    func testASweepAndARunOnAFullDiskExitOne() throws {
        let mountPoint = cli.scratch.appendingPathComponent("tiny").path
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        guard getuid() == 0, (try? CLIHarness.run(["-t", "tmpfs", "-o", "size=64k", "tmpfs", mountPoint],
                                                   executable: URL(fileURLWithPath: "/bin/mount")))?.status == 0 else {
            throw XCTSkip("mounting a small tmpfs needs root")
        }
        defer { _ = try? CLIHarness.run([mountPoint], executable: URL(fileURLWithPath: "/bin/umount")) }
        // Fill it but for a few kB.
        _ = FileManager.default.createFile(atPath: mountPoint + "/fill", contents: Data(count: 56 * 1024))
        let sweep = try cli.run(["sweep", "genslm-2to4", "--param", "seed=1,2,3", "--out", mountPoint + "/sw", "--quiet", "--workers", "1"])
        XCTAssertEqual(sweep.status, 1, sweep.err)
        XCTAssert(sweep.err.contains("cannot write") && sweep.err.contains("No space left"), sweep.err)
        let run = try cli.run(["run", "genslm", "--out", mountPoint + "/r", "--quiet"])
        XCTAssertEqual(run.status, 1, run.err)
        XCTAssert(run.err.contains("cannot write"), run.err)
        let left = try FileManager.default.contentsOfDirectory(atPath: mountPoint).filter { $0.contains("staging") || $0.hasSuffix(".lock") }
        XCTAssertEqual(left, [], "no staging folder or lock left")
    }

    /// Issue 21, item 3: a last component of 255 bytes works for --slurm; 256 is refused before writing.
    func testSlurmFoldersUpToNameMaxWorkAndLongerAreRefused() throws {
        let ok = cli.scratch.appendingPathComponent(String(repeating: "a", count: 255)).path
        let r = try cli.run(["sweep", "genslm-2to4", "--param", "systems=1,2", "--slurm", "2", "--max-array-size", "1", "--out", ok])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssert(FileManager.default.fileExists(atPath: ok + "/slurm/array-1.sbatch"))
        let long = cli.scratch.appendingPathComponent(String(repeating: "b", count: 256)).path
        try cli.refused(["sweep", "genslm-2to4", "--param", "systems=1,2", "--slurm", "2", "--out", long], "256 bytes", "1 to 255")
        XCTAssertFalse(FileManager.default.fileExists(atPath: long))
    }

    /// Issue 21, item 4: generate.jobs is held to what `run` meets (1,000,000: every job is kept
    /// for jobs.csv); one more is refused naming the path and the range, and the streamed bench
    /// still takes the generator's 3,000,000.
    func testGeneratedJobsAreHeldToTheRunLimitAndTheBenchToTheGenerators() throws {
        let text = try String(contentsOf: CLIHarness.root.appendingPathComponent("Scenarios/andromeda-multitenant.json"), encoding: .utf8)
        let range = try XCTUnwrap(text.range(of: #""jobs": \d+"#, options: .regularExpression))
        func decode(_ n: Int) throws -> Scenario {
            var t = text
            t.replaceSubrange(range, with: "\"jobs\": \(n)")
            t = t.replacingOccurrences(of: #""arrival_rate_per_h": 3.0"#, with: #""arrival_rate_per_h": 100"#)
            return try ScenarioDecoder.decode(try JSONValue.parse(t, file: "mt.json"), file: "mt.json")
        }
        XCTAssertEqual(MultitenantSpec.maxJobs, 1_000_000)
        XCTAssertEqual(try decode(MultitenantSpec.maxJobs).multitenant?.generator?.jobs, MultitenantSpec.maxJobs)
        do {
            _ = try decode(MultitenantSpec.maxJobs + 1)
            XCTFail("1,000,001 generated jobs must be refused")
        } catch {
            XCTAssert("\(error)".contains("$.multitenant.generate.jobs") && "\(error)".contains("1...1000000"), "\(error)")
        }
        XCTAssertEqual(MultitenantRunner.maxGeneratedJobs, 3_000_000)
        let help = try cli.run(["bench", "cluster", "--help"]).out
        XCTAssert(help.contains("1 to 3000000"), help)
    }

    func testTheSchemaStatesTheGeneratedJobLimitOfTheProgram() throws {
        let data = try Data(contentsOf: CLIHarness.root.appendingPathComponent("docs/scenario.schema.json"))
        let text = String(decoding: data, as: UTF8.self)
        guard let r = text.range(of: "\"description\": \"Number of jobs drawn. Unit: jobs.\"") else { return XCTFail("no generate.jobs") }
        let before = text[..<r.lowerBound].suffix(120)
        XCTAssert(before.contains("\"maximum\": \(MultitenantSpec.maxJobs)"), String(before))
    }
}
