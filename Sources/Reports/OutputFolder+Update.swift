#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

extension OutputFolder {
    /// The file in an update's staging folder that records the names of its set, one per line:
    /// written (and flushed) before anything in the folder changes.
    static let updateRecordFile = ".andromeda-sim-update"

    /// The staged files of an update: the regular files at the top of the staging folder but the
    /// marker and the record, sorted.
    func stagedNames() throws(ReportError) -> [String] {
        let entries: [String]
        do { entries = try FileManager.default.contentsOfDirectory(atPath: staging) } catch {
            throw ReportError("\(staging): cannot list the staging folder: \(error.localizedDescription)")
        }
        return entries.filter { name in
            var st = stat()
            return name != OutputMarker.file && name != Self.updateRecordFile && lstat(staged(name), &st) == 0
                && (st.st_mode & S_IFMT) == S_IFREG
        }.sorted()
    }

    /// The update's commit: refuses a namesake that is not a regular file, records the set, then
    /// moves it in (``moveIn(_:from:to:)``). On an error before the record the folder is untouched
    /// and the staging folder removed; after it, the staging folder is kept for the next writer to
    /// finish (``recover(_:)``) and the error thrown.
    func commitUpdate() throws(ReportError) {
        let names: [String]
        do throws(ReportError) {
            names = try stagedNames()
            for name in names {
                var st = stat()
                if lstat(path + "/" + name, &st) == 0, (st.st_mode & S_IFMT) != S_IFREG {
                    throw ReportError("\(path)/\(name): cannot replace it: it is not a regular file")
                }
            }
            try writeRecord(names)
        } catch {
            abandon()
            throw error
        }
        let (path, staging) = (self.path, self.staging)
        let problem = TemporaryFiles.guarded { Self.moveIn(names, from: staging, to: path) } ?? "not written: the process is ending"
        if let problem {
            // Kept (and no longer removed at exit): the next writer into the folder finishes it.
            done = true
            TemporaryFiles.unregister(staging)
            throw ReportError("\(path): \(problem); the next run into the folder finishes the update from \(staging)")
        }
        // The marker and the record are all the staging folder still holds.
        abandon()
        Self.flush(directory: path)
    }

    /// Writes the record of `names` into the staging folder, flushed: from here on the update is
    /// finished even if the process is killed (by the next writer).
    func writeRecord(_ names: [String]) throws(ReportError) {
        try AtomicFile.write(names.map { $0 + "\n" }.joined(), to: staged(Self.updateRecordFile))
    }

    /// The names an update's staging folder `folder` records, or nil when it has no record (it
    /// was never committed: the folder was not touched).
    static func updateRecord(in folder: String) -> [String]? {
        let path = folder + "/" + updateRecordFile
        var st = stat()
        guard lstat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, st.st_size < 1 << 20,
              let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else { return nil }
        let names = text.split(separator: "\n").map(String.init)
        // Plain names only: the record never points outside the folder.
        guard names.allSatisfy({ !$0.contains("/") && $0 != "." && $0 != ".." && !$0.isEmpty }) else { return nil }
        return names
    }

    /// Moves the recorded `names` still in `staging` into `folder`: first every previous file of
    /// those names is removed, then the new ones are renamed in, so the folder never holds files of
    /// two sets; a name no longer staged was moved already. Returns the first problem, if any (run
    /// again, it finishes the rest).
    static func moveIn(_ names: [String], from staging: String, to folder: String) -> String? {
        let pending = names.filter { access(staging + "/" + $0, F_OK) == 0 }
        for name in pending where unlink(folder + "/" + name) != 0 && errno != ENOENT {
            return "cannot remove the previous \(name): \(String(cString: strerror(errno)))"
        }
        for name in pending where rename(staging + "/" + name, folder + "/" + name) != 0 {
            return "cannot move \(name) into place: \(String(cString: strerror(errno)))"
        }
        return nil
    }
}
