#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Reports
import Scenarios
import TextEscaping
import Cluster

/// The output folder of one scenario run, written exactly as `andromeda-sim run` writes it; the
/// command line and the C ABI (`andromeda_call` with `"op": "run"`, used by the Python package)
/// both write through it, so their files are the same bytes.
///
/// Before the run, ``init(_:scenario:scenarioFile:trace:)`` checks that the folder is not an input
/// and does not hold one (``OutputSafety``), checks the trace path, locks the folder and opens a
/// staging folder (`OutputFolder`). After the run, ``stage(_:timing:timeline:)`` writes every
/// file into the staging folder and ``commit(timeline:)`` swaps it in as one set; on any error, or when the
/// caller gives up (``abandon()``, or the object goes away), the previous folder is untouched.
///
/// ```swift
/// let scenario = try Andromeda.load("genslm")
/// let folder = try RunFolder("out/genslm", scenario: scenario, scenarioFile: nil)
/// let clock = ContinuousClock(), t0 = clock.now
/// let results = try Andromeda.run(scenario)
/// try folder.write(results, timing: RunTiming(results, wallSeconds: RunTiming.seconds(clock.now - t0), fullDetail: false))
/// ```
public final class RunFolder: @unchecked Sendable {
    /// The folder as the caller wrote it (for messages).
    public let shown: String
    /// The trace path as the caller wrote it, if any.
    public let trace: String?
    /// The trace's path relative to the folder when it lies inside it (written with the set).
    public let traceInside: String?
    private let folder: OutputFolder

    /// Checks `directory` against the run's inputs (the scenario file, nil for a built-in or a
    /// scenario given as text, and the trace it reads) and `trace` (a Perfetto trace to write, or
    /// nil), then locks the folder and opens its staging folder. Throws `OutputRefused` for a
    /// folder or trace that cannot be used as asked (bad input), `ReportError` when the lock or
    /// the staging folder cannot be created.
    public convenience init(_ directory: String, scenario: Scenario, scenarioFile: String?, trace: String? = nil) throws {
        try self.init(directory, inputs: OutputSafety.inputs(scenarioFile: scenarioFile, scenario), trace: trace)
    }

    /// Checks `directory` and `trace` against `inputs` (``OutputSafety/inputs(scenarioFile:_:)``),
    /// then locks the folder and opens its staging folder.
    public init(_ directory: String, inputs: [(what: String, path: String)], trace: String? = nil) throws {
        // Before anything is written: the outputs never land on an input or on each other.
        try OutputSafety.checkFolder(OutputLock.checked(directory), shown: directory, against: inputs)
        traceInside = try trace.flatMap { (t) throws(OutputRefused) in try OutputSafety.checkTrace(t, folder: directory, inputs: inputs) }
        shown = directory
        self.trace = trace
        // Locked from now on; the files are staged and swapped in as one set at the end.
        folder = try OutputFolder(directory)
    }

    /// Writes the run's files into the staging folder: scaling.csv, the cluster files, the charts,
    /// summary.json, report.html and timing.json, and `timeline` when the trace lies inside the
    /// folder. Throws `OutputRefused` when the trace's name inside the folder is one the run
    /// writes, `ReportError` when a file cannot be written.
    public func stage(_ run: Andromeda.Results, timing: RunTiming, timeline: ChromeTrace? = nil) throws {
        let staging = folder.staging
        // The report links the trace only when it is inside the folder; elsewhere it shows the path.
        try RunOutputs(run, trace: trace.map { HTMLReport.TraceFile(inside: traceInside, shown: $0) }).write(to: staging)
        try timing.write(toFolder: staging)
        if let traceInside, let timeline {
            // Checked before the run; a file the outputs gained since is never replaced either.
            guard !FileManager.default.fileExists(atPath: folder.staged(traceInside)) else {
                throw OutputRefused("\(NamedParameter.trace.marker) \(trace ?? traceInside): \(traceInside) is a file the run writes; choose another name, such as trace.json")
            }
            try timeline.write(to: folder.staged(traceInside))
        }
    }

    /// Writes `files` (paths relative to the folder, and their text) into the staging folder: the
    /// files of an earlier run held in memory (``stagedFiles()``), written again elsewhere. Only
    /// names a run writes are accepted (``OutputSafety/runNames`` at the top, a plain file name
    /// inside a policy's folder): anything else is refused (`OutputRefused`) before a byte is
    /// written, so no path the caller did not mean is ever created.
    public func stage(files: [(path: String, text: String)]) throws {
        for f in files { try Self.checkRunFile(f.path) }
        let fm = FileManager.default
        for f in files {
            let parts = f.path.split(separator: "/")
            if parts.count == 2 {
                let sub = folder.staged(String(parts[0]))
                do { try fm.createDirectory(atPath: sub, withIntermediateDirectories: true) } catch {
                    throw ReportError("\(sub): cannot create the folder: \(error.localizedDescription)")
                }
            }
            try AtomicFile.write(f.text, to: folder.staged(f.path))
        }
    }

