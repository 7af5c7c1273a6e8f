import AndromedaSim
import Foundation
import Reports
import XCTest

/// Single-file outputs (`run --trace`, `wafer --heatmap` and `--trace`, the converters' `--out`)
/// and the output lock never replace or remove a file andromeda-sim did not write: a path is new,
/// or a regular file of the same format the program wrote (only a Perfetto trace is recognised);
/// never inside an output folder, never one file for two outputs. Anything else exits 2 and
/// leaves the file as it was.
final class SingleFileOutputTests: XCTestCase {
    var cli: CLIHarness!

    override func setUpWithError() throws { cli = try CLIHarness() }
    override func tearDown() { cli = nil }

    var scratch: URL { cli.scratch }
    func path(_ name: String) -> String { scratch.appendingPathComponent(name).path }
    func bytes(_ name: String) -> Data? { FileManager.default.contents(atPath: path(name)) }
    /// What the scratch folder holds: every regular file's bytes, links as their targets' names,
    /// anything else as its type (a FIFO is never opened).
    func snapshot() -> [String: Data] {
        var out: [String: Data] = [:]
        let fm = FileManager.default
        for name in fm.enumerator(atPath: scratch.path)?.allObjects as? [String] ?? [] {
            let type = (try? fm.attributesOfItem(atPath: path(name)))?[.type] as? FileAttributeType
            switch type {
            case .typeSymbolicLink?: out[name] = Data(("-> " + ((try? fm.destinationOfSymbolicLink(atPath: path(name))) ?? "?")).utf8)
            case .typeRegular?: out[name] = bytes(name)
            default: out[name] = Data("\(String(describing: type))".utf8)
            }
        }
        return out
    }

    func refusedUnchanged(_ args: [String], _ needles: String..., file: StaticString = #filePath, line: UInt = #line) throws {
        let before = snapshot()
        let r = try cli.run(args, cwd: scratch)
        XCTAssertEqual(r.status, 2, "\(args): \(r.err)", file: file, line: line)
        for n in needles { XCTAssert(r.err.contains(n), "\(args): expected \"\(n)\" in: \(r.err)", file: file, line: line) }
        XCTAssertEqual(snapshot(), before, "\(args) changed the folder", file: file, line: line)
    }

