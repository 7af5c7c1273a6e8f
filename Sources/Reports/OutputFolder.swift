#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// An output folder written as a set: every file goes into a staging folder next to it
/// (`.<name>.staging-<random>`), and ``commit()`` puts the set in place at once, so a failed
/// writer (disk full, bad input found late) leaves the previous outputs untouched and a killed one
/// leaves at worst a stale staging folder, tidied by the next writer (``recover(_:)``). It has two
/// ways of committing:
///
/// - A run's folder (``init(_:kind:)``) is replaced as a whole: the staging folder is swapped in
///   with one atomic `renameat2(RENAME_EXCHANGE)` (or, where the file system lacks it, two
///   renames), then the previous contents are removed. A reader sees the complete previous run or
///   the complete new one, never a mix.
/// - A folder that keeps other files, a sweep's with its resumable points, is updated
///   (``init(updating:kind:shown:)``): the staged files replace their namesakes and everything else
///   stays. The commit first records the set's names in the staging folder (flushed), then removes
///   every previous file of the set before it moves any new one in: the folder never holds files
///   of two sets, and a commit killed after its record is finished by the next writer.
///
/// The folder is locked (``OutputLock``) from the initialiser until the object goes away (when it
/// took the lock itself). An existing folder must be empty or carry the marker of an earlier
/// output of the same kind (``OutputMarker``); anything else is refused rather than deleted. The
/// staged set always holds the marker.
public final class OutputFolder: @unchecked Sendable {
    /// The final folder (absolute, its parent's links resolved).
    public let path: String
    /// Where this run writes its files until ``commit()``.
    public let staging: String
    let lock: OutputLock
    /// Whether ``commit()`` replaces the whole folder (a run's) or only the staged files in it.
    let replacesFolder: Bool
    var done = false

    /// Locks `path`, checks that it may be replaced, tidies what killed writers left beside it
    /// (``recover(_:)``) and creates a fresh staging folder holding the marker of `kind`;
    /// ``commit()`` replaces the folder as a whole and releases the lock.
    public convenience init(_ path: String, kind: OutputKind = .run) throws {
        try self.init(lock: OutputLock(path), replacesFolder: true, kind: kind, shown: path)
    }

    /// Stages files for the folder `lock` holds (the caller keeps the lock, and `shown` is the
    /// folder as the user wrote it): ``commit()`` puts the staged files in place as one set beside
    /// everything else the folder holds. Checks and tidies as ``init(_:kind:)`` does.
    public convenience init(updating lock: OutputLock, kind: OutputKind, shown: String) throws {
        try self.init(lock: lock, replacesFolder: false, kind: kind, shown: shown)
    }

    init(lock: OutputLock, replacesFolder: Bool, kind: OutputKind, shown: String) throws {
        self.lock = lock
        self.replacesFolder = replacesFolder
        path = lock.folder
        Self.recover(lock)
        try OutputMarker.checkReusable(path, as: kind, shown: shown)
        let fm = FileManager.default
        let url = URL(fileURLWithPath: path)
        let parent = url.deletingLastPathComponent().path
        staging = (parent == "/" ? "" : parent) + "/" + OutputLock.auxiliaryName(url.lastPathComponent) + ".staging-"
            + String(UInt64.random(in: 0...UInt64.max), radix: 16)
        let staging = self.staging
        let created: Result<Void, Error>? = TemporaryFiles.guarded {
            TemporaryFiles.register(staging, directory: true)
            do {
                try fm.createDirectory(atPath: staging, withIntermediateDirectories: false)
                return .success(())
            } catch {
                TemporaryFiles.unregister(staging)
                return .failure(error)
            }
        }
        guard let created else { throw ReportError("\(shown): not written: the process is ending") }
        if case .failure(let error) = created {
            throw ReportError("\(staging): cannot create the staging folder: \(error.localizedDescription)")
        }
        try OutputMarker.write(kind, into: staging)
    }

