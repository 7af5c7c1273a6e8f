/// A point in simulated time: whole nanoseconds since the start of a run.
///
/// Simulated time is an integer so that no run ever accumulates floating-point rounding:
/// 2^63 ns is about 292 years, far beyond any run. Arithmetic that would overflow is
/// reported as ``SimulationError/timeOverflow(_:)``, never a trap.
public struct SimTime: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// Nanoseconds since time zero.
    public var nanoseconds: Int64

    /// Time zero, the start of every run.
    public static let zero = SimTime(nanoseconds: 0)
    /// The largest representable time; used as "never".
    public static let never = SimTime(nanoseconds: .max)

    /// The time `nanoseconds` after time zero.
    @inlinable public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    /// This time in seconds (for reporting only; never feed it back into the clock).
    @inlinable public var seconds: Double { Double(nanoseconds) * 1e-9 }

    /// Earlier first.
    @inlinable public static func < (a: SimTime, b: SimTime) -> Bool { a.nanoseconds < b.nanoseconds }

    /// `self + d`, or an error naming `what` when the result does not fit.
    @inlinable
    public func adding(_ d: SimDuration, _ what: @autoclosure () -> String = "time")
        throws(SimulationError) -> SimTime
    {
        let (r, o) = nanoseconds.addingReportingOverflow(d.nanoseconds)
        if o { throw .timeOverflow("\(what()): \(self) + \(d) exceeds the largest simulated time") }
        return SimTime(nanoseconds: r)
    }

    /// The duration from `earlier` to `self` (negative when `earlier` is later).
    @inlinable public func since(_ earlier: SimTime) -> SimDuration {
        SimDuration(nanoseconds: nanoseconds &- earlier.nanoseconds)
    }

    /// Seconds with nine decimals, e.g. "1.500000000 s".
    public var description: String { formatSeconds(nanoseconds) }
}

@usableFromInline
func formatSeconds(_ ns: Int64) -> String {
    let sign = ns < 0 ? "-" : ""
    let m = ns.magnitude
    let whole = m / 1_000_000_000
    var frac = String(m % 1_000_000_000)
    frac = String(repeating: "0", count: 9 - frac.count) + frac
    return "\(sign)\(whole).\(frac) s"
}
