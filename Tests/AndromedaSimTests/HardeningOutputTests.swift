import AndromedaSim
import Foundation
import Reports
import XCTest

/// Issue 10, output folders and sweep integrity: a folder never mixes two runs, a second writer
/// is refused, sweeps notice an edited trace, `merge` works from any folder, and an interrupted
/// sweep leaves no temporary files.
final class HardeningOutputTests: XCTestCase {
    var cli: CLIHarness!

    override func setUpWithError() throws { cli = try CLIHarness() }
    override func tearDown() { cli = nil }

    var scratch: URL { cli.scratch }
    func path(_ name: String) -> String { scratch.appendingPathComponent(name).path }
    func read(_ p: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: p)) }

    /// Names in `folder` (recursively) that are temporary files or staging folders.
    func leftovers(_ folder: String) -> [String] {
        let all = FileManager.default.enumerator(atPath: folder)?.allObjects as? [String] ?? []
        return all.filter { $0.hasSuffix(".tmp") || $0.contains(".staging-") || $0.contains(".old-") }
    }

    func testASecondWriterIsRefusedWhileTheFolderIsLocked() throws {
        let out = path("o")
        let lock = try OutputLock(out)
        try cli.refused(["run", "genslm", "--out", out], "another andromeda-sim run, sweep or merge is writing")
        try cli.refused(["sweep", "genslm", "--param", "systems=1", "--out", out], "another andromeda-sim run")
        lock.release()
        XCTAssertEqual(try cli.run(["run", "genslm", "--out", out, "--quiet"]).status, 0)
    }

    func testAFailedRunLeavesThePreviousFolderWhole() throws {
        let out = path("o")
        XCTAssertEqual(try cli.run(["run", "genslm", "--out", out, "--quiet"]).status, 0)
        let before = try ["scaling.csv", "summary.json", "timing.json"].map { try read(out + "/" + $0) }
        // A file-size limit makes the write phase fail once the small files are staged and the
        // report (tens of kB) is not, as a full disk would (SIGXFSZ ignored, so write() fails).
        let exe = try CLIHarness.binary().path
        let r = try CLIHarness.run(["-c", "trap '' XFSZ; ulimit -f 16; exec \"$0\" \"$@\"", exe, "run", "genslm-2to4", "--out", out, "--quiet"],
                                   executable: URL(fileURLWithPath: "/bin/sh"))
        XCTAssertEqual(r.status, 1, r.err)
        XCTAssert(r.err.contains("File too large"), r.err)
        XCTAssertEqual(try ["scaling.csv", "summary.json", "timing.json"].map { try read(out + "/" + $0) }, before)
        XCTAssertEqual(leftovers(scratch.path), [])
    }

    func testARunRefusedAtSimulationTimeLeavesNoStaging() throws {
        let out = path("o")
        XCTAssertEqual(try cli.run(["run", "genslm", "--out", out, "--quiet"]).status, 0)
        let before = try read(out + "/summary.json")
        let s = try cli.genslm("\"seed\": 42", "\"seed\": 42, \"cluster\": {\"memoryx\": {\"capacity_bytes\": 1e6}}")
        let r = try cli.run(["run", s.path, "--out", out])
        XCTAssertEqual(r.status, 2, r.err)
        XCTAssertEqual(try read(out + "/summary.json"), before)
        XCTAssertEqual(leftovers(scratch.path), [])
    }

    func testStagingLeftByAKilledRunIsRemovedAndNeverMixedIn() throws {
        let out = path("o")
        XCTAssertEqual(try cli.run(["run", "genslm", "--out", out, "--quiet"]).status, 0)
        // What kill -9 in the write phase leaves: a staging folder beside the untouched output.
        let stale = path(".o.staging-dead")
        try FileManager.default.createDirectory(atPath: stale, withIntermediateDirectories: true)
        try "half".write(toFile: stale + "/summary.json", atomically: true, encoding: .utf8)
        try OutputMarker.text(.run).write(toFile: stale + "/" + OutputMarker.file, atomically: true, encoding: .utf8)
        XCTAssertEqual(try cli.run(["run", "genslm-2to4", "--out", out, "--quiet"]).status, 0)
        XCTAssertEqual(leftovers(scratch.path), [])
        let summary = try String(contentsOfFile: out + "/summary.json", encoding: .utf8)
        XCTAssert(summary.contains("\"scenario\": \"genslm-2to4\""), summary)
    }

    func testAFolderWithOtherFilesIsNotReplaced() throws {
        let out = path("mine")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        try "notes".write(toFile: out + "/notes.txt", atomically: true, encoding: .utf8)
        try cli.refused(["run", "genslm", "--out", out], "not created by andromeda-sim")
        XCTAssert(FileManager.default.fileExists(atPath: out + "/notes.txt"))
    }

    func testSweepNoticesAnEditedTrace() throws {
        let s = try cli.traceScenario("j1,alice,0,cerebras-gpt-111m,1,32,1e5\n")
        let out = path("s")
        let first = try cli.run(["sweep", s.path, "--param", "policy=fifo", "--out", out, "--quiet", "--workers", "1"])
        XCTAssertEqual(first.status, 0, first.err)
        _ = try cli.write(CLIHarness.traceHeader + "j1,alice,0,cerebras-gpt-111m,1,32,2e5\n", "trace.csv")
        try cli.refused(["sweep", s.path, "--param", "policy=fifo", "--out", out, "--quiet"], "different sweep", "trace")
    }

    func testMergeWorksFromAnotherFolder() throws {
        let a = path("a"), b = path("b")
        for (k, d) in [a, b].enumerated() {
            let r = try cli.run(["sweep", "Scenarios/genslm.json", "--param", "systems=1,2", "--shard", "\(k)/2", "--out", d, "--quiet"])
            XCTAssertEqual(r.status, 0, r.err)
        }
        let manifest = try String(contentsOfFile: a + "/sweep.json", encoding: .utf8)
        XCTAssert(manifest.contains(CLIHarness.root.appendingPathComponent("Scenarios/genslm.json").standardizedFileURL.path), manifest)
        let r = try cli.run(["merge", "--out", "all", a, b], cwd: scratch)
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssert(FileManager.default.fileExists(atPath: path("all/sweep_scaling.csv")))
    }

    func testSweepJSONIsCreatedOnceAndKept() throws {
        let out = path("s")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        try OutputMarker.write(.sweep, into: out)
        XCTAssertTrue(try AtomicFile.createExclusively("{\"fingerprint\": \"other\"}", at: out + "/sweep.json"))
        XCTAssertFalse(try AtomicFile.createExclusively("{}", at: out + "/sweep.json"))
        try cli.refused(["sweep", "genslm", "--param", "systems=1", "--out", out], "different sweep")
        XCTAssertEqual(try String(contentsOfFile: out + "/sweep.json", encoding: .utf8), "{\"fingerprint\": \"other\"}")
    }

    func testSIGTERMLeavesNoTemporaryFiles() throws {
        let systems = (1...192).map(String.init).joined(separator: ",")
        let r = try cli.run(["sweep", "genslm", "--param", "systems=" + systems, "--param", "seed=1,2,3,4,5,6,7,8,9,10",
                             "--out", path("s"), "--quiet", "--workers", "1"], terminateAfterFirstPoint: path("s/points"))
        XCTAssertEqual(r.status, 128 + SIGTERM, r.err)
        XCTAssertEqual(leftovers(path("s")), [])
        XCTAssertEqual(leftovers(scratch.path), [])
    }
}