    /// Tidies what killed writers left beside the folder `lock` holds (the caller holds the lock,
    /// so nobody else is using them): a folder swap killed between its two renames is undone (the
    /// previous folder comes back), an update killed after recording its set is finished, and
    /// every other staging folder is removed. Only folders this program made are touched: empty
    /// ones, or ones holding its marker.
    public static func recover(_ lock: OutputLock) {
        let fm = FileManager.default
        let path = lock.folder
        let url = URL(fileURLWithPath: path)
        let parent = url.deletingLastPathComponent().path
        let aux = OutputLock.auxiliaryName(url.lastPathComponent)
        let stalePrefixes = [aux + ".staging-", aux + ".old-"]
        var isDirectory: ObjCBool = false
        let exists = fm.fileExists(atPath: path, isDirectory: &isDirectory)
        for entry in (try? fm.contentsOfDirectory(atPath: parent)) ?? [] where stalePrefixes.contains(where: entry.hasPrefix) {
            let full = parent + "/" + entry
            var st = stat()
            guard lstat(full, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR,
                  OutputMarker.kind(of: full) != nil || ((try? fm.contentsOfDirectory(atPath: full)) ?? ["?"]).isEmpty else { continue }
            // A run killed between the two renames of the fallback swap left only the old copy.
            if !exists && entry.hasPrefix(aux + ".old-") && rename(full, path) == 0 { continue }
            // An update killed while moving its recorded set in: finish it (kept on a failure,
            // for the next writer).
            if exists, let names = updateRecord(in: full), OutputMarker.kind(of: full) == OutputMarker.kind(of: path) {
                let problem = TemporaryFiles.guarded { moveIn(names, from: full, to: path) } ?? "the process is ending"
                if problem != nil { continue }
            }
            try? fm.removeItem(atPath: full)
        }
    }

    deinit { abandon() }

    /// Removes the staging folder without touching the output folder (a failed run; after a
    /// commit, what the staging folder still holds).
    public func abandon() {
        guard !done else { return }
        done = true
        // Under TemporaryFiles' lock, so that a signal's cleanup never removes the same tree at
        // the same time (it removes it itself once the process is ending).
        let staging = self.staging
        _ = TemporaryFiles.guarded {
            TemporaryFiles.removeTree(staging)
            TemporaryFiles.unregister(staging)
        }
    }

    /// Puts the staged files in place as one set: replaces the folder and its previous contents
    /// (and releases the lock), or, for an update, the previous files of the set.
    public func commit() throws(ReportError) {
        guard !done else { throw ReportError("\(path): already committed or abandoned") }
        guard replacesFolder else { return try commitUpdate() }
        let fm = FileManager.default
        let parent = URL(fileURLWithPath: path).deletingLastPathComponent().path
        func failure(_ what: String) -> ReportError {
            ReportError("\(path): cannot \(what): \(String(cString: strerror(errno)))")
        }
        // The swap runs under TemporaryFiles' lock: a signal's cleanup happens wholly before it
        // (the staging folder is gone, the previous outputs stay) or after it (the staging path,
        // holding the previous contents, is removed), never while a folder is half moved.
        let (path, staging) = (self.path, self.staging)
        guard let problem = TemporaryFiles.guarded({ () -> ReportError? in
            var isDirectory: ObjCBool = false
            if !fm.fileExists(atPath: path, isDirectory: &isDirectory) {
                guard rename(staging, path) == 0 else { return failure("move the staging folder into place") }
            } else if let exchange = Self.renameExchange, exchange(AT_FDCWD, staging, AT_FDCWD, path, 2) == 0 {
                // The staging path now holds the previous contents.
            } else {
                let old = (parent == "/" ? "" : parent) + "/" + OutputLock.auxiliaryName(URL(fileURLWithPath: path).lastPathComponent)
                    + ".old-" + String(UInt64.random(in: 0...UInt64.max), radix: 16)
                guard rename(path, old) == 0 else { return failure("move the previous outputs aside") }
                guard rename(staging, path) == 0 else {
                    let e = failure("move the staging folder into place")
                    _ = rename(old, path)
                    return e
                }
                _ = rename(old, staging)
            }
            return nil
        }) else {
            abandon()
            throw ReportError("\(path): not written: the process is ending")
        }
        if let problem {
            abandon()
            throw problem
        }
        // The previous contents (or nothing), removed as in abandon().
        abandon()
        Self.flush(directory: parent)
        lock.release()
    }

    /// Makes the renames in `directory` durable (best effort: not every file system supports it).
    static func flush(directory: String) {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 {
            _ = fsync(fd)
            _ = close(fd)
        }
    }

    /// Where a file `relative` to the output folder is written before the commit.
    public func staged(_ relative: String) -> String { staging + "/" + relative }

    /// Linux's renameat2, looked up at run time (glibc >= 2.28); flag 2 is RENAME_EXCHANGE.
    private static let renameExchange: (@convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32)? = {
        #if os(Linux)
        guard let symbol = dlsym(nil, "renameat2") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32).self)
        #else
        return nil
        #endif
    }()
}
