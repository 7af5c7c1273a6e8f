#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import SimEngine

/// The lock of an output folder: an exclusive `flock` on the file `.<name>.lock` next to the
/// folder (in the folder's resolved parent, so every spelling of the folder meets the same lock),
/// held until this object is released (or the process ends, even by `kill -9`). A second run,
/// sweep or merge into the same folder is refused instead of mixing its files in. The program
/// makes the lock file holding ``signature`` and removes it when the lock is released (and on a
/// handled signal or an error exit); one left by a killed process is taken over and removed by the
/// next writer. A file at that name without the signature (a user's) is never locked, replaced or
/// removed: the writer is refused (exit 2).
public final class OutputLock: @unchecked Sendable {
    /// The folder, as an absolute path with its parent's links resolved (the folder itself too,
    /// when it exists and is a link).
    public let folder: String
    /// The lock file.
    public let lockFile: String
    private var fd: Int32

    /// Checks `path` (see ``checked(_:)``), creates its parent folder if needed and takes the
    /// lock; throws ``OutputRefused`` when another process holds it, or a ``ReportError`` when
    /// the lock file cannot be created.
    public init(_ path: String) throws {
        let absolute = try OutputLock.checked(path)
        let parentPath = URL(fileURLWithPath: absolute).deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: parentPath, withIntermediateDirectories: true)
        } catch {
            throw ReportError("\(parentPath): cannot create the folder: \(error.localizedDescription)")
        }
        folder = try OutputLock.resolved(absolute, shown: path)
        let url = URL(fileURLWithPath: folder)
        let parent = url.deletingLastPathComponent().path
        lockFile = (parent == "/" ? "" : parent) + "/" + OutputLock.auxiliaryName(url.lastPathComponent) + ".lock"
        fd = -1
        // Take the lock on the file that is at lockFile now: a holder that released it in the
        // meantime unlinked it, so a lock on the unlinked file would lock nothing.
        // Each attempt (create, lock, register) runs under TemporaryFiles' lock: a signal's
        // cleanup sees no lock file of ours, or one it removes.
        for _ in 0..<1000 {
            let lockFile = self.lockFile
            guard let attempt = TemporaryFiles.guarded({ OutputLock.attempt(lockFile) }) else {
                throw ReportError("\(path): not written: the process is ending")
            }
            switch attempt {
            case .locked(let f): fd = f
            case .replaced: continue
            case .busy:
                throw OutputRefused("\(path): another andromeda-sim run, sweep or merge is writing to this folder "
                    + "(it holds \(lockFile)); wait for it to finish or choose another \(NamedParameter.out.marker)")
            case .foreign(let what):
                throw OutputRefused("\(path): the folder's lock file \(lockFile) exists and \(what), so andromeda-sim did not "
                    + "make it; it is left as it is: remove it or choose another \(NamedParameter.out.marker)")
            case .failed(let why): throw ReportError("\(lockFile): \(why)")
            }
            break
        }
        guard fd >= 0 else { throw ReportError("\(lockFile): cannot lock: the lock file keeps being replaced") }
    }

    /// What every lock file the program makes holds: a file without it is never locked, taken
    /// over or removed.
    public static let signature = "{\"writer\": \"andromeda-sim\", \"kind\": \"lock\", \"format\": 1}\n"

    enum Attempt { case locked(Int32), replaced, busy, foreign(String), failed(String) }

    /// One try at the lock file `lockFile` (under TemporaryFiles' lock): a new one is made locked
    /// and signed before it appears (``create(_:)``); an existing one is locked only when it is
    /// a regular file holding ``signature`` (a stale lock of a killed writer, or one a running
    /// writer holds: then busy). Registered with TemporaryFiles once locked.
    static func attempt(_ lockFile: String) -> Attempt {
        var st = stat()
        if lstat(lockFile, &st) != 0 {
            guard errno == ENOENT else { return .failed("cannot read: \(String(cString: strerror(errno)))") }
            return create(lockFile)
        }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            return .foreign((st.st_mode & S_IFMT) == S_IFLNK ? "is a symbolic link" : "is not a regular file")
        }
        guard Int(st.st_size) == signature.utf8.count else { return .foreign("does not hold andromeda-sim's lock signature") }
        let f = open(lockFile, O_RDWR | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        guard f >= 0 else { return errno == ENOENT || errno == ELOOP ? .replaced : .failed("cannot open: \(String(cString: strerror(errno)))") }
        var bytes = [UInt8](repeating: 0, count: signature.utf8.count + 1)
        let n = bytes.withUnsafeMutableBytes { pread(f, $0.baseAddress, $0.count, 0) }
        guard n == signature.utf8.count, bytes.prefix(n).elementsEqual(signature.utf8) else {
            _ = close(f)
            return .foreign("does not hold andromeda-sim's lock signature")
        }
        var r: Int32
        repeat { r = flock(f, LOCK_EX | LOCK_NB) } while r != 0 && errno == EINTR
        if r != 0 {
            let busy = errno == EWOULDBLOCK
            let reason = String(cString: strerror(errno))
            _ = close(f)
            return busy ? .busy : .failed("cannot lock: \(reason)")
        }
        guard isAt(f, lockFile) else {
            _ = close(f)
            return .replaced
        }
        TemporaryFiles.register(lockFile)
        return .locked(f)
    }

    /// Makes the lock file: a private temporary file beside it gets the signature and the lock,
    /// then is linked to `lockFile` (which fails when anything is there: never replaced), so the
    /// name never shows a file without its signature or unlocked.
    static func create(_ lockFile: String) -> Attempt {
        let temporary = lockFile + "." + String(UInt64.random(in: 0...UInt64.max), radix: 16) + ".tmp"
        let f = open(temporary, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o666)
        guard f >= 0 else { return .failed("cannot create the lock file: \(String(cString: strerror(errno)))") }
        TemporaryFiles.register(temporary)
        defer {
            _ = unlink(temporary)
            TemporaryFiles.unregister(temporary)
        }
        let text = Array(signature.utf8)
        let written = text.withUnsafeBytes { write(f, $0.baseAddress, $0.count) }
        guard written == text.count, flock(f, LOCK_EX | LOCK_NB) == 0 else {
            let reason = String(cString: strerror(errno))
            _ = close(f)
            return .failed("cannot create the lock file: \(reason)")
        }
        guard link(temporary, lockFile) == 0 else {
            let e = errno
            _ = close(f)
            return e == EEXIST ? .replaced : .failed("cannot create the lock file: \(String(cString: strerror(e)))")
        }
        TemporaryFiles.register(lockFile)
        return .locked(f)
    }

    /// Whether the open file `fd` is the file at `path` now (same device and inode, not a link).
    static func isAt(_ fd: Int32, _ path: String) -> Bool {
        var a = stat(), b = stat()
        return fstat(fd, &a) == 0 && lstat(path, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino
    }

    deinit { release() }

    /// Releases the lock and removes its file (also done when the object goes away).
    public func release() {
        guard fd >= 0 else { return }
        // Unlinked while still held, so no other process can lock the file being removed; only
        // when the name still leads to it (a file put there since is not the program's).
        if Self.isAt(fd, lockFile) { _ = unlink(lockFile) }
        TemporaryFiles.unregister(lockFile)
        _ = close(fd)
        fd = -1
    }

    /// The longest last path component whose staging and lock names are derived from it
    /// directly; a longer one (up to NAME_MAX) gets names derived from its hash.
    static let maxDirectAuxiliaryName = 200

    /// The base name of the lock, staging and old folders of a folder named `name`, short enough
    /// for NAME_MAX whatever the folder's name.
    static func auxiliaryName(_ name: String) -> String {
        if name.utf8.count <= maxDirectAuxiliaryName { return "." + name }
        return ".andromeda-sim-" + String(FNV1a.hash(name), radix: 16)
    }

    /// Whether `path` names the lock file, a staging folder or an old copy of the output folder
    /// `folder` (`.<name>.lock`, `.<name>.staging-…`, `.<name>.old-…` beside it), links resolved.
    public static func isAuxiliary(_ path: String, of folder: String) -> Bool {
        let p = URL(fileURLWithPath: PathIdentity.resolved(path)), f = URL(fileURLWithPath: PathIdentity.resolved(folder))
        return p.deletingLastPathComponent().path == f.deletingLastPathComponent().path
            && p.lastPathComponent.hasPrefix(auxiliaryName(f.lastPathComponent) + ".")
    }

    /// `absolute` with its parent's symbolic links resolved, and the folder's own link resolved
    /// when it is one; refuses the working folder and its ancestors.
    static func resolved(_ absolute: String, shown: String) throws(OutputRefused) -> String {
        let url = URL(fileURLWithPath: absolute)
        var out = absolute
        if let r = realpath(absolute, nil) {
            out = String(cString: r)
            free(r)
        } else if let r = realpath(url.deletingLastPathComponent().path, nil) {
            let parent = String(cString: r)
            free(r)
            out = (parent == "/" ? "" : parent) + "/" + url.lastPathComponent
        }
        guard out != "/" else { throw OutputRefused("\(shown): the root folder cannot be an output folder; give a folder such as out/run1") }
        var cwd = FileManager.default.currentDirectoryPath
        if let r = realpath(cwd, nil) {
            cwd = String(cString: r)
            free(r)
        }
        if cwd == out || cwd.hasPrefix(out + "/") {
            throw OutputRefused("\(shown): is the working folder or one of its ancestors; an output folder must be a folder of its own, "
                + "such as out/run1")
        }
        return out
    }

    /// `path` as an absolute, standardized path; refuses an empty path, the root folder, `.`,
    /// `..`, a last component longer than NAME_MAX (255 bytes) and a path too long for PATH_MAX
    /// once the program's own file names are added.
    public static func checked(_ path: String) throws(OutputRefused) -> String {
        guard !path.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw OutputRefused("\(NamedParameter.out.marker) is empty; give an output folder such as out/run1")
        }
        guard !path.utf8.contains(0) else { throw OutputRefused("\(NamedParameter.out.marker) contains a NUL character") }
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        guard absolute != "/", !absolute.isEmpty else {
            throw OutputRefused("\(path): the root folder cannot be an output folder; give a folder such as out/run1")
        }
        let components = path.split(separator: "/").map(String.init)
        if components.last == "." || components.last == ".." {
            throw OutputRefused("\(path): names a folder by . or ..; give an output folder of its own, such as out/run1")
        }
        for c in absolute.split(separator: "/") where c.utf8.count > 255 {
            throw OutputRefused("\(path): a path component is \(c.utf8.count) bytes long; the allowed range is 1 to 255 (NAME_MAX)")
        }
        // Room for the longest name the program writes inside (policy folders, shard points).
        let room = 4095 - 160
        guard absolute.utf8.count <= room else {
            throw OutputRefused("\(path): the absolute path is \(absolute.utf8.count) bytes long; the allowed range is 1 to \(room) "
                + "(PATH_MAX 4,096 less room for the files written inside)")
        }
        try OutputMarker.checkNotInsideReplacedFolder(absolute, shown: path)
        return absolute
    }
}
