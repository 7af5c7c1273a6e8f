import AndromedaSim
import Foundation
import XCTest

/// Issue 22, item 1: each shard records what it wrote per point (rows, size, checksum, columns);
/// `merge` takes only points that match and refuses anything else, naming the shard and the file.
final class VerifiedMergeTests: XCTestCase {
    var d = ""
    let fm = FileManager.default

    override func setUpWithError() throws {
        d = fm.temporaryDirectory.appendingPathComponent("merge-\(UUID().uuidString)").path
        try fm.createDirectory(atPath: d, withIntermediateDirectories: true)
    }

    override func tearDown() { try? fm.removeItem(atPath: d) }

    func sweep() throws -> Sweep {
        try Sweep(scenario: try Andromeda.load("genslm-2to4"), parameters: [try SweepParameter(parsing: "systems=1,2,4")])
    }

    /// Two shard folders s0 and s1 of the sweep, and the one-machine result.
    func shards(_ sw: Sweep) throws -> String {
        _ = try SweepRunner.run(sw, source: "genslm-2to4", directory: d + "/s0", workers: 1, shard: (0, 2))
        _ = try SweepRunner.run(sw, source: "genslm-2to4", directory: d + "/s1", workers: 1, shard: (1, 2))
        _ = try SweepRunner.run(sw, source: "genslm-2to4", directory: d + "/one", workers: 1)
        return try String(contentsOfFile: d + "/one/sweep_scaling.csv", encoding: .utf8)
    }

    func merge(_ sw: Sweep, into out: String) throws -> Bool {
        try SweepRunner.merge(sw, source: "genslm-2to4", shards: [d + "/s0", d + "/s1"], into: d + "/" + out)
    }

    /// Expects merge to refuse, with a message naming the shard and `file`.
    func refused(_ sw: Sweep, _ file: String, _ why: String, line: UInt = #line) {
        XCTAssertThrowsError(try merge(sw, into: "m-\(UUID().uuidString)"), line: line) { e in
            let m = "\(e)"
            XCTAssert(e is SweepError, "\(type(of: e)): \(m)", line: line)
            XCTAssert(m.contains("shard \(d)/s1"), m, line: line)
            XCTAssert(m.contains(file), m, line: line)
            XCTAssert(m.contains(why), m, line: line)
        }
    }

    func testAnUntouchedMergeEqualsOneMachineAndEveryDamageIsNamed() throws {
        let sw = try sweep()
        let one = try shards(sw)
        XCTAssertTrue(try merge(sw, into: "m"))
        XCTAssertEqual(one, try String(contentsOfFile: d + "/m/sweep_scaling.csv", encoding: .utf8))
        let file = d + "/s1/points/p0000001.scaling.csv"
        let good = try Data(contentsOf: URL(fileURLWithPath: file))
        func restore() throws {
            try? fm.removeItem(atPath: file)
            try good.write(to: URL(fileURLWithPath: file))
        }
        // Garbage of the same size.
        try Data(repeating: UInt8(ascii: "x"), count: good.count).write(to: URL(fileURLWithPath: file))
        refused(sw, "p0000001.scaling.csv", "contents differ")
        // Truncated, emptied, grown.
        try good.dropLast(5).write(to: URL(fileURLWithPath: file))
        refused(sw, "p0000001.scaling.csv", "truncated, grown or replaced")
        try Data().write(to: URL(fileURLWithPath: file))
        refused(sw, "p0000001.scaling.csv", "truncated, grown or replaced")
        try (good + Data(count: 1 << 20)).write(to: URL(fileURLWithPath: file))
        refused(sw, "p0000001.scaling.csv", "truncated, grown or replaced")
        // A link to another file with the same bytes, a folder, a named pipe (never opened).
        try fm.removeItem(atPath: file)
        try good.write(to: URL(fileURLWithPath: d + "/copy.csv"))
        try fm.createSymbolicLink(atPath: file, withDestinationPath: d + "/copy.csv")
        refused(sw, "p0000001.scaling.csv", "not a regular file")
        try fm.removeItem(atPath: file)
        try fm.createDirectory(atPath: file, withIntermediateDirectories: false)
        refused(sw, "p0000001.scaling.csv", "not a regular file")
        try fm.removeItem(atPath: file)
        XCTAssertEqual(mkfifo(file, 0o644), 0)
        refused(sw, "p0000001.scaling.csv", "not a regular file")
        // Missing.
        try fm.removeItem(atPath: file)
        refused(sw, "p0000001.scaling.csv", "is missing")
        try restore()
        // Rows of another point under this point's name, with that point's marker.
        let marker = d + "/s1/points/p0000001.done"
        let markerGood = try Data(contentsOf: URL(fileURLWithPath: marker))
        for ext in ["scaling.csv", "cluster.csv", "done"] {
            try fm.removeItem(atPath: d + "/s1/points/p0000001.\(ext)")
            try fm.copyItem(atPath: d + "/s0/points/p0000000.\(ext)", toPath: d + "/s1/points/p0000001.\(ext)")
        }
        refused(sw, "p0000001.done", "records point 0")
        for ext in ["scaling.csv", "cluster.csv", "done"] {
            try fm.removeItem(atPath: d + "/s1/points/p0000001.\(ext)")
            try fm.copyItem(atPath: d + "/one/points/p0000001.\(ext)", toPath: d + "/s1/points/p0000001.\(ext)")
        }
        // A damaged marker; a marker of the old format (the point's values only).
        try Data("andromeda-sim point 1\nfingerprint x\n".utf8).write(to: URL(fileURLWithPath: marker))
        refused(sw, "p0000001.done", "not a completion marker")
        try Data("2\n".utf8).write(to: URL(fileURLWithPath: marker))
        refused(sw, "p0000001.done", "not a completion marker")
        try markerGood.write(to: URL(fileURLWithPath: marker))
        XCTAssertTrue(try merge(sw, into: "m2"))
        XCTAssertEqual(one, try String(contentsOfFile: d + "/m2/sweep_scaling.csv", encoding: .utf8))
    }

