#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// One file a command writes on its own, outside an output folder (`run --trace`, `wafer
/// --heatmap` and `--trace`, a converter's `--out`), and the one rule for all of them: the path is
/// new, or it is a regular file (not a link, folder, FIFO or device) that andromeda-sim itself
/// wrote in the same format, recognised by its bytes (a Perfetto trace ends with the trace
/// writer's `"generator":"andromeda-sim"` record); a format without such a mark (a trace CSV, an
/// SVG heat map) is only ever written to a new path (`link`, which never replaces). The path is
/// never inside an andromeda-sim output folder (one holding ``OutputMarker/file``, which a later
/// run, sweep or merge replaces or updates), and two outputs of one command are never the same
/// file (``checkDistinct(_:)``, by ``PathIdentity``). Refusals are ``OutputRefused`` (exit 2),
/// naming the path, why, and what to do.
public struct SingleFileOutput: Sendable {
    /// What the file holds, and so whether an existing file of the program's can be recognised.
    public enum Format: Sendable {
        /// A Chrome/Perfetto trace JSON written by ``ChromeTrace``: replaced when it is one.
        case perfettoTrace
        /// A job trace CSV (the converters'): no mark of its writer, so only a new path.
        case traceCSV
        /// An SVG image (the referee's heat map): no mark of its writer, so only a new path.
        case svg

        /// The format as a message says it, with its article.
        var name: String {
            switch self {
            case .perfettoTrace: return "a Perfetto trace"
            case .traceCSV: return "a trace CSV"
            case .svg: return "an SVG image"
            }
        }
    }

    /// The path as the user gave it.
    public let path: String
    /// The parameter (flag) that gave it, for messages.
    public let parameter: NamedParameter
    /// What the file holds.
    public let format: Format

    /// An output of `format` at `path`, given as `parameter`.
    public init(_ path: String, parameter: NamedParameter, format: Format) {
        self.path = path
        self.parameter = parameter
        self.format = format
    }

    /// The flag and path, as a message starts.
    var shown: String { "\(parameter.marker) \(path)" }

    /// Checks the path as it is now: not empty, not inside an andromeda-sim output folder, and
    /// nothing there but a file this program wrote in this format (nothing at all for a format
    /// without a mark).
    public func check() throws(OutputRefused) {
        guard !path.isEmpty, !path.hasSuffix("/"), !path.utf8.contains(0) else {
            throw OutputRefused("\(parameter.marker) must name a file (got \"\(path)\")")
        }
        if let (folder, _) = OutputMarker.enclosingFolder(of: path) {
            throw OutputRefused("\(shown): is inside \(folder), an andromeda-sim output folder (it holds \(OutputMarker.file)), "
                + "whose files a run, sweep or merge replaces; choose a path outside it")
        }
        var st = stat()
        guard lstat(path, &st) == 0 else { return }
        let fix = "it is left as it is: remove it or choose another \(parameter.marker) path"
        switch st.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFLNK: throw OutputRefused("\(shown): is a symbolic link, and nothing is written through or over a link; \(fix)")
        case S_IFDIR: throw OutputRefused("\(parameter.marker) must name a file (got \"\(path)\", a folder)")
        default: throw OutputRefused("\(shown): is not a regular file (a FIFO, socket or device); \(fix)")
        }
        switch format {
        case .perfettoTrace:
            guard Self.readEnds(path).map(ChromeTrace.isWrittenByThisProgram) == true else {
                throw OutputRefused("\(shown): exists and is not \(format.name) andromeda-sim wrote; \(fix)")
            }
        case .traceCSV, .svg:
            throw OutputRefused("\(shown): exists, and \(format.name) is only written to a new path (andromeda-sim cannot "
                + "tell one it wrote from a file of yours); \(fix)")
        }
    }

    /// Checks the path again (``check()``), then writes `data`: atomically over an earlier file of
    /// the program's, or, for a format without a mark, only if nothing is there (never replacing
    /// one that appeared since the check). Throws ``OutputRefused`` or ``ReportError``.
    public func write(_ data: Data) throws {
        try check()
        switch format {
        case .perfettoTrace: try AtomicFile.write(data, to: path)
        case .traceCSV, .svg:
            guard try AtomicFile.createExclusively(data, at: path) else {
                throw OutputRefused("\(shown): appeared while the output was made; it is left as it is: remove it or choose "
                    + "another \(parameter.marker) path")
            }
        }
    }

    /// Refuses two of `outputs` that name the same file (by ``PathIdentity``: `./a.svg` and
    /// `a.svg`, or a path through a linked folder, are one file).
    public static func checkDistinct(_ outputs: [SingleFileOutput]) throws(OutputRefused) {
        for (i, a) in outputs.enumerated() {
            for b in outputs[(i + 1)...] where PathIdentity.same(a.path, b.path) {
                throw OutputRefused("\(b.shown): is the same file as \(a.shown); each output of a command needs a path of its own")
            }
        }
    }

    /// The first and last bytes of the regular file at `path` (at most 64 and 512), read without
    /// following a link or blocking on a FIFO; nil when it cannot be read as a regular file.
    static func readEnds(_ path: String) -> (head: [UInt8], tail: [UInt8])? {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { _ = close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        let size = Int(st.st_size)
        func read(_ count: Int, at offset: Int) -> [UInt8]? {
            var bytes = [UInt8](repeating: 0, count: count)
            let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, count, off_t(offset)) }
            return n == count ? bytes : nil
        }
        guard let head = read(min(size, 64), at: 0), let tail = read(min(size, 512), at: size - min(size, 512)) else { return nil }
        return (head, tail)
    }
}
