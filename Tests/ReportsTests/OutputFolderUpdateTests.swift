import Foundation
import XCTest
@testable import Reports

/// An update of a folder that keeps other files (a sweep's merged files beside its points): the
/// staged set replaces its namesakes as one, a failure leaves the previous set, and a commit
/// killed part way is finished by the next writer, never leaving files of two sets.
final class OutputFolderUpdateTests: XCTestCase {
    var dir = ""
    var folder: String { dir + "/sweep" }
    let names = ["a.csv", "b.csv", "report.html"]
    let fm = FileManager.default

    override func setUpWithError() throws {
        dir = fm.temporaryDirectory.appendingPathComponent("update-\(UUID().uuidString)").path
        try fm.createDirectory(atPath: folder + "/points", withIntermediateDirectories: true)
        try OutputMarker.write(.sweep, into: folder)
        try AtomicFile.write("kept\n", to: folder + "/points/p1.done")
        for n in names { try AtomicFile.write("old \(n)\n", to: folder + "/" + n) }
    }

    override func tearDownWithError() throws { try? fm.removeItem(atPath: dir) }

    func read(_ name: String) -> String? { try? String(contentsOfFile: folder + "/" + name, encoding: .utf8) }

    /// The folder's set: "old" or "new" when every name is there, "part of new" when some are
    /// missing; fails on files of two sets.
    func set(line: UInt = #line) -> String {
        let texts = names.compactMap { read($0) }
        let kinds = Set(texts.map { String($0.prefix { $0 != " " }) })
        XCTAssertLessThanOrEqual(kinds.count, 1, "files of two sets: \(texts)", line: line)
        XCTAssertEqual(read("points/p1.done"), "kept\n", "the other files stay", line: line)
        let kind = kinds.sorted().joined(separator: "+")
        return texts.count == names.count ? kind : "part of " + kind
    }

    /// Staging folders left beside the folder.
    func leftovers() throws -> [String] { try fm.contentsOfDirectory(atPath: dir).filter { $0.contains(".staging-") } }

    func staged(_ lock: OutputLock) throws -> OutputFolder {
        let update = try OutputFolder(updating: lock, kind: .sweep, shown: folder)
        for n in names { try AtomicFile.write("new \(n)\n", to: update.staged(n)) }
        return update
    }

    func testACommitReplacesTheSetAndKeepsEverythingElse() throws {
        let lock = try OutputLock(folder)
        try staged(lock).commit()
        XCTAssertEqual(set(), "new")
        XCTAssertEqual(OutputMarker.kind(of: folder), .sweep)
        XCTAssertEqual(try leftovers(), [])
        lock.release()
    }

    func testAFailedCommitLeavesThePreviousSet() throws {
        // A namesake that cannot be replaced is found before anything changes.
        try fm.removeItem(atPath: folder + "/b.csv")
        try fm.createDirectory(atPath: folder + "/b.csv", withIntermediateDirectories: false)
        let lock = try OutputLock(folder)
        XCTAssertThrowsError(try staged(lock).commit()) { XCTAssert("\($0)".contains("b.csv: cannot replace it"), "\($0)") }
        XCTAssertEqual(read("a.csv"), "old a.csv\n")
        XCTAssertEqual(read("report.html"), "old report.html\n")
        XCTAssertEqual(try leftovers(), [])
        // Given up before the commit: nothing changes either.
        try fm.removeItem(atPath: folder + "/b.csv")
        try AtomicFile.write("old b.csv\n", to: folder + "/b.csv")
        let update = try staged(lock)
        update.abandon()
        XCTAssertEqual(set(), "old")
        XCTAssertEqual(try leftovers(), [])
    }

    /// Kills a commit (as `kill -9` would: the staging folder stays) after it recorded its set,
    /// removed the previous files and moved `moved` of the new ones in.
    func killedCommit(moved: Int, recorded: Bool) throws {
        let lock = try OutputLock(folder)
        let update = try staged(lock)
        let order = try update.stagedNames()
        XCTAssertEqual(order, names)
        if recorded {
            try update.writeRecord(order)
            for n in order { XCTAssertEqual(unlink(folder + "/" + n), 0) }
            for n in order.prefix(moved) { XCTAssertEqual(rename(update.staged(n), folder + "/" + n), 0) }
        }
        update.done = true
        TemporaryFiles.unregister(update.staging)
        lock.release()
        XCTAssertEqual(try leftovers().count, 1)
    }

    func testACommitKilledAfterItsRecordIsFinishedByTheNextWriter() throws {
        for moved in 0...names.count {
            try tearDownWithError()
            try setUpWithError()
            try killedCommit(moved: moved, recorded: true)
            // Never old and new side by side, even before the next writer comes.
            XCTAssertEqual(set(), moved == names.count ? "new" : "part of " + (moved == 0 ? "" : "new"))
            let lock = try OutputLock(folder)
            OutputFolder.recover(lock)
            XCTAssertEqual(set(), "new", "moved \(moved)")
            XCTAssertEqual(try leftovers(), [])
            lock.release()
        }
    }

    func testACommitKilledBeforeItsRecordLeavesThePreviousSet() throws {
        try killedCommit(moved: 0, recorded: false)
        // The next writer into the folder (an update or a sweep's run) removes the staging folder.
        let lock = try OutputLock(folder)
        let update = try OutputFolder(updating: lock, kind: .sweep, shown: folder)
        XCTAssertEqual(set(), "old")
        XCTAssertEqual(try leftovers(), [(update.staging as NSString).lastPathComponent])
        update.abandon()
        lock.release()
    }
}
