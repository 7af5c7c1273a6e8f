import AndromedaSim
import Foundation
import XCTest

/// What `merge` reads besides the points: the `--shard-list` file and each shard's sweep.json.
final class MergeInputTests: XCTestCase {
    let cli = try! CLIHarness()

    func write(_ bytes: [UInt8], _ name: String) throws -> String {
        let u = cli.scratch.appendingPathComponent(name)
        try Data(bytes).write(to: u)
        return u.path
    }

    /// The list is split as it is read and stops at the first folder too many: what follows it
    /// (here bytes that are not UTF-8) is never read. CRLF line ends and blank lines are taken.
    func testShardListStopsAtTheFirstFolderTooMany() throws {
        let list = try write(Array("a\r\n\nb\nc\nd\n".utf8) + [0xFF, 0x0A], "list.txt")
        XCTAssertThrowsError(try ShardList.read(list, limit: 3)) { e in
            XCTAssertEqual((e as? SweepError)?.message,
                           "--shard-list \(list): more than 3 shard folders (line 5 is one too many); allowed: 1...3 (one per point at most)")
        }
        XCTAssertThrowsError(try ShardList.read(list, limit: 2, besides: 1)) { e in
            XCTAssert("\(e)".contains("more than 2 shard folders with the 1 given as arguments (line 3 is one too many)"), "\(e)")
        }
        XCTAssertEqual(try ShardList.read(try write(Array("a\r\n\nb\n\n".utf8), "ok.txt"), limit: 2), ["a", "b"])
        XCTAssertThrowsError(try ShardList.read(list, limit: 10)) { e in
            XCTAssert("\(e)".contains("line 6 is not UTF-8 text"), "\(e)")
        }
        let long = try write(Array(repeating: UInt8(ascii: "x"), count: ShardList.maxLineBytes + 2), "long.txt")
        XCTAssertThrowsError(try ShardList.read(long, limit: 10)) { e in
            XCTAssert("\(e)".contains("line 1 is longer than \(ShardList.maxLineBytes) bytes"), "\(e)")
        }
    }

    /// On the command line: the file and the range are named, for a list of a million and one.
    func testMergeNamesTheShardListAndTheRange() throws {
        let list = try write(Array(String(repeating: "s\n", count: 1_000_001).utf8), "million.txt")
        try cli.refused(["merge", "--out", cli.scratch.appendingPathComponent("m").path, "--shard-list", list],
                        "--shard-list \(list): more than 1000000 shard folders", "allowed: 1...1000000")
    }

    /// A bad value in a shard's sweep.json is reported at its path in that file, not as a
    /// `--param` nobody gave.
    func testSweepManifestValuesAreReportedAtTheirPath() throws {
        let shard = cli.scratch.appendingPathComponent("shard").path
        try FileManager.default.createDirectory(atPath: shard, withIntermediateDirectories: true)
        func manifest(_ parameters: String) throws {
            try Data(#"{"scenario": "genslm", "source": "genslm", "fingerprint": "0", "parameters": \#(parameters), "points": 2}"#.utf8)
                .write(to: URL(fileURLWithPath: shard + "/sweep.json"))
        }
        try manifest(#"[{"name": "systems", "values": ["1", "999"]}]"#)
        XCTAssertThrowsError(try SweepRunner.storedDefinition(shard)) { e in
            XCTAssert("\(e)".hasPrefix("\(shard)/sweep.json: $.parameters[0].values[1]: systems=999: expected an integer in 1..."), "\(e)")
        }
        let r = try cli.run(["merge", "--out", cli.scratch.appendingPathComponent("m").path, shard])
        XCTAssertEqual(r.status, 2, r.err)
        XCTAssert(r.err.contains("\(shard)/sweep.json: $.parameters[0].values[1]: systems=999") && !r.err.contains("--param"), r.err)
        try manifest(#"[{"name": "sytems", "values": ["1"]}]"#)
        XCTAssertThrowsError(try SweepRunner.storedDefinition(shard)) { e in
            XCTAssert("\(e)".hasPrefix("\(shard)/sweep.json: $.parameters[0].name: sytems: unknown parameter"), "\(e)")
        }
        try manifest(#"[{"name": "systems", "values": ["1"]}, {"name": "systems", "values": ["2"]}]"#)
        XCTAssertThrowsError(try SweepRunner.storedDefinition(shard)) { e in
            XCTAssert("\(e)".hasPrefix("\(shard)/sweep.json: $.parameters[1].name: parameter \"systems\" is listed twice"), "\(e)")
        }
        try manifest(#"[{"name": "systems", "values": ["1", "2"]}]"#)
        let stored = try XCTUnwrap(try SweepRunner.storedDefinition(shard))
        XCTAssertEqual(stored.source, "genslm")
        XCTAssertEqual(stored.parameters, [try SweepParameter(parsing: "systems=1,2")])
    }
}