    /// The merged files are staged and committed as one set (as a run's folder is): a merge that
    /// fails while putting them in place leaves the previous merge's files, never some of each,
    /// and keeps the points; the next merge writes the whole set.
    func testAFailedMergeLeavesThePreviousMergedSet() throws {
        let sw = try sweep()
        let one = try shards(sw)
        XCTAssertTrue(try merge(sw, into: "m"))
        XCTAssertEqual(SweepRunner.mergedFiles, ["sweep_scaling.csv", "sweep_cluster.csv", "report.html"])
        // An earlier merge's set, and a sweep_cluster.csv that cannot be replaced (a folder).
        for name in ["sweep_scaling.csv", "report.html"] { try Data("earlier merge\n".utf8).write(to: URL(fileURLWithPath: d + "/m/" + name)) }
        try fm.removeItem(atPath: d + "/m/sweep_cluster.csv")
        try fm.createDirectory(atPath: d + "/m/sweep_cluster.csv", withIntermediateDirectories: false)
        XCTAssertThrowsError(try merge(sw, into: "m")) { XCTAssert("\($0)".contains("sweep_cluster.csv: cannot replace it"), "\($0)") }
        for name in ["sweep_scaling.csv", "report.html"] {
            XCTAssertEqual(try String(contentsOfFile: d + "/m/" + name, encoding: .utf8), "earlier merge\n", name)
        }
        XCTAssertEqual(try fm.contentsOfDirectory(atPath: d + "/m/points").filter { $0.hasSuffix(".done") }.count, 3)
        XCTAssertEqual(try fm.contentsOfDirectory(atPath: d).filter { $0.contains(".staging-") }, [], "no staging folder left")
        try fm.removeItem(atPath: d + "/m/sweep_cluster.csv")
        XCTAssertTrue(try merge(sw, into: "m"))
        for name in SweepRunner.mergedFiles {
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: d + "/m/" + name)), try Data(contentsOf: URL(fileURLWithPath: d + "/one/" + name)))
        }
        XCTAssertEqual(one, try String(contentsOfFile: d + "/m/sweep_scaling.csv", encoding: .utf8))
    }

    func testAShardOfAnotherSweepIsRefused() throws {
        let sw = try sweep()
        _ = try shards(sw)
        let other = try Sweep(scenario: sw.scenario, parameters: [try SweepParameter(parsing: "systems=1,2,8")])
        _ = try SweepRunner.run(other, source: "genslm-2to4", directory: d + "/x", workers: 1, shard: (1, 2))
        XCTAssertThrowsError(try SweepRunner.merge(sw, source: "genslm-2to4", shards: [d + "/s0", d + "/x"], into: d + "/m")) { e in
            XCTAssert("\(e)".contains("holds a different sweep"), "\(e)")
        }
    }

    func testAResumedRunRunsADamagedPointAgain() throws {
        let sw = try sweep()
        let one = try shards(sw)
        try Data("junk".utf8).write(to: URL(fileURLWithPath: d + "/one/points/p0000002.cluster.csv"))
        let again = try SweepRunner.run(sw, source: "genslm-2to4", directory: d + "/one", workers: 1)
        XCTAssertEqual(again.ran, 1)
        XCTAssertEqual(one, try String(contentsOfFile: d + "/one/sweep_scaling.csv", encoding: .utf8))
    }

    func testTheCommandExitsTwoNamingTheShardAndFile() throws {
        let sw = try sweep()
        _ = try shards(sw)
        try fm.removeItem(atPath: d + "/s1/points/p0000001.cluster.csv")
        let r = try CLIHarness.run(["merge", "--out", d + "/m", d + "/s0", d + "/s1"])
        XCTAssertEqual(r.status, 2, r.err)
        XCTAssert(r.err.contains("shard \(d)/s1") && r.err.contains("p0000001.cluster.csv: is missing"), r.err)
        XCTAssertFalse(r.err.contains("NSCocoaErrorDomain"), r.err)
    }
}
