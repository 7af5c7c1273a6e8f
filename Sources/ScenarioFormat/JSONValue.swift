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
public indirect enum JSONValue: Equatable, Sendable {
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

    /// Parses a complete JSON document (RFC 8259; a leading UTF-8 byte-order mark is skipped).
    ///
    /// Throws a ``ScenarioError`` naming `file`, the JSON path where parsing stopped and the line
    /// and column, for syntax errors, invalid UTF-8, duplicate object keys, integers outside
    /// `Double` (whether written as integers or not) and nesting deeper than 512 levels.
    public static func parse(_ data: Data, file: String) throws(ScenarioError) -> JSONValue {
        var parser = JSONParser(bytes: [UInt8](data), file: file)
        return try parser.parseDocument()
    }

    /// Parses a complete JSON document held in a string; see ``parse(_:file:)``.
    public static func parse(_ text: String, file: String) throws(ScenarioError) -> JSONValue {
        var parser = JSONParser(bytes: Array(text.utf8), file: file)
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
/// ``JSONValue/parse(_:file:)``.
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
    let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
    defer { try? handle.close() }
    // Read in chunks with a size limit, so that a device such as /dev/zero cannot exhaust memory.
    let maxSize = 256 << 20
    var data = Data()
    do {
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            data.append(chunk)
            if data.count > maxSize {
                throw fail("file is too large (allowed: at most \(maxSize) bytes)")
            }
        }
    } catch let error as ScenarioError {
        throw error
    } catch {
        throw fail("cannot read file: \(error.localizedDescription)")
    }
    return try JSONValue.parse(data, file: path)
}
