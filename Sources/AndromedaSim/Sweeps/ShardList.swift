import Foundation
import Workloads

/// The file of `merge --shard-list`: shard folders, one per line (LF or CRLF line ends; blank
/// lines are skipped), as `SlurmSweep` writes `slurm/shards.txt`.
///
/// Its size is checked before anything is read, and it is read in chunks of 1 MiB and split as it
/// is read, stopping at the first folder past the limit, so that a list of any size costs at most
/// the limit's folders in memory and time.
public enum ShardList {
    /// The largest list, in bytes (512 MiB, as a job trace).
    public static let maxBytes = TraceReader.maxFileBytes
    /// The longest line, in bytes: a path of at most `PATH_MAX` (4,096) bytes.
    public static let maxLineBytes = Int(PATH_MAX)

    /// The folders listed in `path`, at most `limit` of them with the `besides` given elsewhere
    /// (on the command line). Refused, naming the file and the range, when there are more, when
    /// the file is larger than ``maxBytes``, or a line is longer than ``maxLineBytes`` or not UTF-8.
    public static func read(_ path: String, limit: Int, besides given: Int = 0) throws(SweepError) -> [String] {
        func refuse(_ message: String) -> SweepError { SweepError("--shard-list \(path): \(message)") }
        let file: FileHandle
        do { file = try TraceReader.openRegular(path, what: "shard list") } catch { throw SweepError("--shard-list \(error)") }
        defer { try? file.close() }
        var st = stat()
        guard fstat(file.fileDescriptor, &st) == 0 else { throw refuse("cannot read the shard list") }
        guard Int(st.st_size) <= maxBytes else {
            throw refuse("the shard list is \(st.st_size) bytes; allowed: at most \(maxBytes) bytes")
        }
        var folders: [String] = []
        var line: [UInt8] = []
        var lineNumber = 1, total = 0
        func take() throws(SweepError) {
            if line.last == 13 { line.removeLast() }
            defer { line.removeAll(keepingCapacity: true); lineNumber += 1 }
            guard !line.isEmpty else { return }
            guard let folder = String(validating: line, as: UTF8.self) else { throw refuse("line \(lineNumber) is not UTF-8 text") }
            guard given + folders.count < limit else {
                let with = given > 0 ? " with the \(given) given as arguments" : ""
                throw refuse("more than \(limit) shard folders\(with) (line \(lineNumber) is one too many); allowed: 1...\(limit) (one per point at most)")
            }
            folders.append(folder)
        }
        while true {
            let chunk: Data?
            do { chunk = try file.read(upToCount: 1 << 20) } catch { throw refuse("cannot read the shard list: \(error.localizedDescription)") }
            guard let chunk, !chunk.isEmpty else { break }
            total += chunk.count
            guard total <= maxBytes else { throw refuse("the shard list is larger than allowed (at most \(maxBytes) bytes)") }
            for b in chunk {
                if b == 10 { try take(); continue }
                guard line.count <= maxLineBytes else {  // a CR may follow
                    throw refuse("line \(lineNumber) is longer than \(maxLineBytes) bytes; allowed: a folder path of at most \(maxLineBytes) bytes")
                }
                line.append(b)
            }
        }
        try take()
        return folders
    }
}
