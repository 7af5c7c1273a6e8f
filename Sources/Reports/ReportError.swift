/// An error while building or writing a report. File errors name the path:
/// `out/run1/summary.csv: cannot write: is a directory`.
public struct ReportError: Error, CustomStringConvertible, Equatable, Sendable {
    /// What went wrong; for file errors it starts with the path.
    public let message: String

    /// Creates an error with `message`.
    public init(_ message: String) { self.message = message }

    /// The message.
    public var description: String { message }
}

/// Deterministic number formatting shared by CSV and JSON output.
enum NumberFormat {
    /// The largest number of decimals honoured; larger requests are clamped.
    static let maxDecimals = 20

    /// `x` with exactly `decimals` digits after the point (clamped to 0...20, no exponent, "." as
    /// the decimal point whatever the locale, correctly rounded by the C library), or nil when `x`
    /// is not finite. A result that rounds to zero never carries a minus sign ("0.00", not "-0.00").
    static func fixed(_ x: Double, decimals: Int) -> String? {
        guard x.isFinite else { return nil }
        let d = min(max(decimals, 0), maxDecimals)
        let s = String(format: "%.\(d)f", x)
        if s.hasPrefix("-"), s.utf8.dropFirst().allSatisfy({ $0 == UInt8(ascii: "0") || $0 == UInt8(ascii: ".") }) {
            return String(s.dropFirst())
        }
        return s
    }

    /// The shortest representation of `x` that reads back as the same `Double` (Swift's
    /// `description`, such as `0.1`, `3.0`, `1e-07`, `-0.0`), or nil when `x` is not finite.
    static func shortest(_ x: Double) -> String? {
        x.isFinite ? x.description : nil
    }
}
