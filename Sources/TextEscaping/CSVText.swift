/// One CSV field as every CSV file the program writes spells it (RFC 4180), with spreadsheet
/// formulas neutralised: the one place that escapes text for CSV.
///
/// - A field that a spreadsheet would run as a formula (it starts with `=`, `+`, `-`, `@`, a tab
///   or a carriage return, and is not a plain decimal number such as `-1.5`) gets a leading `'`,
///   as OWASP's "CSV injection" advice recommends: `=cmd|' /C calc'!A0` is written
///   `'=cmd|' /C calc'!A0`. Names the program refuses anyway (control characters) never reach it.
/// - A field holding a comma, a double quote, CR or LF is enclosed in double quotes with its
///   double quotes doubled.
/// - A NUL becomes U+FFFD (inputs refuse control characters in names; this is the backstop).
public enum CSVText {
    /// `s` as a CSV field.
    public static func field(_ s: String) -> String {
        if s.utf8.contains(0) { return field(String(s.unicodeScalars.map { $0 == "\u{0}" ? "\u{FFFD}" : Character($0) })) }
        let text = startsFormula(s) ? "'" + s : s
        let needsQuotes = text.utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0D || $0 == 0x0A }
        guard needsQuotes else { return text }
        var out = "\""
        for c in text.unicodeScalars {
            if c == "\"" { out += "\"" }
            out.unicodeScalars.append(c)
        }
        return out + "\""
    }

    /// Whether a spreadsheet would read `s` as a formula: its first byte is `=`, `+`, `-`, `@`, a
    /// tab or CR, and it is not a plain decimal number.
    public static func startsFormula(_ s: String) -> Bool {
        guard let first = s.utf8.first, [UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 0x09, 0x0D].contains(first)
        else { return false }
        return !isPlainNumber(s)
    }

    /// `[+-]digits[.digits][e[+-]digits]`, nothing else.
    static func isPlainNumber(_ s: String) -> Bool {
        var bytes = Array(s.utf8)[...]
        if let f = bytes.first, f == UInt8(ascii: "+") || f == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        func digits() -> Int {
            var n = 0
            while let b = bytes.first, b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") { bytes = bytes.dropFirst(); n += 1 }
            return n
        }
        var n = digits()
        if bytes.first == UInt8(ascii: ".") { bytes = bytes.dropFirst(); n += digits() }
        guard n > 0 else { return false }
        if let e = bytes.first, e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            if let f = bytes.first, f == UInt8(ascii: "+") || f == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
            guard digits() > 0 else { return false }
        }
        return bytes.isEmpty
    }
}