    /// Refuses a relative path that is not a file a run writes.
    static func checkRunFile(_ path: String) throws(OutputRefused) {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let policyNames = Set(PolicyName.allCases.map(\.rawValue))
        let ok: Bool
        switch parts.count {
        case 1: ok = OutputSafety.runNames.contains(parts[0]) && !policyNames.contains(parts[0]) && parts[0] != OutputMarker.file
        case 2: ok = policyNames.contains(parts[0]) && !parts[1].isEmpty && !parts[1].hasPrefix(".") && parts[1].utf8.count <= 255
                    && !parts[1].utf8.contains(0)
        default: ok = false
        }
        guard ok else {
            throw OutputRefused("\(JSONText.quoted(path, style: .message)): is not a file a run writes; allowed: "
                + OutputSafety.runNames.filter { !policyNames.contains($0) && $0 != OutputMarker.file }.sorted().joined(separator: ", ")
                + ", or <policy>/<file> for a policy (\(PolicyName.names.joined(separator: ", ")))")
        }
    }

    /// The files staged so far, relative to the folder, sorted by path, without the folder's
    /// marker (every file a run writes is UTF-8 text).
    public func stagedFiles() throws -> [(path: String, text: String)] {
        var out: [(String, String)] = []
        func walk(_ relative: String) throws {
            let full = relative.isEmpty ? folder.staging : folder.staged(relative)
            let entries: [String]
            do { entries = try FileManager.default.contentsOfDirectory(atPath: full) } catch {
                throw ReportError("\(full): cannot list the folder: \(error.localizedDescription)")
            }
            for e in entries.sorted() where !(relative.isEmpty && e == OutputMarker.file) {
                let rel = relative.isEmpty ? e : relative + "/" + e
                var st = stat()
                guard lstat(folder.staged(rel), &st) == 0 else { throw ReportError("\(folder.staged(rel)): cannot read: \(String(cString: strerror(errno)))") }
                if (st.st_mode & S_IFMT) == S_IFDIR { try walk(rel); continue }
                guard (st.st_mode & S_IFMT) == S_IFREG, let data = FileManager.default.contents(atPath: folder.staged(rel)),
                      let text = String(data: data, encoding: .utf8) else {
                    throw ReportError("\(folder.staged(rel)): cannot read the staged file as UTF-8 text")
                }
                out.append((rel, text))
            }
        }
        try walk("")
        return out.sorted { $0.0 < $1.0 }
    }

    /// Swaps the staged set in as one (the previous contents are removed), then writes a trace
    /// that lies outside the folder (checked again: a new path or a trace the program wrote,
    /// else `OutputRefused`). On an error the staging folder is removed and the previous folder
    /// is untouched.
    public func commit(timeline: ChromeTrace? = nil) throws {
        do {
            try folder.commit()
        } catch {
            folder.abandon()
            throw error
        }
        if let trace, let timeline, traceInside == nil { try timeline.write(to: OutputSafety.runTrace(trace)) }
    }

    /// Removes the staging folder without touching the output folder (a failed or cancelled run).
    public func abandon() { folder.abandon() }

    /// ``stage(_:timing:timeline:)`` then ``commit(timeline:)``; on any error the staging folder
    /// is removed and the previous folder is untouched.
    public func write(_ run: Andromeda.Results, timing: RunTiming, timeline: ChromeTrace? = nil) throws {
        do {
            try stage(run, timing: timing, timeline: timeline)
        } catch {
            folder.abandon()
            throw error
        }
        try commit(timeline: timeline)
    }

    /// The files a run of `scenario` writes, in memory (relative path and text, sorted, without
    /// the marker): staged in a private temporary folder, read back and removed, so they are the
    /// same bytes ``write(_:timing:timeline:)`` puts on disk.
    public static func files(_ run: Andromeda.Results, timing: RunTiming) throws -> [(path: String, text: String)] {
        let parent = try TemporaryFiles.makeFolder(prefix: "andromeda-sim-run-")
        defer { TemporaryFiles.removeTree(parent) }
        let folder = try RunFolder(parent + "/run", scenario: run.scenario, scenarioFile: nil)
        defer { folder.abandon() }
        try folder.stage(run, timing: timing)
        return try folder.stagedFiles()
    }
}
