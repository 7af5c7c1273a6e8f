/// The exact value of a plain decimal literal (`-12`, `16.0`, `1e3`, `2.50e-1`): what it is before
/// any rounding to a `Double`, so that an integer field can refuse `9007199254740993.0` (which
/// rounds to 2^53) and `2.00000000000000001` (which rounds to 2) instead of reading them rounded.
public enum DecimalLiteral: Equatable, Sendable {
    /// The literal is exactly this integer.
    case integer(Int64)
    /// The literal is an integer outside `Int64`.
    case beyondInt64
    /// The literal has a non-zero fractional part (or is not a plain decimal literal).
    case notInteger

    /// Classifies `text`: optional sign, digits, optional `.digits`, optional exponent.
    public init<S: StringProtocol>(_ text: S) {
        var b = Array(text.utf8)[...]
        var negative = false
        if let c = b.first, c == UInt8(ascii: "+") || c == UInt8(ascii: "-") {
            negative = c == UInt8(ascii: "-")
            b = b.dropFirst()
        }
        func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
        var digits: [UInt8] = []
        while let c = b.first, isDigit(c) { digits.append(c - 48); b = b.dropFirst() }
        var fraction = 0
        if b.first == UInt8(ascii: ".") {
            b = b.dropFirst()
            while let c = b.first, isDigit(c) { digits.append(c - 48); fraction += 1; b = b.dropFirst() }
        }
        guard !digits.isEmpty else { self = .notInteger; return }
        var exponent = 0
        if let c = b.first, c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
            b = b.dropFirst()
            var minus = false
            if let s = b.first, s == UInt8(ascii: "+") || s == UInt8(ascii: "-") {
                minus = s == UInt8(ascii: "-")
                b = b.dropFirst()
            }
            var any = false
            while let c = b.first, isDigit(c) {
                any = true
                // Saturate: an exponent past a million digits' worth decides the same way.
                exponent = min(exponent * 10 + Int(c - 48), 10_000_000)
                b = b.dropFirst()
            }
            guard any else { self = .notInteger; return }
            if minus { exponent = -exponent }
        }
        guard b.isEmpty else { self = .notInteger; return }
        // Value = digits x 10^(exponent - fraction); drop leading and trailing zeros.
        var scale = exponent - fraction
        while let last = digits.last, last == 0, digits.count > 1 { digits.removeLast(); scale += 1 }
        while let first = digits.first, first == 0, digits.count > 1 { digits.removeFirst() }
        if digits == [0] { self = .integer(0); return }
        guard scale >= 0 else { self = .notInteger; return }
        guard digits.count + scale <= 19 else { self = .beyondInt64; return }
        var value: Int64 = 0
        for d in digits + [UInt8](repeating: 0, count: scale) {
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(Int64(d))
            guard !o1, !o2 else { self = .beyondInt64; return }
            value = s
        }
        self = .integer(negative ? -value : value)
    }
}
