import Foundation
import XCTest
import AndromedaSim

final class SweepTests: XCTestCase {
    func tempDir() throws -> String {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }

    func sweep() throws -> Sweep {
        let s = try Andromeda.load("genslm-2to4")
        return try Sweep(scenario: s, parameters: [try SweepParameter(parsing: "systems=1,2,4"),
                                                   try SweepParameter(parsing: "defect_rate=0,0.1")])
    }

    func testWorkersShardsAndResumeGiveTheSameBytes() throws {
        let d = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: d) }
        let sw = try sweep()
        XCTAssertEqual(sw.points.count, 6)
        let one = try SweepRunner.run(sw, source: "genslm-2to4", directory: d + "/one", workers: 1)
        XCTAssertTrue(one.complete)
        XCTAssertEqual(one.ran, 6)
        _ = try SweepRunner.run(sw, source: "genslm-2to4", directory: d + "/two", workers: 2)
        let a = try String(contentsOfFile: d + "/one/sweep_scaling.csv", encoding: .utf8)
        XCTAssertEqual(a, try String(contentsOfFile: d + "/two/sweep_scaling.csv", encoding: .utf8))
        XCTAssertEqual(a.split(separator: "\n").count, 7)
        XCTAssert(a.hasPrefix("point,param_systems,param_defect_rate,model,"))
        // Two shards, merged.
        let s0 = try SweepRunner.run(sw, source: "genslm-2to4", directory: d + "/s0", workers: 1, shard: (0, 2))
        XCTAssertFalse(s0.complete)
        XCTAssertEqual(s0.ran, 3)
        _ = try SweepRunner.run(sw, source: "genslm-2to4", directory: d + "/s1", workers: 1, shard: (1, 2))
        XCTAssertTrue(try SweepRunner.merge(sw, source: "genslm-2to4", shards: [d + "/s0", d + "/s1"], into: d + "/m"))
        XCTAssertEqual(a, try String(contentsOfFile: d + "/m/sweep_scaling.csv", encoding: .utf8))
        // Resume: only the missing point runs.
        try FileManager.default.removeItem(atPath: d + "/one/points/p0000004.done")
        let again = try SweepRunner.run(sw, source: "genslm-2to4", directory: d + "/one", workers: 2)
        XCTAssertEqual(again.ran, 1)
        XCTAssertEqual(again.skipped, 5)
        XCTAssertEqual(a, try String(contentsOfFile: d + "/one/sweep_scaling.csv", encoding: .utf8))
        // A different sweep into the same folder is refused.
        let other = try Sweep(scenario: sw.scenario, parameters: [try SweepParameter(parsing: "systems=8")])
        XCTAssertThrowsError(try SweepRunner.run(other, source: "genslm-2to4", directory: d + "/one", workers: 1))
    }

    func testBadParametersAreRefused() {
        XCTAssertThrowsError(try SweepParameter(parsing: "systems"))
        XCTAssertThrowsError(try SweepParameter(parsing: "systems=0"))
        XCTAssertThrowsError(try SweepParameter(parsing: "systems=1.5"))
        XCTAssertThrowsError(try SweepParameter(parsing: "colour=red"))
        XCTAssertThrowsError(try SweepParameter(parsing: "policy=lottery"))
        XCTAssertThrowsError(try SweepParameter(parsing: "defect_rate=nan"))
        XCTAssertThrowsError(try Sweep(scenario: try Andromeda.load("genslm"), parameters: [try SweepParameter(parsing: "policy=fifo")]),
                             "a policy sweep needs a multitenant section")
    }

    /// A point whose values together break a rule of a scenario file (the generated arrivals of
    /// 500 jobs at 1e-6 jobs/h would span 724 million hours) is refused when the sweep is built,
    /// before any folder is made, naming the point; jobs and rate swept together are checked as a
    /// pair, so a point that is fine as a whole is accepted.
    func testAPointWhoseArrivalsDoNotFitIsRefusedBeforeAnythingRuns() throws {
        let mt = try Andromeda.load("andromeda-multitenant")
        XCTAssertThrowsError(try Sweep(scenario: mt, parameters: [try SweepParameter(parsing: "arrival_rate_per_h=1e-6,3")])) {
            XCTAssert("\($0)".contains("point 0 (arrival_rate_per_h=1e-6)") && "\($0)".contains("an arrival rate of at least"), "\($0)")
        }
        XCTAssertNoThrow(try Sweep(scenario: mt, parameters: [try SweepParameter(parsing: "jobs=1"), try SweepParameter(parsing: "arrival_rate_per_h=1e-5")]))
        let cli = try CLIHarness()
        let out = cli.scratch.appendingPathComponent("ar").path
        try cli.refused(["sweep", "andromeda-multitenant", "--param", "arrival_rate_per_h=1e-6", "--out", out], "point 0", "at least")
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
    }

    /// `sweep --help` states each parameter's range as the one it checks (its "(lo-hi)" is written
    /// from that range): both ends are accepted, the values just outside refused.
    func testEachParameterHelpStatesTheRangeItChecks() throws {
        var checked = 0
        for line in SweepParameter.help.split(separator: "\n") {
            guard let open = line.lastIndex(of: "("), line.hasSuffix(")") else { continue }
            let name = String(line[..<line.firstIndex(of: ":")!])
            let ends = line[line.index(after: open)..<line.index(before: line.endIndex)]
            // The dash after a digit ("1e-6-1e9": not the exponent's).
            let dash = try XCTUnwrap(ends.indices.dropFirst().first { ends[$0] == "-" && ends[ends.index(before: $0)].isNumber }, "\(line)")
            let lowText = String(ends[..<dash]), highText = String(ends[ends.index(after: dash)...])
            let low = try XCTUnwrap(Double(lowText), "\(line)"), high = try XCTUnwrap(Double(highText), "\(line)")
            func text(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : "\(x)" }
            let whole = low == low.rounded() && high == high.rounded()
            XCTAssertNoThrow(try SweepParameter(parsing: "\(name)=\(high < 1e15 ? text(high) : highText)"), "\(line): the high end")
            XCTAssertNoThrow(try SweepParameter(parsing: "\(name)=\(text(low))"), "\(line): the low end")
            XCTAssertThrowsError(try SweepParameter(parsing: "\(name)=\(text(whole ? low - 1 : low == 0 ? -1e-6 : low * (1 - 1e-6)))"), "\(line): below")
            if high < 1e15 {
                XCTAssertThrowsError(try SweepParameter(parsing: "\(name)=\(text(whole ? high + 1 : high * (1 + 1e-6)))"), "\(line): above")
            }
            checked += 1
        }
        XCTAssertEqual(checked, 12, "every numeric parameter's help states its range")
    }
}
