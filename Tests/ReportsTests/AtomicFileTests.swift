import Foundation
import XCTest
@testable import Reports

final class AtomicFileTests: XCTestCase {
    var dir = ""

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("reports-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: dir)
    }

    func read(_ path: String) throws -> String {
        String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
    }

    /// All names in `directory` and below.
    func allFiles(_ directory: String) -> [String] {
        (FileManager.default.enumerator(atPath: directory)?.allObjects as? [String] ?? []).sorted()
    }

    func testCreatesDirectoriesAndLeavesNoTemporaryFile() throws {
        let path = dir + "/a/b/c/out.csv"
        try AtomicFile.write("x,y\n1,2\n", to: path)
        XCTAssertEqual(try read(path), "x,y\n1,2\n")
        XCTAssertEqual(allFiles(dir), ["a", "a/b", "a/b/c", "a/b/c/out.csv"])
    }

    func testReplacesAnExistingFileAndKeepsItsPermissions() throws {
        let path = dir + "/summary.json"
        try AtomicFile.write("old content that is longer\n", to: path)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        try AtomicFile.write(Data("new\n".utf8), to: path)
        XCTAssertEqual(try read(path), "new\n")
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber
        XCTAssertEqual(mode?.intValue, 0o600)
        XCTAssertEqual(allFiles(dir), ["summary.json"])
        try AtomicFile.write("", to: path)
        XCTAssertEqual(try read(path), "")
    }

    func testRelativePath() throws {
        let cwd = FileManager.default.currentDirectoryPath
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(dir))
        defer { _ = FileManager.default.changeCurrentDirectoryPath(cwd) }
        try AtomicFile.write("r", to: "rel.txt")
        try AtomicFile.write("s", to: "sub/rel.txt")
        XCTAssertEqual(try read(dir + "/rel.txt"), "r")
        XCTAssertEqual(try read(dir + "/sub/rel.txt"), "s")
        XCTAssertEqual(allFiles(dir), ["rel.txt", "sub", "sub/rel.txt"])
    }

    func testWritingOverADirectoryFailsWithoutDestroyingIt() throws {
        let target = dir + "/results"
        try AtomicFile.write("keep", to: target + "/inner.txt")
        XCTAssertThrowsError(try AtomicFile.write("x", to: target)) { e in
            XCTAssertEqual((e as? ReportError)?.message, "\(target): cannot write: is a directory")
        }
        XCTAssertEqual(try read(target + "/inner.txt"), "keep")
        XCTAssertEqual(allFiles(dir), ["results", "results/inner.txt"])
        XCTAssertThrowsError(try AtomicFile.write("x", to: target + "/"))
        XCTAssertThrowsError(try AtomicFile.write("x", to: ""))
    }

    func testParentIsAFile() throws {
        let file = dir + "/plain"
        try AtomicFile.write("keep", to: file)
        XCTAssertThrowsError(try AtomicFile.write("x", to: file + "/child.csv")) { e in
            let message = (e as? ReportError)?.message ?? ""
            XCTAssertTrue(message.hasPrefix(file + "/child.csv: cannot create directory"), message)
        }
        XCTAssertEqual(try read(file), "keep")
        XCTAssertEqual(allFiles(dir), ["plain"])
    }

    func testUnwritableDirectory() throws {
        guard getuid() != 0 else { throw XCTSkip("root can write anywhere") }
        let locked = dir + "/locked"
        try FileManager.default.createDirectory(atPath: locked, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o500], ofItemAtPath: locked)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: locked) }
        XCTAssertThrowsError(try AtomicFile.write("x", to: locked + "/f.csv")) { e in
            XCTAssertTrue((e as? ReportError)?.message.hasPrefix(locked + "/f.csv: cannot create a temporary file") ?? false)
        }
    }

    func testTableAndDocumentWriteHelpers() throws {
        var t = CSVTable(columns: ["a"])
        try t.append([.int(1)])
        try t.write(to: dir + "/t.csv")
        try JSONOutput.object([("a", .int(1))]).write(to: dir + "/d.json", indent: 0)
        XCTAssertEqual(try read(dir + "/t.csv"), "a\n1\n")
        XCTAssertEqual(try read(dir + "/d.json"), "{\"a\":1}\n")
    }
}
