import CNumberFormat

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
        // C's snprintf straight into a stack buffer: the digits Foundation's String(format:)
        // gives (it formats doubles with the C library too), without its format parsing and
        // string objects, which made the CSV of millions of jobs slow. A double has at most 309
        // integer digits; with 20 decimals, a sign and a point that fits in 400 bytes.
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: 400) { buffer -> String in
            let n = sim_format_fixed(buffer.baseAddress!, 400, Int32(d), x)
            let count = min(max(0, Int(n)), 399)
            // "%f" never groups digits, so anything but a digit or the sign is the decimal point:
            // make it "." even if some library switched LC_NUMERIC to a locale with a decimal
            // comma (which may take several bytes). Written back over the buffer (never longer).
            var out = 0
            var allZero = true
            var afterPoint = false
            for k in 0..<count {
                let c = UInt8(bitPattern: buffer[k])
                if c >= 0x30 && c <= 0x39 {
                    buffer[out] = CChar(bitPattern: c)
                    out += 1
                    if c != 0x30 { allZero = false }
                } else if c == 0x2D && out == 0 {
                    buffer[out] = CChar(bitPattern: c)
                    out += 1
                } else if !afterPoint {
                    buffer[out] = CChar(bitPattern: 0x2E)
                    out += 1
                    afterPoint = true
                }
            }
            var start = 0
            if allZero && out > 0 && buffer[0] == CChar(bitPattern: 0x2D) { start = 1 }
            return UnsafeBufferPointer(rebasing: buffer[start..<out]).withMemoryRebound(to: UInt8.self) {
                String(decoding: $0, as: UTF8.self)
            }
        }
    }

    /// The shortest representation of `x` that reads back as the same `Double` (Swift's
    /// `description`, such as `0.1`, `3.0`, `1e-07`, `-0.0`), or nil when `x` is not finite.
    static func shortest(_ x: Double) -> String? {
        x.isFinite ? x.description : nil
    }
}
