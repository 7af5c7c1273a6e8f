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
    /// The caller asked the work to stop (``WorkProgress/cancel()``).
    case cancelled

    /// A readable message naming the kind of error.
    public var description: String {
        switch self {
        case .timeOverflow(let s): return "simulated time overflow: \(s)"
        case .invalidDuration(let s): return "invalid duration: \(s)"
        case .scheduledInPast(let s): return "event scheduled in the past: \(s)"
        case .model(let s): return s
        case .cancelled: return "cancelled by the caller"
        }
    }
}
