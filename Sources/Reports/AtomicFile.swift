#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Writes files so that readers see either the old or the new content, never a mix, and so that a
/// failed write leaves what was there before.
///
/// The data is written to a new temporary file in the target's directory (named
/// `.<name>.<random>.tmp`), flushed to disk with `fsync`, then renamed over the target. On any
/// failure the temporary file is removed and a ``ReportError`` naming the path is thrown; the
/// target is untouched. The permissions of an existing target are kept.
public enum AtomicFile {
    /// Writes `data` to `path` atomically, creating missing parent directories. With `durable`
    /// false the data and the rename are not flushed to disk (`fsync`): for files whose contents
    /// are checked when read again (a sweep's copied points), where one flush per file would cost
    /// more than the copy.
    public static func write(_ data: Data, to path: String, durable: Bool = true) throws(ReportError) {
        func fail(_ what: String) -> ReportError { ReportError("\(path): \(what)") }
        guard !path.isEmpty else { throw ReportError("cannot write a file: the path is empty") }
        guard !path.hasSuffix("/") else { throw fail("cannot write: the path names a directory") }
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        let name = url.lastPathComponent
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw fail("cannot write: is a directory")
        }
        // Folders, the temporary file and the rename are made under TemporaryFiles' lock, and not
        // at all once the process is ending: a signal's cleanup never races them.
        let ending = fail("not written: the process is ending")
        do {
            guard try TemporaryFiles.guarded({ try fm.createDirectory(atPath: directory, withIntermediateDirectories: true) }) != nil else {
                throw ending
            }
        } catch let e as ReportError {
            throw e
        } catch {
            throw fail("cannot create directory \(directory): \(error.localizedDescription)")
        }

        var fd: Int32 = -1
        var temporary = ""
        var openError: Int32 = 0
        guard TemporaryFiles.guarded({ () -> Bool in
            for _ in 0..<16 {
                let random = UInt64.random(in: 0...UInt64.max)
                temporary = directory + "/." + String(name.prefix(100)) + "." + String(random, radix: 16) + ".tmp"
                fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
                if fd >= 0 || errno != EEXIST { break }
            }
            openError = errno
            // Removed by TemporaryFiles if the process is stopped by a signal before the rename.
            if fd >= 0 { TemporaryFiles.register(temporary) }
            return true
        }) != nil else { throw ending }
        guard fd >= 0 else {
            throw fail("cannot create a temporary file in \(directory): \(String(cString: strerror(openError)))")
        }
        defer { TemporaryFiles.unregister(temporary) }
        var existing = stat()
        if stat(path, &existing) == 0 {
            _ = fchmod(fd, existing.st_mode & 0o7777)
        }

        if let problem = writeAll(data, to: fd) ?? (!durable || fsync(fd) == 0 ? nil : "fsync failed: \(lastError())") {
            _ = close(fd)
            _ = unlink(temporary)
            throw fail("cannot write: \(problem)")
        }
        if close(fd) != 0 {
            let problem = lastError()
            _ = unlink(temporary)
            throw fail("cannot write: close failed: \(problem)")
        }
        guard let renamed = guardedCall({ rename(temporary, path) }) else {
            _ = unlink(temporary)
            throw ending
        }
        if renamed.status != 0 {
            _ = unlink(temporary)
            throw fail("cannot replace the file: \(String(cString: strerror(renamed.errno)))")
        }
        guard durable else { return }
        // Make the rename itself durable (best effort: not every file system supports it).
        let directoryFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryFD >= 0 {
            _ = fsync(directoryFD)
            _ = close(directoryFD)
        }
    }

    /// Creates `path` with `text` (UTF-8) only if nothing is there yet, atomically and
    /// exclusively: the content is written to a temporary file, then linked to `path` (`link`
    /// fails when `path` exists, as `O_EXCL` would). Returns false, writing nothing, when `path`
    /// already exists; two processes racing for it never both return true.
    public static func createExclusively(_ text: String, at path: String) throws(ReportError) -> Bool {
        try createExclusively(Data(text.utf8), at: path)
    }

    /// Creates `path` with `data` only if nothing is there yet (see the text overload).
    public static func createExclusively(_ data: Data, at path: String) throws(ReportError) -> Bool {
        let url = URL(fileURLWithPath: path)
        let staging = url.deletingLastPathComponent().path + "/." + String(url.lastPathComponent.prefix(100)) + "."
            + String(UInt64.random(in: 0...UInt64.max), radix: 16) + ".new.tmp"
        guard TemporaryFiles.register(staging) else { throw ReportError("\(path): not written: the process is ending") }
        defer {
            _ = unlink(staging)
            TemporaryFiles.unregister(staging)
        }
        try write(data, to: staging)
        guard let linked = guardedCall({ link(staging, path) }) else { throw ReportError("\(path): not written: the process is ending") }
        if linked.status == 0 { return true }
        if linked.errno == EEXIST { return false }
        throw ReportError("\(path): cannot create: \(String(cString: strerror(linked.errno)))")
    }

    /// Runs the system call `call` under TemporaryFiles' lock (so a signal's cleanup never races
    /// it) and returns its status and errno; nil, without calling it, once the process is ending.
    static func guardedCall(_ call: () -> Int32) -> (status: Int32, errno: Int32)? {
        TemporaryFiles.guarded { () -> (status: Int32, errno: Int32) in
            let status = call()
            return (status, errno)
        }
    }

    /// Writes `text`, encoded as UTF-8 (no byte-order mark), to `path` atomically.
    public static func write(_ text: String, to path: String, durable: Bool = true) throws(ReportError) {
        try write(Data(text.utf8), to: path, durable: durable)
    }
}

/// Writes all of `data` to `fd`, retrying partial writes and interruptions; nil on success, or
/// the reason of the failure.
private func writeAll(_ data: Data, to fd: Int32) -> String? {
    data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) -> String? in
        guard let base = buffer.baseAddress else { return nil }
        var offset = 0
        while offset < buffer.count {
            let n = write(fd, base + offset, buffer.count - offset)
            if n > 0 {
                offset += n
            } else if n < 0 && errno == EINTR {
                continue
            } else {
                return n == 0 ? "write made no progress" : lastError()
            }
        }
        return nil
    }
}

/// The description of `errno`, such as "No space left on device".
private func lastError() -> String {
    String(cString: strerror(errno))
}
