import Foundation
import Reports
import SimEngine
import SimHost

/// Runs a ``Sweep`` into a folder, in parallel, resumably and in shards.
///
/// Layout: `sweep.json` (the sweep's fingerprint and grid), `points/p<k>.scaling.csv`,
/// `points/p<k>.cluster.csv` and `points/p<k>.done` per finished point (written in that order,
/// each through a temporary file; the `.done` marker records each file's rows, size and checksum,
/// `SweepPointRecord`, and a point counts as done only when its files match it), and, once every point is done, `sweep_scaling.csv` and
/// `sweep_cluster.csv` assembled in point order with `report.html`, committed as one set
/// (``assemble(_:directory:)``). The folder is locked while a run or merge writes
/// to it (`OutputLock`), sweep.json is created exclusively, and its `source` is the absolute
/// path of the scenario file (or a built-in name), so `merge` works from any folder. An
/// interrupted run leaves its finished points on disk; running again into the same folder skips
/// them. `--shard i/n` runs the points k with
/// k mod n = i; ``merge(_:source:shards:into:)`` joins shard folders into what one machine would have written.
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
    /// after each point with (done, total). When `cancelled` returns true (it is asked before each
    /// point), no further point starts; the points running finish and are kept, and the run
    /// throws `SimulationError/cancelled` without writing the final files (running again into
    /// the same folder resumes).
    public static func run(_ sweep: Sweep, source: String, directory: String, workers: Int,
                           shard: (index: Int, count: Int) = (0, 1),
                           progress: (@Sendable (Int, Int) -> Void)? = nil,
                           cancelled: (@Sendable () -> Bool)? = nil) throws -> Outcome {
        // One process per folder: a second run, sweep or merge into it is refused (OutputRefused).
        let lock = try OutputLock(directory)
        defer { lock.release() }
        try OutputMarker.checkReusable(lock.folder, as: .sweep, shown: directory)
        OutputFolder.recover(lock)
        try claim(directory, for: sweep, source: source)
        let mine = sweep.points.indices.filter { $0 % shard.count == shard.index }
        // A point is done when its completion marker and files verify; any other is run (again).
        let todo = mine.filter { k in ((try? verifiedPoint(sweep, k, in: directory)) ?? nil) == nil }
        let state = WorkState(todo: todo, total: mine.count, done: mine.count - todo.count, progress: progress, cancelled: cancelled)
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
                        let record = SweepPointRecord(fingerprint: sweep.fingerprint, point: k, scaling: rows.scaling,
                                                      cluster: rows.cluster, headers: sweep.headers)
                        try AtomicFile.write(record.text, to: base + ".done")
                        state.finished()
                    } catch {
                        // A file that cannot be written (full disk) is exit status 1, not bad input.
                        state.fail("point \(k) (\(sweep.label(k))): \(error)",
                                   cannotWrite: error is ReportError)
                    }
                }
                group.leave()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        group.wait()
        if let e = state.error { throw state.cannotWrite ? ReportError(e) as Error : SweepError(e) }
        if state.stopped { throw SimulationError.cancelled }
        let complete = try assemble(sweep, lock: lock, shown: directory)
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
            throw SweepError("\(directory)/sweep.json is not a readable sweep manifest; choose another \(NamedParameter.out.marker) or remove the folder")
        }
        guard existing == sweep.fingerprint else { throw differentSweep(directory) }
    }

    /// The refusal of a folder whose sweep.json holds another sweep's fingerprint.
    static func differentSweep(_ directory: String) -> SweepError {
        SweepError("\(directory) holds the results of a different sweep (its sweep.json has another fingerprint: "
            + "another scenario, grid or trace contents); choose another \(NamedParameter.out.marker) or remove it")
    }

    /// The merged files of a sweep folder, written as one set.
    public static let mergedFiles = ["sweep_scaling.csv", "sweep_cluster.csv", "report.html"]

    /// Writes sweep_scaling.csv, sweep_cluster.csv and report.html into `directory` if every point
    /// is done (taking the folder's lock); returns whether it did. See
    /// `assemble(_:lock:shown:)`, which the run and the merge call holding the lock.
    @discardableResult
    public static func assemble(_ sweep: Sweep, directory: String) throws -> Bool {
        let lock = try OutputLock(directory)
        defer { lock.release() }
        try OutputMarker.checkReusable(lock.folder, as: .sweep, shown: directory)
        return try assemble(sweep, lock: lock, shown: directory)
    }

    /// Writes the merged files (``mergedFiles``) into the sweep folder `lock` holds if every
    /// point is done; returns whether it did. Every point is verified against its completion
    /// marker first. The three files are staged and committed as one set, as a run's folder is
    /// (`OutputFolder`, updating the folder): the points and sweep.json stay, and a failed or
    /// killed merge never leaves the files of two merges side by side.
    static func assemble(_ sweep: Sweep, lock: OutputLock, shown: String) throws -> Bool {
        var scaling = sweep.headers.scaling.joined(separator: ",") + "\n"
        var cluster = sweep.headers.cluster.joined(separator: ",") + "\n"
        for k in sweep.points.indices {
            guard let rows = try verifiedPoint(sweep, k, in: shown) else { return false }
            scaling += rows.scaling
            cluster += rows.cluster
        }
        let set = try OutputFolder(updating: lock, kind: .sweep, shown: shown)
        let texts = [scaling, cluster, HTMLReport.sweep(sweep, scaling: scaling, cluster: cluster)]
        for (name, text) in zip(mergedFiles, texts) { try AtomicFile.write(text, to: set.staged(name)) }
        try set.commit()
        return true
    }

    /// The rows of point `k` in `folder` (a sweep or shard folder) and its completion marker, when
    /// the point is done: nil when it has no marker; throws (naming the file) when the marker or a
    /// file does not match: missing, not a regular file, truncated, grown, altered, another
    /// point's or another sweep's.
    static func verifiedPoint(_ sweep: Sweep, _ k: Int, in folder: String) throws(SweepError)
        -> (scaling: String, cluster: String, marker: String)?
    {
        let base = "\(folder)/points/\(pointName(k))"
        let markerBytes: [UInt8]
        switch SweepPointRecord.readRegular(base + ".done", limit: SweepPointRecord.maxMarkerBytes) {
        case .failure(.missing): return nil
        case .failure(let p): throw SweepError("\(base).done: the point's completion marker \(p.text)")
        case .success(let b): markerBytes = b
        }
        guard let marker = String(validating: markerBytes, as: UTF8.self), let record = SweepPointRecord.parse(marker) else {
            throw SweepError("\(base).done: not a completion marker of this version (damaged, or written by an older "
                + "andromeda-sim); run the shard again into a new folder")
        }
        guard record.fingerprint == sweep.fingerprint else {
            throw SweepError("\(folder) holds a different sweep than the first shard (\(base).done records the fingerprint "
                + "\(record.fingerprint), this sweep's is \(sweep.fingerprint))")
        }
        guard record.point == k else {
            throw SweepError("\(base).done: records point \(record.point), not \(k) (files moved or copied between points)")
        }
        var texts: [String] = []
        let expected = [(SweepPointRecord.files[0], record.scaling, sweep.headers.scaling),
                        (SweepPointRecord.files[1], record.cluster, sweep.headers.cluster)]
        for (name, recorded, header) in expected {
            let path = "\(base).\(name)"
            let bytes: [UInt8]
            switch SweepPointRecord.readRegular(path, expected: recorded.bytes, limit: Int.max) {
            case .failure(let p): throw SweepError("\(path): \(p.text)")
            case .success(let b): bytes = b
            }
            let found = SweepPointRecord.describe(bytes, header: header)
            guard found.columns == recorded.columns else {
                throw SweepError("\(path): was written under other columns than this sweep's (\(header.joined(separator: ",")))")
            }
            guard found == recorded else {
                throw SweepError("\(path): its contents differ from what the shard recorded (\(found.rows) rows, checksum "
                    + "\(String(found.checksum, radix: 16)); recorded \(recorded.rows) rows, checksum \(String(recorded.checksum, radix: 16))): "
                    + "the file was altered")
            }
            guard let text = String(validating: bytes, as: UTF8.self),
                  text.split(separator: "\n").allSatisfy({ $0.hasPrefix("\(k),") }) else {
                throw SweepError("\(path): holds rows of another point than \(k)")
            }
            texts.append(text)
        }
        return (texts[0], texts[1], marker)
    }

    /// Joins the finished points of `shards` (folders of the same sweep) into `directory` and
    /// assembles the final files there. Each shard's points folder is listed once and each point
    /// read once (the first shard listed that finished it wins), so the cost is linear in the
    /// shards and points. Every point is verified against its completion marker: a missing,
    /// altered, truncated or linked file is refused (``SweepError``, naming the shard and file).
    public static func merge(_ sweep: Sweep, source: String, shards: [String], into directory: String) throws -> Bool {
        let fm = FileManager.default
        var owner = [Int32](repeating: -1, count: sweep.points.count)
        for (i, d) in shards.enumerated() {
            var st = stat()
            guard lstat(d + "/sweep.json", &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
                throw SweepError("\(d): no sweep.json (not a sweep output folder)")
            }
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: d + "/points", isDirectory: &isDirectory) else { continue }
            guard isDirectory.boolValue, let entries = try? fm.contentsOfDirectory(atPath: d + "/points") else {
                throw SweepError("shard \(d): \(d)/points is not a readable folder")
            }
            for e in entries where e.hasPrefix("p") && e.hasSuffix(".done") {
                guard let k = Int(e.dropFirst().dropLast(5)), owner.indices.contains(k), pointName(k) + ".done" == e else { continue }
                if owner[k] < 0 { owner[k] = Int32(i) }
            }
        }
        let lock = try OutputLock(directory)
        defer { lock.release() }
        try OutputMarker.checkReusable(lock.folder, as: .sweep, shown: directory)
        OutputFolder.recover(lock)
        try claim(directory, for: sweep, source: source)
        let isOutput = shards.map { PathIdentity.same($0, lock.folder) }
        for k in sweep.points.indices where owner[k] >= 0 && !isOutput[Int(owner[k])] {
            let shard = shards[Int(owner[k])]
            let rows: (scaling: String, cluster: String, marker: String)
            do {
                guard let r = try verifiedPoint(sweep, k, in: shard) else {
                    throw SweepError("\(shard)/points/\(pointName(k)).done: is missing")
                }
                rows = r
            } catch {
                throw SweepError("shard \(shard): \(error)")
            }
            // Not flushed one by one: assemble verifies every copy against its marker.
            let base = "\(directory)/points/\(pointName(k))"
            try AtomicFile.write(rows.scaling, to: base + ".scaling.csv", durable: false)
            try AtomicFile.write(rows.cluster, to: base + ".cluster.csv", durable: false)
            try AtomicFile.write(rows.marker, to: base + ".done", durable: false)
        }
        return try assemble(sweep, lock: lock, shown: directory)
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
    private let cancelled: (@Sendable () -> Bool)?
    /// True when the caller cancelled the run before every point had started.
    private(set) var stopped = false
    private(set) var error: String?
    /// Whether the error is an output that could not be written (exit status 1).
    private(set) var cannotWrite = false

    init(todo: [Int], total: Int, done: Int, progress: (@Sendable (Int, Int) -> Void)?, cancelled: (@Sendable () -> Bool)? = nil) {
        self.cancelled = cancelled
        self.todo = todo
        self.total = total
        self.done = done
        self.progress = progress
    }

    func next() -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard error == nil, !stopped, cursor < todo.count else { return nil }
        if let cancelled, cancelled() {
            stopped = true
            return nil
        }
        cursor += 1
        return todo[cursor - 1]
    }

    func finished() {
        lock.lock(); defer { lock.unlock() }
        done += 1
        progress?(done, total)
    }

    func fail(_ message: String, cannotWrite: Bool = false) {
        lock.lock(); defer { lock.unlock() }
        if error == nil {
            error = message
            self.cannotWrite = cannotWrite
        }
    }
}
