import TextEscaping

/// An error in a scenario file: which file, where in the JSON document, and what is wrong.
///
/// Every problem with user input is reported as a `ScenarioError`; nothing in this module traps on
/// bad input. The message names the allowed range or values whenever there is one.
///
/// ```
/// scenarios/big.json: $.experiments[1].training.per_system_batch: value 0 is out of range; allowed range: 1...4096
/// ```
public struct ScenarioError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file the value came from, as given by the caller (typically the path passed on the command line).
    public let file: String
    /// The JSON path of the offending value, such as `$.experiments[1].training.per_system_batch`
    /// (`$` is the document root).
    public let path: String
    /// What is wrong, including the allowed range or values when there is one.
    public let message: String

    /// Creates an error for `path` in `file`.
    public init(file: String, path: String, message: String) {
        self.file = file
        self.path = path
        self.message = message
    }

    /// `"<file>: <path>: <message>"`.
    public var description: String { "\(file): \(path): \(message)" }
}

/// Builds JSON paths in the notation used by ``ScenarioError/path``: `$` is the root, `.name` a
/// member whose name is an identifier, `["odd name"]` any other member, `[3]` an array element.
public enum JSONPath {
    /// The root path, `$`.
    public static let root = "$"

    /// The path of member `key` of the object at `base`: `base.key`, or `base["key"]` when `key`
    /// is not an identifier (`[A-Za-z_][A-Za-z0-9_]*`).
    public static func member(_ base: String, _ key: String) -> String {
        if isIdentifier(key) { return base + "." + key }
        return base + "[" + quoted(key) + "]"
    }

    /// The path of element `index` of the array at `base`: `base[index]`.
    public static func element(_ base: String, _ index: Int) -> String {
        base + "[\(index)]"
    }

    static func isIdentifier(_ key: String) -> Bool {
        guard let first = key.unicodeScalars.first else { return false }
        func isAlpha(_ c: Unicode.Scalar) -> Bool {
            (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c == "_"
        }
        guard isAlpha(first) else { return false }
        return key.unicodeScalars.allSatisfy { isAlpha($0) || ($0 >= "0" && $0 <= "9") }
    }

    /// `s` as a JSON string literal for a message (``JSONText`` in its message style: control
    /// characters and DEL as `\u00XX`).
    static func quoted(_ s: String) -> String { JSONText.quoted(s, style: .message) }
}
