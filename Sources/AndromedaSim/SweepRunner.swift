import Foundation
import Reports
import SimHost

/// Runs a ``Sweep`` into a folder, in parallel, resumably and in shards.
///
/// Layout: `sweep.json` (the sweep's fingerprint and grid), `points/p<k>.scaling.csv`,
/// `points/p<k>.cluster.csv` and `points/p<k>.done` per finished point (written in that order,
/// each through a temporary file), and, once every point is done, `sweep_scaling.csv` and
/// `sweep_cluster.csv` assembled in point order. The folder is locked while a run or merge writes
/// to it (``OutputLock``), sweep.json is created exclusively, and its `source` is the absolute
/// path of the scenario file (or a built-in name), so `merge` works from any folder. An
/// interrupted run leaves its finished points on disk; running again into the same folder skips
/// them. `--shard i/n` runs the points k with
/// k mod n = i; ``merge(_:into:)`` joins shard folders into what one machine would have written.
public enum SweepRunner {
    /// What a run did.
    public struct Outcome: Sendable, Equatable {
        /// Points in the whole sweep (every shard).
        public var points: Int
        /// Points simulated by this run.
        public var ran: Int
        /// Points of this shard already done in the folder, not run again.
        public var skipped: Int
        /// True when every point of the sweep is done and the final files were written.
        public var complete: Bool
    }

    static func pointName(_ k: Int) -> String { String(format: "p%07d", k) }

