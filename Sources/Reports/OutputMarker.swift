#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// An output folder that cannot be used as asked: an empty or root path, a folder another run
/// is writing (its lock is held), or a folder that holds something else. Bad input (exit 2).
public struct OutputRefused: ParameterNamingError, Equatable {
    /// What is wrong, naming the folder; the parameters it names are ``NamedParameter`` markers.
    public let template: String
    /// Creates an error from `template` (parameters as ``NamedParameter/marker``).
    public init(_ template: String) { self.template = template }
}

/// An error whose message names parameters (``NamedParameter`` markers in its `template`): the
/// library says them by their API names, the command line by their flags.
public protocol ParameterNamingError: Error, CustomStringConvertible, Sendable {
    /// The message with its parameters as markers.
    var template: String { get }
}

extension ParameterNamingError {
    /// The message as the library says it: parameters by their API names (`out`, `trace`, `params`).
    public var message: String { NamedParameter.show(template, flags: false) }
    /// The message.
    public var description: String { message }
    /// The message as the command line says it: parameters by their flags (`--out`, `--trace`, `--param`).
    public var commandLineMessage: String { NamedParameter.show(template, flags: true) }
}

/// A parameter a library error names. The library says it by the name its callers pass it under
/// (`out`, `trace`, `params`: the C ABI's and the Python package's; `heatmap`: `WaferLayerStudy`'s;
/// `shards`, `workers`, `maxArraySize`, `sbatchOptions`: `SlurmSweep`'s), the command line by its
/// flag (`--out`, `--trace`, `--heatmap`, `--param`, `--slurm`, `--workers`, `--max-array-size`,
/// `--sbatch-option`); a message holds a marker until it is shown.
public enum NamedParameter: String, Sendable, CaseIterable {
    case out, trace, heatmap, params, shards, workers, maxArraySize, sbatchOptions

    /// The command-line flag.
    public var flag: String {
        switch self {
        case .out, .trace, .heatmap, .workers: return "--" + rawValue
        case .params: return "--param"
        case .shards: return "--slurm"
        case .maxArraySize: return "--max-array-size"
        case .sbatchOptions: return "--sbatch-option"
        }
    }
    /// What a message holds in its place.
    public var marker: String { "\u{1}" + rawValue + "\u{1}" }

    /// `template` with every marker as a flag (`flags`) or as the API name.
    public static func show(_ template: String, flags: Bool) -> String {
        guard template.contains("\u{1}") else { return template }
        var s = template
        for p in allCases { s = s.replacingOccurrences(of: p.marker, with: flags ? p.flag : p.rawValue) }
        return s
    }
}

/// What kind of output an andromeda-sim folder holds, as its marker file says.
public enum OutputKind: String, Sendable, Equatable {
    /// A run's folder (`run`): replaced as a whole by the next run into it.
    case run
    /// A sweep's folder (`sweep`, `merge` and the Slurm scripts of a sweep): resumed or merged into.
    case sweep
    /// The folder of `validate --out`: replaced as a whole by the next validation.
    case validation
}

/// The marker file that every output folder andromeda-sim creates holds: the folder's kind and
/// the marker's format. The program replaces, resumes or merges into only folders that carry a
/// marker of the same kind (or new or empty ones); a folder of the user's is never cleared.
public enum OutputMarker {
    /// The marker's file name, inside the output folder.
    public static let file = ".andromeda-sim-output.json"
    /// The marker's format version.
    public static let format = 1

    /// The marker's text for a folder of `kind` (the same bytes for every folder of that kind).
    public static func text(_ kind: OutputKind) -> String {
        "{\"writer\": \"andromeda-sim\", \"kind\": \"\(kind.rawValue)\", \"format\": \(format)}\n"
    }

    /// The kind recorded in `folder`'s marker; nil when there is none or it is not one of ours.
    public static func kind(of folder: String) -> OutputKind? {
        let path = folder + "/" + file
        var st = stat()
        // Only a small regular file is read (never a pipe, a device or a link to something large).
        guard lstat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, st.st_size < 4096,
              let data = FileManager.default.contents(atPath: path),
              let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              obj["writer"] as? String == "andromeda-sim", let k = obj["kind"] as? String else { return nil }
        return OutputKind(rawValue: k)
    }

    /// The nearest folder holding `path` (links resolved, see `PathIdentity`) that carries an
    /// andromeda-sim marker of a kind `accepted` takes (any, by default), with that kind; nil when
    /// no folder above `path` does.
    public static func enclosingFolder(of path: String, accepted: (OutputKind) -> Bool = { _ in true })
        -> (folder: String, kind: OutputKind)?
    {
        var folder = (PathIdentity.resolved(path) as NSString).deletingLastPathComponent
        while !folder.isEmpty {
            if let k = kind(of: folder == "/" ? "" : folder), accepted(k) { return (folder, k) }
            if folder == "/" { return nil }
            folder = (folder as NSString).deletingLastPathComponent
        }
        return nil
    }

    /// Checks that `folder` may be written as an output of `kind`: it does not exist, or it is an
    /// empty folder, or it carries a marker of the same kind. Anything else is refused (exit 2),
    /// never cleared. `shown` is the path as the user wrote it, for the message.
    public static func checkReusable(_ folder: String, as kind: OutputKind, shown: String) throws(OutputRefused) {
        try checkNotInsideReplacedFolder(folder, shown: shown)
        var st = stat()
        guard lstat(folder, &st) == 0 else { return }
        guard (st.st_mode & S_IFMT) == S_IFDIR else {
            throw OutputRefused("\(shown): exists and is not a folder; choose another \(NamedParameter.out.marker)")
        }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        if entries.isEmpty { return }
        switch Self.kind(of: folder) {
        case kind?: return
        case let other?:
            throw OutputRefused("\(shown): holds a \(other.rawValue)'s outputs; a \(kind.rawValue) never replaces or mixes into "
                + "them; choose another \(NamedParameter.out.marker)")
        case nil:
            throw OutputRefused("\(shown): the folder is not empty and was not created by andromeda-sim (no \(file) in it); "
                + "nothing in it is touched: choose a new or empty \(NamedParameter.out.marker)")
        }
    }

    /// Refuses `folder` when it is inside a run's or a validation's output folder, which the
    /// next run into it replaces as a whole, this one with it. A sweep's folder may hold other
    /// output folders (its shards).
    public static func checkNotInsideReplacedFolder(_ folder: String, shown: String) throws(OutputRefused) {
        guard let (outer, outerKind) = enclosingFolder(of: folder, accepted: { $0 != .sweep }) else { return }
        throw OutputRefused("\(shown): is inside \(outer), the output folder of an andromeda-sim \(outerKind.rawValue), which the next "
            + "\(outerKind.rawValue) into it replaces as a whole (this folder with it); choose a \(NamedParameter.out.marker) outside it")
    }

    /// Writes the marker into `folder` (through a temporary file).
    public static func write(_ kind: OutputKind, into folder: String) throws(ReportError) {
        try AtomicFile.write(text(kind), to: folder + "/" + file)
    }
}
