/// Escaping of text for markup: SVG (charts, the wafer heat map) and HTML (report.html). The
/// one place `&`, `<`, `>`, `"` and `'` become entities; the two dialects differ only where the
/// outputs always have, so their bytes are unchanged.
public enum MarkupText {
    /// Which markup the text goes into.
    public enum Dialect: Sendable {
        /// XML 1.0 (SVG): `'` is `&apos;`; the control characters XML forbids (all below U+0020
        /// but tab, line feed and carriage return) and U+FFFE, U+FFFF are dropped.
        case xml
        /// HTML: `'` is `&#39;`; control characters other than tab and line feed become U+FFFD.
        case html
    }

    /// `text` with `&`, `<`, `>`, `"` and `'` escaped (and control characters handled as
    /// `dialect` says; bidirectional overrides become U+FFFD in both), safe in element content and
    /// in attribute values.
    public static func escape(_ text: String, for dialect: Dialect) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += dialect == .xml ? "&apos;" : "&#39;"
            case "\t", "\n": out.unicodeScalars.append(c)
            case "\r":
                if dialect == .xml { out.unicodeScalars.append(c) } else { out += "\u{FFFD}" }
            default:
                if MarkupText.isBidiControl(c) {
                    // An embedding, override or isolate can make a name read backwards (a file
                    // name spoofed as another): shown as U+FFFD, never obeyed.
                    out += "\u{FFFD}"
                } else if c.value < 0x20 {
                    if dialect == .html { out += "\u{FFFD}" }
                } else if dialect == .xml && (c.value == 0xFFFE || c.value == 0xFFFF) {
                    continue
                } else {
                    out.unicodeScalars.append(c)
                }
            }
        }
        return out
    }

    /// True for the Unicode bidirectional embeddings, overrides and isolates (U+202A-U+202E,
    /// U+2066-U+2069), which reorder the text around them.
    public static func isBidiControl(_ c: Unicode.Scalar) -> Bool {
        (0x202A...0x202E).contains(c.value) || (0x2066...0x2069).contains(c.value)
    }
}
