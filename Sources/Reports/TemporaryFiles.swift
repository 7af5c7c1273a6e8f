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
public enum TemporaryFiles {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var paths: [String: Bool] = [:]
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

    /// Removes every registered path and refuses new ones (the process is about to end).
    public static func removeAll() {
        lock.lock()
        ending = true
        let all = paths
        paths = [:]
        lock.unlock()
        for (path, directory) in all {
            if directory { try? FileManager.default.removeItem(atPath: path) } else { _ = unlink(path) }
        }
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
