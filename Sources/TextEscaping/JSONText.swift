/// JSON string literals: the one escaper of every JSON file andromeda-sim writes (summary.json,
/// timing.json, sweep.json, Chrome traces) and of the JSON paths and values quoted in its error
/// messages.
public enum JSONText {
    /// Which escapes control characters get.
    public enum Style: Sendable {
        /// Files: `\b \f \n \r \t`, other characters below U+0020 as `\u00XX` (lowercase hex);
        /// everything else, DEL and non-ASCII included, as is (UTF-8).
        case file
        /// Messages on a terminal: `\n \r \t`, every other character below U+0020 and DEL (U+007F)
        /// as `\u00XX`, so nothing quoted moves the cursor.
        case message
    }

    /// Appends `s` as a JSON string literal (in double quotes, `"` and `\` escaped) to `out`.
    public static func quote(_ s: String, style: Style = .file, into out: inout String) {
        out += "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}" where style == .file: out += "\\b"
            case "\u{0C}" where style == .file: out += "\\f"
            case _ where c.value < 0x20 || (style == .message && c.value == 0x7F):
                let hex = String(c.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(c)
            }
        }
        out += "\""
    }

    /// `s` as a JSON string literal.
    public static func quoted(_ s: String, style: Style = .file) -> String {
        var out = ""
        quote(s, style: style, into: &out)
        return out
    }
}
