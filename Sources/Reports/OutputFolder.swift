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
/// (`out`, `trace`, `params`: the C ABI's and the Python package's), the command line by its flag
/// (`--out`, `--trace`, `--param`); a message holds a marker until it is shown.
public enum NamedParameter: String, Sendable, CaseIterable {
    case out, trace, params

    /// The command-line flag.
    public var flag: String { self == .params ? "--param" : "--" + rawValue }
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

    /// Checks that `folder` may be written as an output of `kind`: it does not exist, or it is an
    /// empty folder, or it carries a marker of the same kind. Anything else is refused (exit 2),
    /// never cleared. `shown` is the path as the user wrote it, for the message.
    public static func checkReusable(_ folder: String, as kind: OutputKind, shown: String) throws(OutputRefused) {
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

    /// Writes the marker into `folder` (through a temporary file).
    public static func write(_ kind: OutputKind, into folder: String) throws(ReportError) {
        try AtomicFile.write(text(kind), to: folder + "/" + file)
    }
}

/// The lock of an output folder: an exclusive `flock` on the file `.<name>.lock` next to the
/// folder (in the folder's resolved parent, so every spelling of the folder meets the same lock),
/// held until this object is released (or the process ends, even by `kill -9`). A second run,
/// sweep or merge into the same folder is refused instead of mixing its files in. The lock file
/// is removed when the lock is released (and on a handled signal or an error exit); one left by a
/// killed process is taken over and removed by the next writer.
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
            enum Attempt { case locked(Int32), replaced, busy, failed(String) }
            let lockFile = self.lockFile
            guard let attempt = TemporaryFiles.guarded({ () -> Attempt in
                let f = open(lockFile, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o666)
                guard f >= 0 else { return .failed("cannot create the lock file: \(String(cString: strerror(errno)))") }
                var r: Int32
                repeat { r = flock(f, LOCK_EX | LOCK_NB) } while r != 0 && errno == EINTR
                if r != 0 {
                    let busy = errno == EWOULDBLOCK
                    let reason = String(cString: strerror(errno))
                    _ = close(f)
                    return busy ? .busy : .failed("cannot lock: \(reason)")
                }
                var a = stat(), b = stat()
                guard fstat(f, &a) == 0, lstat(lockFile, &b) == 0, a.st_dev == b.st_dev, a.st_ino == b.st_ino else {
                    _ = close(f)
                    return .replaced
                }
                TemporaryFiles.register(lockFile)
                return .locked(f)
            }) else { throw ReportError("\(path): not written: the process is ending") }
            switch attempt {
            case .locked(let f): fd = f
            case .replaced: continue
            case .busy:
                throw OutputRefused("\(path): another andromeda-sim run, sweep or merge is writing to this folder "
                    + "(it holds \(lockFile)); wait for it to finish or choose another \(NamedParameter.out.marker)")
            case .failed(let why): throw ReportError("\(lockFile): \(why)")
            }
            break
        }
        guard fd >= 0 else { throw ReportError("\(lockFile): cannot lock: the lock file keeps being replaced") }
    }

    deinit { release() }

    /// Releases the lock and removes its file (also done when the object goes away).
    public func release() {
        guard fd >= 0 else { return }
        // Unlinked while still held, so no other process can lock the file being removed.
        _ = unlink(lockFile)
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
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in name.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        return ".andromeda-sim-" + String(h, radix: 16)
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
/// The folder is locked (``OutputLock``) from ``init(_:kind:)`` until the object goes away. An
/// existing folder is replaced as a whole, so it must be empty or carry the marker of an earlier
/// output of the same kind (``OutputMarker``); anything else is refused rather than deleted. The
/// staged set always holds the marker.
public final class OutputFolder: @unchecked Sendable {
    /// The final folder (absolute, its parent's links resolved).
    public let path: String
    /// Where this run writes its files until ``commit()``.
    public let staging: String
    private let lock: OutputLock
    private var done = false

    /// Locks `path`, checks that it may be replaced, removes stale staging folders of earlier
    /// killed runs and creates a fresh staging folder holding the marker of `kind`.
    public init(_ path: String, kind: OutputKind = .run) throws {
        lock = try OutputLock(path)
        self.path = lock.folder
        let fm = FileManager.default
        let url = URL(fileURLWithPath: self.path)
        let parent = url.deletingLastPathComponent().path
        let aux = OutputLock.auxiliaryName(url.lastPathComponent)
        // Leftovers of killed runs (we hold the lock, so nobody else is using them).
        let stalePrefixes = [aux + ".staging-", aux + ".old-"]
        var isDirectory: ObjCBool = false
        let exists = fm.fileExists(atPath: self.path, isDirectory: &isDirectory)
        for entry in (try? fm.contentsOfDirectory(atPath: parent)) ?? [] where stalePrefixes.contains(where: entry.hasPrefix) {
            // Only folders this program made: empty, or holding its marker.
            let full = parent + "/" + entry
            var st = stat()
            guard lstat(full, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR,
                  OutputMarker.kind(of: full) != nil || ((try? fm.contentsOfDirectory(atPath: full)) ?? ["?"]).isEmpty else { continue }
            // A run killed between the two renames of the fallback swap left only the old copy.
            if !exists && entry.hasPrefix(aux + ".old-") && rename(parent + "/" + entry, self.path) == 0 { continue }
            try? fm.removeItem(atPath: parent + "/" + entry)
        }
        try OutputMarker.checkReusable(self.path, as: kind, shown: path)
        staging = (parent == "/" ? "" : parent) + "/" + aux + ".staging-" + String(UInt64.random(in: 0...UInt64.max), radix: 16)
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
        guard let created else { throw ReportError("\(path): not written: the process is ending") }
        if case .failure(let error) = created {
            throw ReportError("\(staging): cannot create the staging folder: \(error.localizedDescription)")
        }
        try OutputMarker.write(kind, into: staging)
    }

    deinit { abandon() }

    /// Removes the staging folder without touching the output folder (a failed run).
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

    /// Puts the staged files in place as one set and removes the previous contents.
    public func commit() throws(ReportError) {
        guard !done else { throw ReportError("\(path): already committed or abandoned") }
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
        done = true
        // The previous contents (or nothing), removed under the lock as in abandon().
        _ = TemporaryFiles.guarded {
            TemporaryFiles.removeTree(staging)
            TemporaryFiles.unregister(staging)
        }
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
