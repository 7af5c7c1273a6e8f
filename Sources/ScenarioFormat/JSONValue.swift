#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A parsed JSON value that keeps what scenario decoding needs and `JSONSerialization` loses:
/// the order of object members, and whether a number was written as an integer.
///
/// - A number written without fraction or exponent (`16`, `-3`, `-0`) is ``integer(_:)``, exactly;
///   one that does not fit in `Int64` becomes ``number(_:)`` (its nearest `Double`), so that the
///   field reading it reports the field's own range; integer fields refuse it.
/// - Any other number (`16.5`, `1e3`) is ``number(_:)``, always finite.
/// - An object keeps its members in document order; the parser rejects duplicate keys.
///
/// Not `indirect`: an array or object holds its elements inline (24 bytes each), not one heap box
/// per value, so a document costs a few times its size in memory, and at most
/// ``maxValues`` values are parsed (see ``parse(_:file:maxValues:)``).
public enum JSONValue: Equatable, Sendable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number written with a fraction or an exponent, such as `16.5` or `1e3` (always finite).
    case number(Double)
    /// A number written as an integer, such as `16` or `-0`.
    case integer(Int64)
    /// A number written with a fraction or an exponent whose nearest `Double` (kept here) is an
    /// integer but whose written value is not that integer: `9007199254740993.0` (2^53 + 1),
    /// `2.00000000000000001`, `1e-400`. Number fields read the `Double`; integer fields refuse it
    /// (integers are never rounded).
    case rounded(Double)
    /// A string.
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object: its members in document order.
    case object([(key: String, value: JSONValue)])

    /// The most values one document may hold: 16,700,000, counting every object, array, string,
    /// number, boolean and null one, and one more for each string and member name of more than 15
    /// UTF-8 bytes (held in a block of its own, not inline). The largest documented scenario fits:
    /// 1,000,000 listed jobs with all 11 fields take 14,000,000 (16,000,000 with ids and model
    /// names of more than 15 bytes). Without it, a document of many small values within
    /// ``maxBytes`` (`[0,0,...]`, `[[],[],...]`) took gigabytes; now parsing any document takes at
    /// most about 1.3 GB (docs/scenario-format.md, "Size"). Below 2^24, so that an array at the
    /// limit never grows its storage to 2^25 elements.
    public static let maxValues = 16_700_000
    /// The largest document parsed, in bytes (256 MiB): the bound of ``loadJSONFile(_:)``, and of
    /// every text parsed (a request of the C API, a sweep's `sweep.json`).
    public static let maxBytes = 256 << 20

    /// Parses a complete JSON document (RFC 8259; a leading UTF-8 byte-order mark is skipped).
    ///
    /// Throws a ``ScenarioError`` naming `file`, the JSON path where parsing stopped and the line
    /// and column, for syntax errors, invalid UTF-8, duplicate object keys, integers outside
    /// `Double` (whether written as integers or not), nesting deeper than 512 levels, more than
    /// `maxValues` values (checked as they are parsed, so memory stays bounded) and a document
    /// larger than ``maxBytes``.
    public static func parse(_ data: Data, file: String, maxValues: Int = JSONValue.maxValues) throws(ScenarioError) -> JSONValue {
        try parse(bytes: [UInt8](data), file: file, maxValues: maxValues)
    }

    /// Parses a complete JSON document held in a string; see ``parse(_:file:maxValues:)``.
    public static func parse(_ text: String, file: String, maxValues: Int = JSONValue.maxValues) throws(ScenarioError) -> JSONValue {
        try parse(bytes: Array(text.utf8), file: file, maxValues: maxValues)
    }

    /// Parses a complete JSON document held in bytes; see ``parse(_:file:maxValues:)``.
    public static func parse(bytes: [UInt8], file: String, maxValues: Int = JSONValue.maxValues) throws(ScenarioError) -> JSONValue {
        guard bytes.count <= maxBytes else {
            throw ScenarioError(file: file, path: JSONPath.root,
                                message: "the document is \(bytes.count) bytes; allowed: at most \(maxBytes) bytes")
        }
        var parser = JSONParser(bytes: bytes, file: file, maxValues: maxValues)
        return try parser.parseDocument()
    }

    /// Structural equality; object members must be equal and in the same order.
    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.number(a), .number(b)): return a == b
        case let (.integer(a), .integer(b)): return a == b
        case let (.rounded(a), .rounded(b)): return a == b
        case let (.string(a), .string(b)): return a == b
        case let (.array(a), .array(b)): return a == b
        case let (.object(a), .object(b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }

    /// The kind of value with an article, for messages: "an integer", "a string", "an object"...
    public var kindName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number, .rounded: return "a number"
        case .integer: return "an integer"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    /// A short description of the value for messages: `16`, `16.5`, `"abc"` (long strings are
    /// shortened), `true`, `null`, `an array of 3 elements`, `an object`.
    public var shortDescription: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let d), .rounded(let d): return d.description
        case .integer(let i): return i.description
        case .string(let s):
            let limit = 60
            if s.count <= limit { return JSONPath.quoted(s) }
            return JSONPath.quoted(String(s.prefix(limit))) + "..."
        case .array(let a): return "an array of \(a.count) element" + (a.count == 1 ? "" : "s")
        case .object: return "an object"
        }
    }
}

/// Reads and parses the JSON file at `path`.
///
/// Throws a ``ScenarioError`` with file `path` and JSON path `$` when the file is missing, is a
/// directory, cannot be read or is larger than 256 MiB; otherwise the errors of
/// ``JSONValue/parse(_:file:maxValues:)``.
public func loadJSONFile(_ path: String) throws(ScenarioError) -> JSONValue {
    func fail(_ message: String) -> ScenarioError {
        ScenarioError(file: path, path: JSONPath.root, message: message)
    }
    let fm = FileManager.default
    var isDirectory: ObjCBool = false
    guard fm.fileExists(atPath: path, isDirectory: &isDirectory) else {
        throw fail("file not found")
    }
    if isDirectory.boolValue { throw fail("is a directory, expected a JSON file") }
    // Opened without blocking (a named pipe would wait for a writer for ever), then only a
    // regular file is read.
    let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
    guard fd >= 0 else {
        throw fail(errno == EACCES ? "cannot read file: permission denied" : "cannot open file: \(String(cString: strerror(errno)))")
    }
    var st = stat()
    guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
        _ = close(fd)
        throw fail("is not a regular file (a named pipe, a device or a socket); give a JSON file")
    }
    defer { _ = close(fd) }
    // Read into one buffer of the file's size (plus one byte, to see a file that grew), with a
    // size limit, so that neither a large file nor one still growing can exhaust memory.
    let maxSize = JSONValue.maxBytes
    guard Int(st.st_size) <= maxSize else {
        throw fail("file is too large: \(st.st_size) bytes (allowed: at most \(maxSize) bytes)")
    }
    var bytes = [UInt8](repeating: 0, count: Int(st.st_size) + 1)
    var count = 0
    while true {
        if count == bytes.count {
            guard count <= maxSize else { throw fail("file is too large (allowed: at most \(maxSize) bytes)") }
            bytes.append(contentsOf: repeatElement(0, count: min(bytes.count, maxSize + 1 - count)))
        }
        let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + count, $0.count - count) }
        if n < 0 && errno == EINTR { continue }
        if n < 0 { throw fail("cannot read file: \(String(cString: strerror(errno)))") }
        if n == 0 { break }
        count += n
    }
    bytes.removeSubrange(count...)
    return try JSONValue.parse(bytes: bytes, file: path)
}
