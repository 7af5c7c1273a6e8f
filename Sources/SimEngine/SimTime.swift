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

/// A span of simulated time in whole nanoseconds.
public struct SimDuration: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// Length in nanoseconds.
    public var nanoseconds: Int64

    /// No time.
    public static let zero = SimDuration(nanoseconds: 0)

    /// A duration of `nanoseconds`.
    @inlinable public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    /// Converts seconds to the nearest nanosecond; rejects NaN, infinities, negative values and
    /// values past about 292 years. `what` names the quantity in the error message.
    public init(seconds: Double, _ what: @autoclosure () -> String = "duration") throws(SimulationError) {
        guard seconds.isFinite, seconds >= 0 else {
            throw .invalidDuration("\(what()): \(seconds) s is not a finite, non-negative number")
        }
        let ns = (seconds * 1e9).rounded()
        guard ns < 9.2e18 else {
            throw .timeOverflow("\(what()): \(seconds) s exceeds the largest simulated duration")
        }
        self.nanoseconds = Int64(ns)
    }

    /// Unchecked conversion for values already known to be in range (e.g. PHOLD delays).
    /// Rounds half away from zero, like `rounded()`, without libm's `round` call: the
    /// fractional part of a double is exact, so truncating and correcting gives the same result.
    @inlinable @inline(__always) public init(uncheckedSeconds seconds: Double) {
        let x = seconds * 1e9
        let ns = Int64(x)
        let fraction = x - Double(ns)
        // Branch-free: the fraction is as likely above one half as below.
        self.nanoseconds = ns &+ (fraction >= 0.5 ? 1 : 0) &- (fraction <= -0.5 ? 1 : 0)
    }

    /// `s` whole seconds (no overflow check).
    @inlinable public static func seconds(_ s: Int64) -> SimDuration { SimDuration(nanoseconds: s * 1_000_000_000) }
    /// `ms` whole milliseconds (no overflow check).
    @inlinable public static func milliseconds(_ ms: Int64) -> SimDuration { SimDuration(nanoseconds: ms * 1_000_000) }
    /// `us` whole microseconds (no overflow check).
    @inlinable public static func microseconds(_ us: Int64) -> SimDuration { SimDuration(nanoseconds: us * 1_000) }

    /// Length in seconds, for reporting.
    @inlinable public var seconds: Double { Double(nanoseconds) * 1e-9 }

    /// Shorter first.
    @inlinable public static func < (a: SimDuration, b: SimDuration) -> Bool { a.nanoseconds < b.nanoseconds }

    /// `self + other`, or an overflow error.
    @inlinable
    public func adding(_ other: SimDuration, _ what: @autoclosure () -> String = "duration")
        throws(SimulationError) -> SimDuration
    {
        let (r, o) = nanoseconds.addingReportingOverflow(other.nanoseconds)
        if o { throw .timeOverflow("\(what()): \(self) + \(other) overflows") }
        return SimDuration(nanoseconds: r)
    }

    /// `self * k`, or an overflow error.
    @inlinable
    public func multiplied(by k: Int64, _ what: @autoclosure () -> String = "duration")
        throws(SimulationError) -> SimDuration
    {
        let (r, o) = nanoseconds.multipliedReportingOverflow(by: k)
        if o { throw .timeOverflow("\(what()): \(self) x \(k) overflows") }
        return SimDuration(nanoseconds: r)
    }

    /// Seconds with nine decimals, e.g. "0.000002000 s".
    public var description: String { formatSeconds(nanoseconds) }
}

extension SimDuration {
    /// The sum of `parts` (negative ones count as 0) in nanoseconds, saturated at a quarter of
    /// the time range instead of overflowing: for estimates shown to schedulers, never for the
    /// simulated clock (which uses the checked ``SimTime/adding(_:_:)`` and ``adding(_:_:)``).
    public static func estimateNanoseconds(summing parts: [Int64]) -> Int64 {
        var t: Int64 = 0
        for x in parts {
            let (r, o) = t.addingReportingOverflow(max(0, x))
            t = o ? .max / 4 : min(r, .max / 4)
        }
        return t
    }
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

/// Errors the engine reports instead of trapping.
public enum SimulationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A time or duration computation would not fit in 64-bit nanoseconds.
    case timeOverflow(String)
    /// A duration was NaN, infinite or negative.
    case invalidDuration(String)
    /// An event was scheduled before the current time.
    case scheduledInPast(String)
    /// A model reported a failure of its own.
    case model(String)

    /// A readable message naming the kind of error.
    public var description: String {
        switch self {
        case .timeOverflow(let s): return "simulated time overflow: \(s)"
        case .invalidDuration(let s): return "invalid duration: \(s)"
        case .scheduledInPast(let s): return "event scheduled in the past: \(s)"
        case .model(let s): return s
        }
    }
}
