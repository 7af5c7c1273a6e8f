import TextEscaping

/// A JSON document to write, rendered byte-identically from run to run: object members in the
/// order given, fixed number formatting, RFC 8259 string escaping.
///
/// ```swift
/// let doc: JSONOutput = .object([("name", .string("run1")), ("util", .double(0.8125, decimals: 3))])
/// try doc.write(to: "out/summary.json")
/// // {
/// //   "name": "run1",
/// //   "util": 0.813
/// // }
/// ```
public indirect enum JSONOutput: Equatable, Sendable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// An integer.
    case int(Int64)
    /// A number: with `decimals`, exactly that many digits after the point (clamped to 0...20, no
    /// minus sign on zero); without, the shortest form that reads back as the same `Double`
    /// (`0.1`, `3.0`, `1e-07`). NaN and infinities are rendered as `null`.
    case double(Double, decimals: Int?)
    /// A string.
    case string(String)
    /// An array.
    case array([JSONOutput])
    /// An object: members rendered in this order (keys are not checked for duplicates).
    case object([(String, JSONOutput)])

    /// The document as text, ending with a newline. With `indent` > 0, arrays and objects are
    /// spread over lines indented by that many spaces per level and members are written
    /// `"key": value`; with `indent` <= 0 the document is on one line with no spaces.
    /// Empty arrays and objects are always `[]` and `{}`.
    public func render(indent: Int = 2) -> String {
        var out = ""
        Self.render(self, indent: max(indent, 0), level: 0, into: &out)
        out += "\n"
        return out
    }

    /// Renders the document and writes it to `path` with ``AtomicFile``.
    public func write(to path: String, indent: Int = 2) throws(ReportError) {
        try AtomicFile.write(render(indent: indent), to: path)
    }

    /// Structural equality; object members must be equal and in the same order. Doubles compare
    /// with `==` (so a NaN is never equal to anything).
    public static func == (lhs: JSONOutput, rhs: JSONOutput) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.int(a), .int(b)): return a == b
        case let (.double(a, da), .double(b, db)): return a == b && da == db
        case let (.string(a), .string(b)): return a == b
        case let (.array(a), .array(b)): return a == b
        case let (.object(a), .object(b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    private static func render(_ value: JSONOutput, indent: Int, level: Int, into out: inout String) {
        switch value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += i.description
        case .double(let x, let decimals):
            let text = decimals.map { NumberFormat.fixed(x, decimals: $0) } ?? NumberFormat.shortest(x)
            out += text ?? "null"
        case .string(let s): escape(s, into: &out)
        case .array(let elements):
            if elements.isEmpty { out += "[]"; return }
            out += "["
            for (i, e) in elements.enumerated() {
                if i > 0 { out += "," }
                newline(indent: indent, level: level + 1, into: &out)
                render(e, indent: indent, level: level + 1, into: &out)
            }
            newline(indent: indent, level: level, into: &out)
            out += "]"
        case .object(let members):
            if members.isEmpty { out += "{}"; return }
            out += "{"
            for (i, m) in members.enumerated() {
                if i > 0 { out += "," }
                newline(indent: indent, level: level + 1, into: &out)
                escape(m.0, into: &out)
                out += indent > 0 ? ": " : ":"
                render(m.1, indent: indent, level: level + 1, into: &out)
            }
            newline(indent: indent, level: level, into: &out)
            out += "}"
        }
    }

    private static func newline(indent: Int, level: Int, into out: inout String) {
        guard indent > 0 else { return }
        out += "\n"
        out += String(repeating: " ", count: indent * level)
    }

    /// Appends `s` as a JSON string literal (``JSONText`` in its file style).
    static func escape(_ s: String, into out: inout String) { JSONText.quote(s, into: &out) }
}
