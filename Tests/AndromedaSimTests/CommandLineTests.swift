import AndromedaSim
import Foundation
import Reports
import XCTest

/// Runs the built `andromeda-sim` binary as a user would.
final class CommandLineTests: XCTestCase {
    static let root = CLIHarness.root

    func run(_ args: [String], cwd: URL? = nil) throws -> (status: Int32, out: String, err: String) {
        try CLIHarness.run(args, cwd: cwd)
    }

    func tempDir() throws -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("asim-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }

    func testRunBothSpellingsAndBuiltinGiveIdenticalFiles() throws {
        let d = try tempDir()
        defer { try? FileManager.default.removeItem(at: d) }
        let a = try run(["run", "scenarios/genslm.json", "--out", d.appendingPathComponent("a").path, "--quiet"])
        XCTAssertEqual(a.status, 0, a.err)
        let b = try run(["run", "Scenarios/genslm.json", "--out", d.appendingPathComponent("b").path])
        XCTAssertEqual(b.status, 0, b.err)
        XCTAssert(b.out.contains("genslm-1.3b") && b.out.contains("published"), b.out)
        let c = try run(["run", "genslm", "--out", d.appendingPathComponent("c").path, "--quiet"], cwd: d)
        XCTAssertEqual(c.status, 0, c.err)
        for f in ["scaling.csv", "summary.json"] {
            let x = try Data(contentsOf: d.appendingPathComponent("a/\(f)"))
            XCTAssertEqual(x, try Data(contentsOf: d.appendingPathComponent("b/\(f)")), f)
            XCTAssertEqual(x, try Data(contentsOf: d.appendingPathComponent("c/\(f)")), f)
        }
        XCTAssert(FileManager.default.fileExists(atPath: d.appendingPathComponent("a/timing.json").path))
    }

    func testBadScenarioExitsTwoWithPathAndKeepsEarlierOutputs() throws {
        let d = try tempDir()
        defer { try? FileManager.default.removeItem(at: d) }
        let out = d.appendingPathComponent("out")
        XCTAssertEqual(try run(["run", "genslm", "--out", out.path, "--quiet"]).status, 0)
        let before = try Data(contentsOf: out.appendingPathComponent("scaling.csv"))
        let bad = d.appendingPathComponent("bad.json")
        let text = try String(contentsOf: Self.root.appendingPathComponent("Scenarios/genslm.json"), encoding: .utf8)
            .replacingOccurrences(of: "\"per_system_batch\": 16", with: "\"per_system_batch\": -16")
        try text.write(to: bad, atomically: true, encoding: .utf8)
        let r = try run(["run", bad.path, "--out", out.path])
        XCTAssertEqual(r.status, 2)
        XCTAssert(r.err.contains("bad.json") && r.err.contains("$.scaling[1].per_system_batch") && r.err.contains("1"), r.err)
        XCTAssertEqual(try Data(contentsOf: out.appendingPathComponent("scaling.csv")), before)
        let missing = try run(["run", d.appendingPathComponent("nope.json").path])
        XCTAssertEqual(missing.status, 2)
        let syntax = d.appendingPathComponent("syntax.json")
        try "{\"version\": 1,,}".write(to: syntax, atomically: true, encoding: .utf8)
        let s = try run(["run", syntax.path])
        XCTAssertEqual(s.status, 2)
        XCTAssert(s.err.contains("syntax.json"), s.err)
    }

    func testMultitenantRunWritesEveryPolicy() throws {
        let d = try tempDir()
        defer { try? FileManager.default.removeItem(at: d) }
        let f = d.appendingPathComponent("mt.json")
        try MultitenantTests.scenario.write(to: f, atomically: true, encoding: .utf8)
        let r = try run(["run", f.path, "--out", d.appendingPathComponent("o").path])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssert(r.out.contains("easy-backfill") && r.out.contains("jain"), r.out)
        let policies = try String(contentsOf: d.appendingPathComponent("o/policies.csv"), encoding: .utf8)
        XCTAssertEqual(policies.split(separator: "\n").count, 6)
        for p in ["fifo", "easy-backfill", "sjf", "fair-share", "priority-preempt"] {
            for f in ["jobs.csv", "segments.csv", "utilization.csv"] {
                XCTAssert(FileManager.default.fileExists(atPath: d.appendingPathComponent("o/\(p)/\(f)").path), "\(p)/\(f)")
            }
        }
    }

    func testValidateReportsEveryPublishedFigure() throws {
        // Standard output and error in one pipe, as with 2>&1: the summary on standard error
        // comes after the table (standard output is flushed first), not in the middle of it.
        let v = try CLIHarness.run(["validate"], mergingOutput: true)
        // Exit 1 exactly when some prediction is outside its tolerance (the table says MISS).
        XCTAssertEqual(v.status, v.out.contains("MISS") ? 1 : 0, v.out)
        if v.status == 1 {
            let last = v.out.split(separator: "\n").last.map(String.init) ?? ""
            XCTAssert(last.hasPrefix("validate: ") && last.hasSuffix(" gated row(s) outside tolerance"), v.out)
            XCTAssertEqual(v.out.components(separatedBy: "validate: ").count, 2, v.out)
        }
        for text in ["GenSLM-1.3B", "ZDNet", "Llama-7B", "ESM-2", "DiT-2B", "BERT-large", "CS-3", "leave-one-out", "fitted", "prediction",
                     "alternative", "mean |error|", "P11"] {
            XCTAssert(v.out.contains(text), "\(text) missing: \(v.out)")
        }
    }

    /// `train` and `plan min-systems` report every throughput and time with its interval.
    func testTrainAndPlanReportTheInterval() throws {
        let t = try run(["train", "--model", "genslm-123m", "--batch", "8", "--steps", "5"])
        XCTAssertEqual(t.status, 0, t.err)
        XCTAssert(t.out.contains("samples/s (p10-p90 ") && t.out.contains("time to train ") && t.out.contains("h (p10-p90 "), t.out)
        let p = try run(["plan", "min-systems", "--model", "genslm-123m", "--batch", "8", "--samples", "100000", "--deadline-h", "1000"])
        XCTAssertEqual(p.status, 0, p.err)
        XCTAssert(p.out.contains("1 systems: ") && p.out.contains("(p10-p90 "), p.out)
    }

    /// Folders named like built-in scenarios (an earlier --out) do not stop validate.
    func testValidateIgnoresFoldersInTheWorkingDirectory() throws {
        let d = try tempDir()
        defer { try? FileManager.default.removeItem(at: d) }
        for name in ["genslm", "genslm-2to4", "Scenarios/genslm.json"] {
            try FileManager.default.createDirectory(at: d.appendingPathComponent(name), withIntermediateDirectories: true)
        }
        let v = try run(["validate", "--out", "v"], cwd: d)
        XCTAssertEqual(v.status, v.out.contains("MISS") ? 1 : 0, v.err)
        XCTAssert(v.out.contains("predictions:"), v.out)
        // --out: the page and the table, in a folder of its own kind, the same bytes on every run.
        let page = try String(contentsOf: d.appendingPathComponent("v/validation.html"), encoding: .utf8)
        XCTAssert(page.contains("id=\"loo-table\"") && page.contains("<svg"), page)
        let csv = try String(contentsOf: d.appendingPathComponent("v/validation.csv"), encoding: .utf8)
        XCTAssert(csv.hasPrefix(ValidationPage.columns.joined(separator: ",") + "\n"), csv)
        XCTAssertEqual(csv.split(separator: "\n").count, 1 + Validation.builtinRows.count)
        XCTAssertEqual(OutputMarker.kind(of: d.appendingPathComponent("v").path), .validation)
        let again = try run(["validate", "--out", "v"], cwd: d)
        XCTAssertEqual(again.status, v.status, again.err)
        XCTAssertEqual(try String(contentsOf: d.appendingPathComponent("v/validation.csv"), encoding: .utf8), csv)
        let r = try run(["run", "genslm", "--out", "r", "--quiet"], cwd: d)
        XCTAssertEqual(r.status, 0, r.err)
        let refused = try run(["validate", "--out", "r"], cwd: d)
        XCTAssertEqual(refused.status, 2, refused.err)
        XCTAssert(refused.err.contains("holds a run's outputs"), refused.err)
    }

    /// A folder named like a built-in scenario is not taken for a scenario file by `run` either.
    func testRunIgnoresFoldersNamedLikeScenarios() throws {
        let d = try tempDir()
        defer { try? FileManager.default.removeItem(at: d) }
        try FileManager.default.createDirectory(at: d.appendingPathComponent("genslm-2to4"), withIntermediateDirectories: true)
        let r = try run(["run", "genslm-2to4", "--out", d.appendingPathComponent("o").path], cwd: d)
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssert(r.out.contains("genslm-2to4"), r.out)
    }

    func testHostAndPholdCommands() throws {
        let h = try run(["host"])
        XCTAssertEqual(h.status, 0)
        XCTAssert(h.out.contains("PUs") && h.out.contains("jemalloc"), h.out)
        let p = try run(["bench", "phold", "--events", "100000", "--lps", "64"])
        XCTAssertEqual(p.status, 0)
        XCTAssert(p.out.contains("events=100000") && p.out.contains("checksum="), p.out)
        XCTAssertEqual(try run(["bench", "phold", "--lps", "0"]).status, 2, "a bad flag is bad input: exit 2")
    }
}