    /// Runs the points of `sweep` that `shard` selects and that are not done yet in `directory`,
    /// on `workers` threads pinned one per core with hwloc. `progress` is called (under a lock)
    /// after each point with (done, total).
    public static func run(_ sweep: Sweep, source: String, directory: String, workers: Int,
                           shard: (index: Int, count: Int) = (0, 1),
                           progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> Outcome {
        let fm = FileManager.default
        // One process per folder: a second run, sweep or merge into it is refused (OutputRefused).
        let lock = try OutputLock(directory)
        defer { lock.release() }
        try OutputMarker.checkReusable(lock.folder, as: .sweep, shown: directory)
        try claim(directory, for: sweep, source: source)
        let mine = sweep.points.indices.filter { $0 % shard.count == shard.index }
        let todo = mine.filter { !fm.fileExists(atPath: "\(directory)/points/\(pointName($0)).done") }
        let state = WorkState(todo: todo, total: mine.count, done: mine.count - todo.count, progress: progress)
        let binder = CPUBinder.shared
        let cpus = binder.workerCPUs(count: max(1, workers))
        let threads = min(max(1, workers), max(1, todo.count))
        let group = DispatchGroup()
        for w in 0..<threads {
            group.enter()
            let cpu = cpus[w % cpus.count]
            let thread = Thread {
                binder.bindCurrentThread(toCPU: cpu)
                while let k = state.next() {
                    do {
                        let rows = try sweep.run(point: k)
                        let base = "\(directory)/points/\(pointName(k))"
                        try AtomicFile.write(rows.scaling, to: base + ".scaling.csv")
                        try AtomicFile.write(rows.cluster, to: base + ".cluster.csv")
                        try AtomicFile.write(sweep.points[k].joined(separator: ",") + "\n", to: base + ".done")
                        state.finished()
                    } catch {
                        state.fail("point \(k) (\(zip(sweep.parameters, sweep.points[k]).map { "\($0.name)=\($1)" }.joined(separator: " "))): \(error)")
                    }
                }
                group.leave()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        group.wait()
        if let e = state.error { throw SweepError(e) }
        let complete = try assemble(sweep, directory: directory)
        return Outcome(points: sweep.points.count, ran: todo.count, skipped: mine.count - todo.count, complete: complete)
    }

    /// Makes `directory` the folder of `sweep` (the caller holds its lock): creates sweep.json
    /// exclusively, or checks that the one there has the same fingerprint; removes temporary
    /// files left by a killed run.
    static func claim(_ directory: String, for sweep: Sweep, source: String) throws {
        let fm = FileManager.default
        do {
            try fm.createDirectory(atPath: directory + "/points", withIntermediateDirectories: true)
        } catch {
            throw ReportError("\(directory)/points: cannot create the folder: \(error.localizedDescription)")
        }
        for sub in [directory, directory + "/points"] {
            for entry in (try? fm.contentsOfDirectory(atPath: sub)) ?? [] where entry.hasPrefix(".") && entry.hasSuffix(".tmp") {
                try? fm.removeItem(atPath: sub + "/" + entry)
            }
        }
        if OutputMarker.kind(of: directory) == nil { try OutputMarker.write(.sweep, into: directory) }
        if try AtomicFile.createExclusively(manifestJSON(sweep, source: source).render(), at: directory + "/sweep.json") { return }
        guard let existing = storedFingerprint(directory) else {
            throw SweepError("\(directory)/sweep.json is not a readable sweep manifest; choose another --out or remove the folder")
        }
        guard existing == sweep.fingerprint else {
            throw SweepError("\(directory) holds the results of a different sweep (its sweep.json has another fingerprint: "
                + "another scenario, grid or trace contents); choose another --out or remove it")
        }
    }

    /// Writes sweep_scaling.csv, sweep_cluster.csv and report.html if every point is done; returns whether it did.
    @discardableResult
    public static func assemble(_ sweep: Sweep, directory: String) throws -> Bool {
        let fm = FileManager.default
        var scaling = sweep.headers.scaling.joined(separator: ",") + "\n"
        var cluster = sweep.headers.cluster.joined(separator: ",") + "\n"
        for k in sweep.points.indices {
            let base = "\(directory)/points/\(pointName(k))"
            guard fm.fileExists(atPath: base + ".done") else { return false }
            scaling += try String(contentsOfFile: base + ".scaling.csv", encoding: .utf8)
            cluster += try String(contentsOfFile: base + ".cluster.csv", encoding: .utf8)
        }
        try AtomicFile.write(scaling, to: directory + "/sweep_scaling.csv")
        try AtomicFile.write(cluster, to: directory + "/sweep_cluster.csv")
        try AtomicFile.write(HTMLReport.sweep(sweep, scaling: scaling, cluster: cluster), to: directory + "/report.html")
        return true
    }

    /// Copies the finished points of `shards` (folders of the same sweep) into `directory` and
    /// assembles the final files there.
    public static func merge(_ sweep: Sweep, source: String, shards: [String], into directory: String) throws -> Bool {
        let fm = FileManager.default
        for d in shards {
            guard let f = storedFingerprint(d) else { throw SweepError("\(d): no sweep.json (not a sweep output folder)") }
            guard f == sweep.fingerprint else { throw SweepError("\(d) holds a different sweep than the first shard") }
        }
        let lock = try OutputLock(directory)
        defer { lock.release() }
        try OutputMarker.checkReusable(lock.folder, as: .sweep, shown: directory)
        try claim(directory, for: sweep, source: source)
        for k in sweep.points.indices {
            let name = pointName(k)
            guard let src = shards.first(where: { fm.fileExists(atPath: "\($0)/points/\(name).done") }) else { continue }
            if URL(fileURLWithPath: src).standardizedFileURL.path == lock.folder { continue }
            for ext in ["scaling.csv", "cluster.csv", "done"] {
                let text = try String(contentsOfFile: "\(src)/points/\(name).\(ext)", encoding: .utf8)
                try AtomicFile.write(text, to: "\(directory)/points/\(name).\(ext)")
            }
        }
        return try assemble(sweep, directory: directory)
    }

    /// The scenario argument and parameters recorded in a sweep folder (for `merge`).
    public static func storedDefinition(_ directory: String) -> (source: String, parameters: [String])? {
        guard let data = FileManager.default.contents(atPath: directory + "/sweep.json"),
              let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let source = obj["source"] as? String, let params = obj["parameters"] as? [[String: Any]] else { return nil }
        var out: [String] = []
        for p in params {
            guard let n = p["name"] as? String, let v = p["values"] as? [String] else { return nil }
            out.append("\(n)=\(v.joined(separator: ","))")
        }
        return (source, out)
    }

    static func storedFingerprint(_ directory: String) -> String? {
        guard let data = FileManager.default.contents(atPath: directory + "/sweep.json"),
              let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        return obj["fingerprint"] as? String
    }

    static func manifestJSON(_ sweep: Sweep, source: String) -> JSONOutput {
        .object([
            ("scenario", .string(sweep.scenario.name)),
            ("source", .string(source)),
            ("fingerprint", .string(sweep.fingerprint)),
            ("parameters", .array(sweep.parameters.map { p in .object([("name", .string(p.name)), ("values", .array(p.values.map { .string($0) }))]) })),
            ("points", .int(Int64(sweep.points.count))),
        ])
    }
}

/// The work queue shared by sweep workers.
final class WorkState: @unchecked Sendable {
    private let lock = NSLock()
    private var todo: [Int]
    private var cursor = 0
    private var done: Int
    private let total: Int
    private let progress: (@Sendable (Int, Int) -> Void)?
    private(set) var error: String?

    init(todo: [Int], total: Int, done: Int, progress: (@Sendable (Int, Int) -> Void)?) {
        self.todo = todo
        self.total = total
        self.done = done
        self.progress = progress
    }

    func next() -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard error == nil, cursor < todo.count else { return nil }
        cursor += 1
        return todo[cursor - 1]
    }

    func finished() {
        lock.lock(); defer { lock.unlock() }
        done += 1
        progress?(done, total)
    }

    func fail(_ message: String) {
        lock.lock(); defer { lock.unlock() }
        if error == nil { error = message }
    }
}
