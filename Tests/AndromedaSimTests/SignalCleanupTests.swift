import AndromedaSim
import Foundation
import Reports
import XCTest

/// Issue 22, items 3 and 4: every spelling of a folder meets the same lock, and a handled signal
/// (SIGINT, SIGTERM, SIGHUP) at any point of a run or sweep leaves no staging folder, lock or
/// temporary file, and the output folder whole (the previous run's or the new one).
final class SignalCleanupTests: XCTestCase {
    var cli: CLIHarness!

    override func setUpWithError() throws { cli = try CLIHarness() }
    override func tearDown() { cli = nil }

    func leftovers() -> [String] {
        let all = FileManager.default.enumerator(atPath: cli.scratch.path)?.allObjects as? [String] ?? []
        return all.filter { $0.hasSuffix(".lock") || $0.contains(".staging-") || $0.contains(".old-") || $0.hasSuffix(".tmp") }
    }

    func testEverySpellingOfAFolderMeetsTheSameLock() throws {
        let out = cli.scratch.appendingPathComponent("o").path
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: cli.scratch.appendingPathComponent("link").path, withDestinationPath: out)
        let lock = try OutputLock(out)
        for spelling in ["link", "link/", "./o", "o/../o", "o//", cli.scratch.path + "/link/."] where spelling.last != "." {
            XCTAssertThrowsError(try OutputLock(cli.scratch.appendingPathComponent(spelling).path), spelling) { e in
                XCTAssert(e is OutputRefused, "\(spelling): \(e)")
            }
            try cli.refused(["run", "genslm", "--out", spelling, "--quiet"], "another andromeda-sim", cwd: cli.scratch)
        }
        lock.release()
        XCTAssertEqual(leftovers(), [])
    }

    /// 200 runs and sweeps, each sent SIGINT, SIGTERM or SIGHUP after a random delay (seeded, so
    /// the same delays every time) spread over the command's whole life.
    func testSignalsAtRandomPointsLeaveNothingBehind() throws {
        let scenario = try cli.traceScenario("j1,alice,0,genslm-123m,1,32,1e5\nj2,bob,5,genslm-123m,2,32,1e5\n")
        let out = cli.scratch.appendingPathComponent("o").path
        let run = ["run", scenario.path, "--out", out, "--quiet", "--trace", out + "/trace.json"]
        // One whole run first: the folder then holds a previous run, so most tries exercise the swap.
        XCTAssertEqual(try cli.run(run).status, 0)
        let start = Date()
        XCTAssertEqual(try cli.run(run).status, 0)
        let span = max(0.05, Date().timeIntervalSince(start)) * 1.2
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func random() -> Double {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
        }
        var statuses: [Int32: Int] = [:]
        for k in 0..<200 {
            let sweep = k % 4 == 3
            let args = sweep ? ["sweep", scenario.path, "--param", "seed=\(k),\(k + 1)", "--out", cli.scratch.appendingPathComponent("s\(k)").path,
                                "--quiet", "--workers", "2"] : run
            let p = Process()
            p.executableURL = try CLIHarness.binary()
            p.arguments = args
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            usleep(useconds_t(random() * span * 1e6))
            let sig = [SIGINT, SIGTERM, SIGHUP][k % 3]
            kill(p.processIdentifier, sig)
            p.waitUntilExit()
            let status = p.terminationReason == .uncaughtSignal ? 128 + p.terminationStatus : p.terminationStatus
            statuses[status, default: 0] += 1
            XCTAssert([0, 1, 128 + sig].contains(status), "try \(k): status \(status)")
            XCTAssertEqual(leftovers(), [], "try \(k) (\(args[0]), signal \(sig))")
            if !leftovers().isEmpty { break }
            // The output folder is whole: a complete run (the previous one or the new one).
            for f in ["summary.json", "report.html", OutputMarker.file, "trace.json"] {
                XCTAssert(FileManager.default.fileExists(atPath: out + "/" + f), "try \(k): \(f) missing")
            }
        }
        // The delays reach both ends: some tries finished, some were interrupted.
        XCTAssertGreaterThan(statuses.filter { $0.key != 0 }.values.reduce(0, +), 20, "\(statuses)")
    }
}
