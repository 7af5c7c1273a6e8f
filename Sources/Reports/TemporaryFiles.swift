#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Foundation

/// The temporary files and staging folders this process is writing, so that an interrupted run
/// (SIGINT, SIGTERM, SIGHUP) removes them before it ends instead of leaving `.p*.tmp` files or a
/// half-written staging folder behind.
///
/// ``AtomicFile`` and ``OutputFolder`` register what they create and unregister it once it is
/// renamed into place or removed. ``installSignalCleanup()`` (called once by the command line)
/// handles the signals on a dispatch queue, outside signal context: it removes every registered
/// path, then ends the process with the same signal. A `kill -9` cannot be handled; what it
/// leaves is removed by the next run into the same folder (see ``OutputFolder``).
///
/// Every step that creates or moves a name in a registered place (a temporary file, a staging
/// folder and what goes into it, the lock file, the commit's rename) runs through ``guarded(_:)``:
/// under the registry's lock, and not at all once the process is ending. The cleanup therefore
/// sees either none or all of such a step, and nothing new appears while it removes; a second
/// ``removeAll()`` (an error exit racing the signal) waits for the first to finish.
public enum TemporaryFiles {
    private static let lock = NSRecursiveLock()
    private static let cleaning = NSLock()
    nonisolated(unsafe) private static var paths: [String: Bool] = [:]
    nonisolated(unsafe) private static var removed: [String: Bool] = [:]
    nonisolated(unsafe) private static var ending = false
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []

    /// Records `path` (a file, or with `directory` a folder removed with its contents) as
    /// temporary. Returns false when the process is ending on a signal: the caller must not
    /// create it (or must remove it at once).
    @discardableResult
    public static func register(_ path: String, directory: Bool = false) -> Bool {
        lock.lock(); defer { lock.unlock() }
        guard !ending else { return false }
        paths[path] = directory
        return true
    }

    /// Forgets `path` (it was renamed into place or removed).
    public static func unregister(_ path: String) {
        lock.lock(); defer { lock.unlock() }
        paths[path] = nil
    }

    /// Runs `body` holding the registry's lock, unless the process is ending (then returns nil
    /// without running it). `body` creates or moves names in registered places and registers
    /// what it creates (``register(_:directory:)`` may be called inside).
    public static func guarded<T>(_ body: () throws -> T) rethrows -> T? {
        lock.lock(); defer { lock.unlock() }
        guard !ending else { return nil }
        return try body()
    }

    /// Removes every registered path and refuses new ones (the process is about to end). A
    /// second call waits for the first to finish, and removes again whatever the first removed.
    public static func removeAll() {
        cleaning.lock(); defer { cleaning.unlock() }
        lock.lock()
        ending = true
        removed.merge(paths) { a, _ in a }
        paths = [:]
        let all = removed
        lock.unlock()
        for (path, directory) in all {
            if directory { removeTree(path) } else { _ = unlink(path) }
        }
    }

    /// Removes the folder or file at `path` and everything in it, without following links; a
    /// name that is already gone is no error (another thread may be removing the same tree), and
    /// a pass that leaves something is repeated (a few times).
    public static func removeTree(_ path: String) {
        func remove(_ p: String) {
            var st = stat()
            guard lstat(p, &st) == 0 else { return }
            if (st.st_mode & S_IFMT) == S_IFDIR {
                for entry in (try? FileManager.default.contentsOfDirectory(atPath: p)) ?? [] { remove(p + "/" + entry) }
                _ = rmdir(p)
            } else {
                _ = unlink(p)
            }
        }
        var st = stat()
        for _ in 0..<5 where lstat(path, &st) == 0 { remove(path) }
    }

    /// Creates a new private folder (mode 0700, `mkdtemp`) named `<prefix>XXXXXX` under the
    /// system's temporary folder and returns its path; the caller removes it (``removeTree(_:)``).
    public static func makeFolder(prefix: String) throws(ReportError) -> String {
        let base = NSTemporaryDirectory()
        var template = Array((base + "/" + prefix + "XXXXXX").utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ $0.baseAddress.flatMap { mkdtemp($0) } }) else {
            throw ReportError("\(base): cannot create a temporary folder: \(String(cString: strerror(errno)))")
        }
        return String(cString: made)
    }

    /// Handles SIGINT, SIGTERM and SIGHUP: removes the registered temporary paths, then ends the
    /// process with the signal's default action (so the exit status still says which signal).
    /// Call once, early.
    public static func installSignalCleanup() {
        lock.lock(); defer { lock.unlock() }
        guard sources.isEmpty else { return }
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                removeAll()
                signal(sig, SIG_DFL)
                kill(getpid(), sig)
            }
            source.resume()
            sources.append(source)
        }
    }
}
