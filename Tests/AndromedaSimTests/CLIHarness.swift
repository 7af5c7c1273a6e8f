import AndromedaSim
import Foundation
import XCTest

/// Runs the built `andromeda-sim` binary in a scratch folder, for the hardening tests.
final class CLIHarness {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    let scratch: URL

    init() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("asim-harden-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: scratch) }

    /// The built binary (debug first, then release), or a skip when none is built.
    static func binary() throws -> URL {
        for config in ["debug", "release"] {
            let u = root.appendingPathComponent(".build/\(config)/andromeda-sim")
            if FileManager.default.isExecutableFile(atPath: u.path) { return u }
        }
        throw XCTSkip("andromeda-sim is not built (swift build --build-tests builds it)")
    }

    /// Runs `executable` (default: the built binary) in `cwd` (default: the repository root) with
    /// `environment` added to this process's; the status is the exit status, or 128 + the signal
    /// when one ended it. Every command-line test runs the binary through this.
    /// With `mergingOutput`, standard error goes to the same pipe as standard output (`out`), as
    /// with `2>&1`, and `err` is empty.
    static func run(_ args: [String], executable: URL? = nil, cwd: URL? = nil, environment: [String: String] = [:],
                    mergingOutput: Bool = false) throws -> (status: Int32, out: String, err: String)
    {
        let p = Process()
        p.executableURL = try executable ?? binary()
        p.arguments = args
        p.currentDirectoryURL = cwd ?? root
        if !environment.isEmpty { p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = mergingOutput ? out : err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        // A pipe the child was not given never ends (this process holds its writing end).
        let e = mergingOutput ? Data() : err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let status = p.terminationReason == .uncaughtSignal ? 128 + p.terminationStatus : p.terminationStatus
        return (status, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    func binary() throws -> URL { try Self.binary() }

    /// Runs the binary (see the static ``run(_:executable:cwd:environment:)``).
    @discardableResult
    func run(_ args: [String], cwd: URL? = nil) throws -> (status: Int32, out: String, err: String) {
        try Self.run(args, cwd: cwd)
    }

    /// Expects exit status 2 with a message on standard error containing every one of `needles`.
    func refused(_ args: [String], _ needles: String..., cwd: URL? = nil, file: StaticString = #filePath, line: UInt = #line) throws {
        let r = try run(args, cwd: cwd)
        XCTAssertEqual(r.status, 2, "\(args): \(r.err)", file: file, line: line)
        for n in needles { XCTAssert(r.err.contains(n), "\(args): expected \"\(n)\" in: \(r.err)", file: file, line: line) }
    }

    func write(_ text: String, _ name: String) throws -> URL {
        let u = scratch.appendingPathComponent(name)
        try text.write(to: u, atomically: true, encoding: .utf8)
        return u
    }

    /// genslm.json with `from` replaced by `to` (once), written as `name`.
    func genslm(_ from: String, _ to: String, _ name: String = "g.json") throws -> URL {
        let text = try String(contentsOf: Self.root.appendingPathComponent("Scenarios/genslm.json"), encoding: .utf8)
        XCTAssert(text.contains(from), from)
        return try write(text.replacingOccurrences(of: from, with: to), name)
    }

    static let traceHeader = "job_id,user,submit_s,model,systems,per_system_batch,samples\n"

    /// A multitenant scenario replaying `trace.csv` (written next to it) under FIFO.
    func traceScenario(_ rows: String, extra: String = "") throws -> URL {
        _ = try write(Self.traceHeader + rows, "trace.csv")
        return try write("""
            {"version": 1, "name": "t", "multitenant": {"policies": ["fifo"], "trace": "trace.csv"\(extra)}}
            """, "t.json")
    }

    /// Runs the binary and sends it SIGTERM once `folder` holds a finished point (`*.done`);
    /// returns 128 + the signal when the signal ended it.
    func run(_ args: [String], terminateAfterFirstPoint folder: String) throws -> (status: Int32, out: String, err: String) {
        let p = Process()
        p.executableURL = try binary()
        p.arguments = args
        p.currentDirectoryURL = Self.root
        let err = Pipe()
        p.standardOutput = FileHandle.nullDevice
        p.standardError = err
        try p.run()
        // Poll (no timing is asserted): until a point is done or the process ends by itself.
        while p.isRunning {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
            if names.contains(where: { $0.hasSuffix(".done") }) { p.terminate(); break }
            usleep(20_000)
        }
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let status = p.terminationReason == .uncaughtSignal ? 128 + p.terminationStatus : p.terminationStatus
        return (status, "", String(decoding: e, as: UTF8.self))
    }
}
