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
        if x >= 0 && x < 0x1p51 {
            // The short path (every PHOLD delay; its latency is on the path from the random
            // draw to the queue's store): adding 2^52 rounds x to the nearest integer, ties to
            // even, into the low 52 bits of the sum, exactly (the sum's unit in the last place
            // is 1). A tie rounded down (x - r == 0.5, exact) goes up instead: half away from
            // zero. Same result as the path below for every such x.
            let s = x + 0x1p52
            let r = Int64(bitPattern: s.bitPattern) & (1 << 52 - 1)
            let tie: Int64 = x - (s - 0x1p52) == 0.5 ? 1 : 0
            self.nanoseconds = r &+ tie
            return
        }
        let ns = Int64(x)
        let fraction = x - Double(ns)
        // Branch-free: the fraction is as likely above one half as below, so a branch on it
        // mispredicts half the time. Compared as integers (the bit patterns of doubles of one
        // sign order like their magnitudes), because the compiler turns floating-point compares
        // into branches once this is inlined into a larger loop: fraction >= 0.5 exactly when
        // its bits (sign clear) are at least those of 0.5, and fraction <= -0.5 when the bits of
        // -fraction are.
        let bits = Int64(bitPattern: fraction.bitPattern)
        let half = Int64(bitPattern: (0.5).bitPattern)
        let up: Int64 = bits >= half ? 1 : 0
        let down: Int64 = (bits ^ Int64.min) >= half ? 1 : 0
        self.nanoseconds = ns &+ up &- down
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
