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
public struct OutputRefused: Error, CustomStringConvertible, Equatable, Sendable {
    /// What is wrong, naming the folder.
    public let message: String
    /// Creates an error with `message`.
    public init(_ message: String) { self.message = message }
    /// The message.
    public var description: String { message }
}

/// The lock of an output folder: an exclusive `flock` on the file `.<name>.lock` next to the
/// folder, held until this object is released (or the process ends, even by `kill -9`). A
/// second run, sweep or merge into the same folder is refused instead of mixing its files in.
public final class OutputLock: @unchecked Sendable {
    /// The folder, as an absolute, standardized path.
    public let folder: String
    /// The lock file.
    public let lockFile: String
    private var fd: Int32

    /// Checks `path` (not empty, not the root folder), creates its parent folder if needed and
    /// takes the lock; throws ``OutputRefused`` when another process holds it, or a
    /// ``ReportError`` when the lock file cannot be created.
    public init(_ path: String) throws {
        folder = try OutputLock.checked(path)
        let url = URL(fileURLWithPath: folder)
        let parent = url.deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        } catch {
            throw ReportError("\(parent): cannot create the folder: \(error.localizedDescription)")
        }
        lockFile = parent + "/." + url.lastPathComponent + ".lock"
        fd = open(lockFile, O_RDWR | O_CREAT | O_CLOEXEC, 0o666)
        guard fd >= 0 else { throw ReportError("\(lockFile): cannot create the lock file: \(String(cString: strerror(errno)))") }
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            if errno == EINTR { continue }
            let busy = errno == EWOULDBLOCK
            let reason = String(cString: strerror(errno))
            _ = close(fd)
            fd = -1
            if busy {
                throw OutputRefused("\(path): another andromeda-sim run, sweep or merge is writing to this folder "
                    + "(it holds \(lockFile)); wait for it to finish or choose another --out")
            }
            throw ReportError("\(lockFile): cannot lock: \(reason)")
        }
    }

    deinit { release() }

    /// Releases the lock (also done when the object goes away).
    public func release() {
        if fd >= 0 { _ = close(fd) }
        fd = -1
    }

    /// `path` as an absolute, standardized path; refuses an empty path and the root folder.
    public static func checked(_ path: String) throws(OutputRefused) -> String {
        guard !path.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw OutputRefused("--out is empty; give an output folder such as out/run1")
        }
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        guard absolute != "/", !absolute.isEmpty, URL(fileURLWithPath: absolute).lastPathComponent != ".." else {
            throw OutputRefused("\(path): the root folder cannot be an output folder; give a folder such as out/run1")
        }
        return absolute
    }
}

/// A run's output folder written as a set: every file goes into a staging folder next to it
/// (`.<name>.staging-<random>`), and ``commit()`` swaps the staging folder in with one atomic
/// `renameat2(RENAME_EXCHANGE)` (or, where the file system lacks it, two renames), then removes
/// the previous contents. A reader therefore sees the complete previous run or the complete new
/// one, never a mix: a failed run (disk full, bad input found late) leaves the previous folder
/// untouched, and a killed run leaves at worst a stale staging folder, removed by the next run.
///
/// The folder is locked (``OutputLock``) from ``init(_:)`` until the object goes away. An
/// existing folder is replaced as a whole, so it must be empty or hold a previous run's
/// `summary.json`; anything else is refused rather than deleted.
public final class OutputFolder: @unchecked Sendable {
    /// The final folder (absolute, standardized).
    public let path: String
    /// Where this run writes its files until ``commit()``.
    public let staging: String
    private let lock: OutputLock
    private var done = false

    /// The file whose presence marks a folder as a previous run's output.
    public static let marker = "summary.json"

    /// Locks `path`, checks that it may be replaced, removes stale staging folders of earlier
    /// killed runs and creates a fresh staging folder.
    public init(_ path: String) throws {
        lock = try OutputLock(path)
        self.path = lock.folder
        let fm = FileManager.default
        let url = URL(fileURLWithPath: self.path)
        let parent = url.deletingLastPathComponent().path, name = url.lastPathComponent
        // Leftovers of killed runs (we hold the lock, so nobody else is using them).
        let stalePrefixes = [".\(name).staging-", ".\(name).old-"]
        var isDirectory: ObjCBool = false
        let exists = fm.fileExists(atPath: self.path, isDirectory: &isDirectory)
        for entry in (try? fm.contentsOfDirectory(atPath: parent)) ?? [] where stalePrefixes.contains(where: entry.hasPrefix) {
            // A run killed between the two renames of the fallback swap left only the old copy.
            if !exists && entry.hasPrefix(".\(name).old-") && rename(parent + "/" + entry, self.path) == 0 { continue }
            try? fm.removeItem(atPath: parent + "/" + entry)
        }
        if fm.fileExists(atPath: self.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw OutputRefused("\(path): exists and is not a folder; choose another --out") }
            let entries = (try? fm.contentsOfDirectory(atPath: self.path)) ?? []
            guard entries.isEmpty || entries.contains(Self.marker) else {
                throw OutputRefused("\(path): the folder holds files that are not an andromeda-sim run's outputs (no "
                    + "\(Self.marker)); a run replaces its output folder as a whole, so choose a new or empty --out")
            }
        }
        staging = parent + "/.\(name).staging-" + String(UInt64.random(in: 0...UInt64.max), radix: 16)
        guard TemporaryFiles.register(staging, directory: true) else { throw ReportError("\(path): not written: the process is ending") }
        do {
            try fm.createDirectory(atPath: staging, withIntermediateDirectories: false)
        } catch {
            TemporaryFiles.unregister(staging)
            throw ReportError("\(staging): cannot create the staging folder: \(error.localizedDescription)")
        }
    }

    deinit { abandon() }

    /// Removes the staging folder without touching the output folder (a failed run).
    public func abandon() {
        guard !done else { return }
        done = true
        try? FileManager.default.removeItem(atPath: staging)
        TemporaryFiles.unregister(staging)
    }

    /// Puts the staged files in place as one set and removes the previous contents.
    public func commit() throws(ReportError) {
        guard !done else { throw ReportError("\(path): already committed or abandoned") }
        let fm = FileManager.default
        let parent = URL(fileURLWithPath: path).deletingLastPathComponent().path
        func failure(_ what: String) -> ReportError {
            ReportError("\(path): cannot \(what): \(String(cString: strerror(errno)))")
        }
        var isDirectory: ObjCBool = false
        if !fm.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard rename(staging, path) == 0 else { abandon(); throw failure("move the staging folder into place") }
        } else if let exchange = Self.renameExchange, exchange(AT_FDCWD, staging, AT_FDCWD, path, 2) == 0 {
            // The staging path now holds the previous contents.
        } else {
            let old = parent + "/.\(URL(fileURLWithPath: path).lastPathComponent).old-" + String(UInt64.random(in: 0...UInt64.max), radix: 16)
            guard rename(path, old) == 0 else { abandon(); throw failure("move the previous outputs aside") }
            guard rename(staging, path) == 0 else {
                let e = failure("move the staging folder into place")
                _ = rename(old, path)
                abandon()
                throw e
            }
            _ = rename(old, staging)
        }
        done = true
        try? fm.removeItem(atPath: staging)
        TemporaryFiles.unregister(staging)
        let fd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 {
            _ = fsync(fd)
            _ = close(fd)
        }
        lock.release()
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
