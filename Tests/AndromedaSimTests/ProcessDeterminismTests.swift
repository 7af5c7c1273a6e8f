import AndromedaSim
import Foundation
import XCTest

/// The same scenario and seed give the same bytes in two separate processes (issue 19, item 7):
/// a shared-cluster week under every policy (mean-field contention) and an exact-contention run,
/// each run twice by the command line into its own folder. Only timing.json may differ.
final class ProcessDeterminismTests: XCTestCase {
    /// Every file of `a` and `b` but timing.json, by relative path: the same set and the same bytes.
    func assertSameFiles(_ a: URL, _ b: URL, file: StaticString = #filePath, line: UInt = #line) throws {
        let fm = FileManager.default
        func files(_ root: URL) throws -> [String: Data] {
            var out: [String: Data] = [:]
            let e = fm.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey])
            while let u = e?.nextObject() as? URL {
                guard try u.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true,
                      u.lastPathComponent != "timing.json" else { continue }
                out[String(u.path.dropFirst(root.path.count))] = try Data(contentsOf: u)
            }
            return out
        }
        let x = try files(a), y = try files(b)
        XCTAssertFalse(x.isEmpty, "no files in \(a.path)", file: file, line: line)
        XCTAssertEqual(x.keys.sorted(), y.keys.sorted(), file: file, line: line)
        for (name, data) in x where y[name] != data {
            XCTFail("\(name) differs between the two processes", file: file, line: line)
        }
    }

    func testASharedClusterWeekIsTheSameInTwoProcesses() throws {
        let cli = try CLIHarness()
        let a = cli.scratch.appendingPathComponent("a"), b = cli.scratch.appendingPathComponent("b")
        for out in [a, b] {
            let r = try cli.run(["run", "andromeda-multitenant", "--out", out.path, "--quiet"])
            XCTAssertEqual(r.status, 0, r.err)
        }
        try assertSameFiles(a, b)
        XCTAssert(FileManager.default.fileExists(atPath: a.appendingPathComponent("policies.csv").path))
    }

    func testAnExactContentionRunIsTheSameInTwoProcesses() throws {
        let cli = try CLIHarness()
        let file = try cli.write(ExactCostTests.scenario(systems: 16, jobs: 12, policies: ["fifo", "easy-backfill"]), "exact.json")
        let a = cli.scratch.appendingPathComponent("a"), b = cli.scratch.appendingPathComponent("b")
        for out in [a, b] {
            let r = try cli.run(["run", file.path, "--out", out.path, "--quiet"])
            XCTAssertEqual(r.status, 0, r.err)
        }
        try assertSameFiles(a, b)
        let summary = try String(contentsOf: a.appendingPathComponent("summary.json"), encoding: .utf8)
        XCTAssert(summary.contains("\"exact\""), "the run used exact contention")
    }
}

/// A CS-3 run calls its systems CS-3 in report.html and in the trace (issue 19: "CS-2" was
/// printed for CS-3 runs), and a CS-2 run still says CS-2.
final class SystemNameTests: XCTestCase {
    func testReportAndTraceNameTheSystemsOfThePreset() throws {
        let cli = try CLIHarness()
        for (preset, name, other) in [("cs-3", "CS-3", "CS-2"), ("cs-2", "CS-2", "CS-3")] {
            let file = try cli.write("""
                {"version": 1, "name": "names-\(preset)", "cluster": {"system": "\(preset)", "systems": 4},
                 "scaling": [{"model": "genslm-123m", "systems": [2], "per_system_batch": 8, "stopping": {"rule": "steps", "steps": 3}}]}
                """, "\(preset).json")
            let out = cli.scratch.appendingPathComponent(preset)
            let r = try cli.run(["run", file.path, "--out", out.path, "--trace", out.path + "-trace.json", "--quiet"])
            XCTAssertEqual(r.status, 0, r.err)
            let report = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
            XCTAssert(report.contains("4 \(name) systems"), preset)
            XCTAssertFalse(report.contains("\(other) systems"), preset)
            // The charts' system axis too, in the files and in the report.
            XCTAssert(report.contains("systems (\(name))"), preset)
            let svgs = try FileManager.default.contentsOfDirectory(atPath: out.path).filter { $0.hasSuffix(".svg") }
            XCTAssertFalse(svgs.isEmpty, preset)
            for svg in svgs {
                let text = try String(contentsOf: out.appendingPathComponent(svg), encoding: .utf8)
                XCTAssertFalse(text.contains(other), "\(preset): \(svg)")
            }
            let trace = try String(contentsOf: URL(fileURLWithPath: out.path + "-trace.json"), encoding: .utf8)
            XCTAssert(trace.contains("\"\(name) 0-1\"") || trace.contains("\"\(name) 0\""), "\(preset): a system track named \(name)")
            XCTAssertFalse(trace.contains("\"\(other) "), preset)
        }
    }
}
