// Output statistics for models: plain value types with no clock of their own. Every quantity
// that depends on time takes the simulated time from the caller, and time enters only as whole
// nanoseconds, so two runs of the same model produce bit-identical statistics.

/// A count of occurrences (events handled, flows completed, retries...).
///
/// Additions saturate at `UInt64.max` rather than trap.
public struct Counter: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The number of occurrences counted so far.
    public private(set) var count: UInt64

    /// A counter starting at `count` (zero by default).
    public init(_ count: UInt64 = 0) { self.count = count }

    /// Adds `n` (one by default), saturating at `UInt64.max`.
    public mutating func increment(by n: UInt64 = 1) {
        let (r, o) = count.addingReportingOverflow(n)
        count = o ? .max : r
    }

    /// Sets the count back to zero.
    public mutating func reset() { count = 0 }

    /// The count in decimal.
    public var description: String { String(count) }
}

/// The time-weighted average of a piecewise-constant signal (queue length, a link's used
/// fraction, the number of busy cores...).
///
/// ``record(_:at:)`` sets the signal's value from a given time on; the average over
/// [start, t] is the integral of the signal divided by the elapsed time. The integral is
/// accumulated as `value * (whole nanoseconds elapsed)`, with Neumaier's compensated summation,
/// so time itself is never a floating-point accumulator and long runs lose no precision to
/// rounding.
///
/// Times passed to ``record(_:at:)`` must not decrease (checked in debug builds; an earlier time
/// is treated as the last recorded one in release builds).
public struct TimeWeightedAverage: Sendable, Equatable {
    /// When the measurement started.
    public let start: SimTime
    /// The time of the latest ``record(_:at:)`` (or the start).
    public private(set) var lastTime: SimTime
    /// The signal's current value.
    public private(set) var current: Double
    /// The largest value the signal has taken.
    public private(set) var max: Double
    /// The smallest value the signal has taken.
    public private(set) var min: Double
    /// The number of ``record(_:at:)`` calls.
    public private(set) var changes: UInt64 = 0

    // The integral from `start` to `lastTime`, in value x nanoseconds, as a compensated sum.
    private var sum: Double = 0
    private var compensation: Double = 0

    /// A signal that has value `initialValue` from `start` on.
    public init(initialValue: Double = 0, at start: SimTime = .zero) {
        self.start = start
        self.lastTime = start
        self.current = initialValue
        self.max = initialValue
        self.min = initialValue
    }

    /// Sets the signal to `value` from `time` on (the previous value held until `time`).
    public mutating func record(_ value: Double, at time: SimTime) {
        assert(time >= lastTime, "TimeWeightedAverage: time went back from \(lastTime) to \(time)")
        if time > lastTime {
            accumulate(current * Double(time.nanoseconds &- lastTime.nanoseconds))
            lastTime = time
        }
        current = value
        changes &+= 1
        if value > max { max = value }
        if value < min { min = value }
    }

    private mutating func accumulate(_ x: Double) {
        // Neumaier's variant of Kahan summation: keeps each addition's rounding error.
        let t = sum + x
        if Swift.abs(sum) >= Swift.abs(x) {
            compensation += (sum - t) + x
        } else {
            compensation += (x - t) + sum
        }
        sum = t
    }

    /// The integral of the signal over [start, `time`], in value x nanoseconds. `time` earlier
    /// than the last record is treated as the last record's time.
    public func integral(until time: SimTime) -> Double {
        let tail = time > lastTime ? current * Double(time.nanoseconds &- lastTime.nanoseconds) : 0
        return sum + compensation + tail
    }

    /// The time-weighted average over [start, `time`]: the integral divided by the elapsed
    /// nanoseconds. When no time has elapsed, the current value. `time` must not be earlier than
    /// the last record (it is treated as the last record's time).
    public func average(until time: SimTime) -> Double {
        let end = time > lastTime ? time : lastTime
        let elapsed = end.nanoseconds &- start.nanoseconds
        if elapsed <= 0 { return current }
        return integral(until: end) / Double(elapsed)
    }
}
