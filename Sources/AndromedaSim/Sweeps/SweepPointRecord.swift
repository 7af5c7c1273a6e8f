#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import SimEngine

/// What a sweep wrote for one point: its completion marker `points/p<k>.done`, written after the
/// point's two CSV files. It records the sweep's fingerprint, the point, and for each file its
/// columns (the header of the table it joins), its row count, its size and its 64-bit FNV-1a
/// checksum, so that `merge` (and a resumed run) takes only points whose files are exactly what
/// was written: anything missing, truncated, grown, altered, linked or not a regular file is found.
///
/// ```text
/// andromeda-sim point 1
/// fingerprint 3f0c...
/// point 12
/// scaling.csv rows 2 bytes 311 fnv1a64 9d1e... columns 5e2a...
/// cluster.csv rows 0 bytes 0 fnv1a64 cbf29ce484222325 columns 77b0...
/// ```
struct SweepPointRecord: Equatable {
    static let firstLine = "andromeda-sim point 1"
    /// The two files of a point, in the order they are written.
    static let files = ["scaling.csv", "cluster.csv"]
    /// The largest marker read (it is a few hundred bytes).
    static let maxMarkerBytes = 4096

    struct File: Equatable {
        var rows: Int
        var bytes: Int
        var checksum: UInt64
        var columns: UInt64
    }

    var fingerprint: String
    var point: Int
    var scaling: File
    var cluster: File

    /// The record of point `k` whose files hold `scaling` and `cluster` (rows without header)
    /// under the headers `headers`.
    init(fingerprint: String, point k: Int, scaling: String, cluster: String, headers: (scaling: [String], cluster: [String])) {
        self.fingerprint = fingerprint
        point = k
        self.scaling = Self.describe(Array(scaling.utf8), header: headers.scaling)
        self.cluster = Self.describe(Array(cluster.utf8), header: headers.cluster)
    }

    private init(fingerprint: String, point: Int, scaling: File, cluster: File) {
        self.fingerprint = fingerprint
        self.point = point
        self.scaling = scaling
        self.cluster = cluster
    }

    static func describe(_ bytes: [UInt8], header: [String]) -> File {
        var h = FNV1a()
        h.add(bytes)
        var c = FNV1a()
        c.add(header.joined(separator: ","))
        return File(rows: bytes.reduce(0) { $0 + ($1 == 10 ? 1 : 0) }, bytes: bytes.count, checksum: h.value, columns: c.value)
    }

    var text: String {
        func line(_ name: String, _ f: File) -> String {
            "\(name) rows \(f.rows) bytes \(f.bytes) fnv1a64 \(String(f.checksum, radix: 16)) columns \(String(f.columns, radix: 16))"
        }
        return [Self.firstLine, "fingerprint \(fingerprint)", "point \(point)", line("scaling.csv", scaling),
                line("cluster.csv", cluster)].joined(separator: "\n") + "\n"
    }

    /// Parses a marker; nil when it is not one this version writes.
    static func parse(_ text: String) -> SweepPointRecord? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count == 6, lines[0] == firstLine, lines[5].isEmpty else { return nil }
        func value(_ line: Substring, _ key: String) -> Substring? {
            line.hasPrefix(key + " ") ? line.dropFirst(key.count + 1) : nil
        }
        func file(_ line: Substring, _ name: String) -> File? {
            let w = line.split(separator: " ", omittingEmptySubsequences: false)
            guard w.count == 9, w[0] == name, w[1] == "rows", w[3] == "bytes", w[5] == "fnv1a64", w[7] == "columns",
                  let rows = Int(w[2]), rows >= 0, let bytes = Int(w[4]), bytes >= 0,
                  let sum = UInt64(w[6], radix: 16), let cols = UInt64(w[8], radix: 16) else { return nil }
            return File(rows: rows, bytes: bytes, checksum: sum, columns: cols)
        }
        guard let f = value(lines[1], "fingerprint"), !f.isEmpty, let p = value(lines[2], "point").flatMap({ Int($0) }),
              let s = file(lines[3], "scaling.csv"), let c = file(lines[4], "cluster.csv") else { return nil }
        return SweepPointRecord(fingerprint: String(f), point: p, scaling: s, cluster: c)
    }

    /// The bytes of the regular file at `path`, read without following a link or blocking on a
    /// pipe, when it is exactly `expected` bytes long; otherwise why not.
    static func readRegular(_ path: String, expected: Int? = nil, limit: Int) -> Result<[UInt8], Problem> {
        var st = stat()
        guard lstat(path, &st) == 0 else { return .failure(errno == ENOENT ? .missing : .unreadable(String(cString: strerror(errno)))) }
        guard (st.st_mode & S_IFMT) == S_IFREG else { return .failure(.notRegular) }
        let size = Int(st.st_size)
        if let expected, size != expected { return .failure(.size(size, expected)) }
        guard size <= limit else { return .failure(.tooLarge(size, limit)) }
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return .failure(.unreadable(String(cString: strerror(errno)))) }
        defer { _ = close(fd) }
        var st2 = stat()
        guard fstat(fd, &st2) == 0, st2.st_ino == st.st_ino, st2.st_dev == st.st_dev, (st2.st_mode & S_IFMT) == S_IFREG else {
            return .failure(.notRegular)
        }
        var buffer = [UInt8](repeating: 0, count: size + 1)
        var got = 0
        while got < buffer.count {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress! + got, $0.count - got) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 { return .failure(.unreadable(String(cString: strerror(errno)))) }
            if n == 0 { break }
            got += n
        }
        guard got == size else { return .failure(.size(got, size)) }
        buffer.removeLast()
        return .success(buffer)
    }

    /// Why a file of a point cannot be taken.
    enum Problem: Error {
        case missing
        case notRegular
        case size(Int, Int)
        case tooLarge(Int, Int)
        case unreadable(String)

        var text: String {
            switch self {
            case .missing: return "is missing"
            case .notRegular: return "is not a regular file (a link, a folder, a pipe or a device)"
            case .size(let got, let want): return "is \(got) bytes where \(want) were written (truncated, grown or replaced)"
            case .tooLarge(let got, let limit): return "is \(got) bytes (allowed: at most \(limit))"
            case .unreadable(let why): return "cannot be read: \(why)"
            }
        }
    }
}
