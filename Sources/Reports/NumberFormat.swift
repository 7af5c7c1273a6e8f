/// Deterministic number formatting shared by CSV and JSON output.
enum NumberFormat {
    /// The largest number of decimals honoured; larger requests are clamped.
    static let maxDecimals = 20

    /// `x` with exactly `decimals` digits after the point (clamped to 0...20, no exponent, "." as
    /// the decimal point whatever the locale, correctly rounded, ties to even, by `printf`), or nil when `x`
    /// is not finite. A result that rounds to zero never carries a minus sign ("0.00", not "-0.00").
    static func fixed(_ x: Double, decimals: Int) -> String? {
        guard x.isFinite else { return nil }
        let d = min(max(decimals, 0), maxDecimals)
        let formatted = String(format: "%.\(d)f", x)
        // "%f" never groups digits, so anything but a digit or the sign is the decimal point: make
        // it "." even if some library switched LC_NUMERIC to a locale with a decimal comma.
        var s = ""
        s.reserveCapacity(formatted.utf8.count)
        var allZero = true
        for c in formatted.unicodeScalars {
            if c >= "0" && c <= "9" {
                s.unicodeScalars.append(c)
                if c != "0" { allZero = false }
            } else if c == "-" && s.isEmpty {
                s += "-"
            } else if !s.hasSuffix(".") {
                s += "."
            }
        }
        if allZero && s.hasPrefix("-") { s.removeFirst() }
        return s
    }

    /// The shortest representation of `x` that reads back as the same `Double` (Swift's
    /// `description`, such as `0.1`, `3.0`, `1e-07`, `-0.0`), or nil when `x` is not finite.
    static func shortest(_ x: Double) -> String? {
        x.isFinite ? x.description : nil
    }
}
