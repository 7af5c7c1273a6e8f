import SimEngine

/// A link's configuration and traffic statistics at a given time (see
/// ``FlowNetwork/statistics(of:at:)``).
public struct LinkStatistics: Sendable, Equatable {
    /// The name the link was added with.
    public var name: String
    /// Capacity in bytes per second.
    public var bytesPerSecond: Double
    /// The link's latency.
    public var latency: SimDuration
    /// Flows crossing the link now.
    public var activeFlows: Int
    /// Sum of the rates of those flows now, in bytes per second.
    public var load: Double
    /// Bytes carried so far (the link's load integrated over time).
    public var busyBytes: Double
    /// Time during which at least one flow crossed the link.
    public var busyTime: SimDuration
    /// The used fraction of capacity (load / capacity) as a piecewise-constant signal from
    /// time zero.
    public var usedFraction: TimeWeightedAverage
    /// The time these statistics describe.
    public var time: SimTime

    /// The time-weighted average of the used fraction over [0, ``time``].
    public var averageUtilization: Double { usedFraction.average(until: time) }
}