    func testARunTraceNeverLandsInAnotherRunsFolderNorOnAUsersFile() throws {
        _ = try cli.genslm("\"systems\": [1, 2, 4, 8, 16]", "\"systems\": [1]", "q.json")
        XCTAssertEqual(try cli.run(["run", "q.json", "--out", "prev", "--quiet"], cwd: scratch).status, 0)
        for name in ["prev/summary.json", "prev/" + OutputMarker.file, "prev/new.json", "prev/sub/t.json"] {
            try refusedUnchanged(["run", "q.json", "--out", "o3", "--quiet", "--trace", name], "--trace \(name)", "output folder", "outside it")
        }
        // The earlier folder is still a run's, replaced by the next run into it.
        XCTAssertEqual(try cli.run(["run", "q.json", "--out", "prev", "--quiet"], cwd: scratch).status, 0)
        _ = try cli.write("{\"mine\": true}\n", "existing.json")
        try FileManager.default.createSymbolicLink(atPath: path("link.json"), withDestinationPath: "existing.json")
        try FileManager.default.createSymbolicLink(atPath: path("dangling.json"), withDestinationPath: "nowhere.json")
        XCTAssertEqual(mkfifo(path("fifo.json"), 0o644), 0)
        try refusedUnchanged(["run", "q.json", "--out", "o3", "--quiet", "--trace", "existing.json"], "existing.json",
                             "is not a Perfetto trace andromeda-sim wrote", "remove it or choose another --trace path")
        for link in ["link.json", "dangling.json"] {
            try refusedUnchanged(["run", "q.json", "--out", "o3", "--quiet", "--trace", link], link, "symbolic link")
        }
        try refusedUnchanged(["run", "q.json", "--out", "o3", "--quiet", "--trace", "fifo.json"], "not a regular file")
        // The folder's lock and staging names are the program's own.
        try refusedUnchanged(["run", "q.json", "--out", "o3", "--quiet", "--trace", ".o3.lock"], "lock or staging")
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("o3")))
    }

    func testATraceTheProgramWroteIsReplacedAndOneItDidNotIsKept() throws {
        _ = try cli.genslm("\"systems\": [1, 2, 4, 8, 16]", "\"systems\": [1]", "q.json")
        for _ in 0..<2 {
            let r = try cli.run(["run", "q.json", "--out", "o", "--quiet", "--trace", "t.json"], cwd: scratch)
            XCTAssertEqual(r.status, 0, r.err)
        }
        let trace = try XCTUnwrap(bytes("t.json"))
        // A trace cut short, or edited after its writer's record, is no longer the program's.
        _ = try cli.write(String(decoding: trace.dropLast(2), as: UTF8.self), "cut.json")
        _ = try cli.write(String(decoding: trace, as: UTF8.self) + " ", "edited.json")
        for name in ["cut.json", "edited.json"] {
            try refusedUnchanged(["run", "q.json", "--out", "o", "--quiet", "--trace", name], "is not a Perfetto trace")
        }
    }

    func testTheLockNeverRemovesAFileItDidNotMake() throws {
        _ = try cli.write("precious\n", ".lk.lock")
        try refusedUnchanged(["run", "genslm", "--out", "lk", "--quiet"], ".lk.lock", "did not make it", "remove it")
        try refusedUnchanged(["sweep", "genslm", "--param", "systems=1", "--out", "lk", "--quiet"], ".lk.lock")
        XCTAssertThrowsError(try OutputLock(path("lk"))) { XCTAssert($0 is OutputRefused, "\($0)") }
        // An empty file is not the program's either, nor a link to one that is.
        _ = try cli.write("", ".e.lock")
        try refusedUnchanged(["run", "genslm", "--out", "e", "--quiet"], ".e.lock")
        _ = try cli.write(OutputLock.signature, "signed")
        try FileManager.default.createSymbolicLink(atPath: path(".l.lock"), withDestinationPath: "signed")
        try refusedUnchanged(["run", "genslm", "--out", "l", "--quiet"], ".l.lock", "symbolic link")
        // A lock the program made and a killed writer left (it holds the signature) is taken over and removed.
        _ = try cli.write(OutputLock.signature, ".k.lock")
        let r = try cli.run(["run", "genslm", "--out", "k", "--quiet"], cwd: scratch)
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path(".k.lock")))
        // A lock being held is signed and refuses a second writer.
        let lock = try OutputLock(path("h"))
        XCTAssertEqual(bytes(".h.lock"), Data(OutputLock.signature.utf8))
        try cli.refused(["run", "genslm", "--out", "h", "--quiet"], "another andromeda-sim", cwd: scratch)
        lock.release()
        XCTAssertFalse(FileManager.default.fileExists(atPath: path(".h.lock")))
    }

    func testConvertersWriteOnlyToANewPath() throws {
        _ = try cli.write("jobid,user,submitted_time,num_gpus,duration_s\na,u,2017-10-03 10:00:00,8,3600\n", "p.csv")
        _ = try cli.write("1 0 0 3600 64 -1 -1 64 3600 -1 1 1 -1 -1 -1 -1 -1 -1\n", "log.swf")
        _ = try cli.genslm("\"systems\": [1, 2, 4, 8, 16]", "\"systems\": [1]", "q.json")
        try FileManager.default.createSymbolicLink(atPath: path("link.csv"), withDestinationPath: "q.json")
        try FileManager.default.createSymbolicLink(atPath: path("dangling.csv"), withDestinationPath: "nowhere.csv")
        XCTAssertEqual(try cli.run(["run", "q.json", "--out", "o", "--quiet"], cwd: scratch).status, 0)
        for convert in [["convert-philly", "p.csv"], ["convert-swf", "log.swf"]] {
            try refusedUnchanged(convert + ["--out", "q.json"], "--out q.json", "exists", "remove it or choose another --out path")
            try refusedUnchanged(convert + ["--out", "link.csv"], "symbolic link")
            try refusedUnchanged(convert + ["--out", "dangling.csv"], "symbolic link")
            try refusedUnchanged(convert + ["--out", "o/t.csv"], "output folder")
            let r = try cli.run(convert + ["--out", "new-\(convert[0]).csv"], cwd: scratch)
            XCTAssertEqual(r.status, 0, r.err)
            // Not even its own earlier output: a trace CSV carries no mark of its writer.
            try refusedUnchanged(convert + ["--out", "new-\(convert[0]).csv"], "exists")
        }
    }

    func testWaferOutputsAreTwoFilesAndNeverAUsersFile() throws {
        let wafer = ["wafer", "--model", "genslm-123m", "--grid", "64x64", "--op", "qkv", "--trace-cores", "2x2"]
        try FileManager.default.createDirectory(atPath: path("d"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: path("dl"), withDestinationPath: "d")
        for (heat, trace) in [("same.svg", "same.svg"), ("./same.svg", "same.svg"), ("d/x", "dl/x"), ("d/../x", "x")] {
            try refusedUnchanged(wafer + ["--heatmap", heat, "--trace", trace], "--trace \(trace): is the same file as --heatmap \(heat)")
        }
        let r = try cli.run(wafer + ["--heatmap", "w.svg", "--trace", "w.json"], cwd: scratch)
        XCTAssertEqual(r.status, 0, r.err)
        // The heat map (an SVG carries no mark) is never replaced; the trace, the program's, is.
        try refusedUnchanged(wafer + ["--heatmap", "w.svg"], "--heatmap w.svg", "exists")
        try refusedUnchanged(wafer + ["--heatmap", "w2.svg", "--trace", "w.svg"], "--trace w.svg", "is not a Perfetto trace")
        let again = try cli.run(wafer + ["--heatmap", "w2.svg", "--trace", "w.json"], cwd: scratch)
        XCTAssertEqual(again.status, 0, again.err)
    }
}
