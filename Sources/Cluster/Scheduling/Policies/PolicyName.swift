/// The built-in scheduling policies, by the names used in scenario files and outputs. A name is
/// checked once, when it becomes a `PolicyName` (decoding a scenario, parsing a sweep value);
/// from then on it always makes a policy.
public enum PolicyName: String, Sendable, CaseIterable {
    case fifo
    case easyBackfill = "easy-backfill"
    case sjf
    case fairShare = "fair-share"
    case priorityPreempt = "priority-preempt"

    /// Every built-in policy name, in a fixed order.
    public static var names: [String] { allCases.map(\.rawValue) }

    /// A fresh policy of this kind.
    public func make() -> any SchedulingPolicy {
        switch self {
        case .fifo: return FIFOPolicy()
        case .easyBackfill: return EASYBackfillPolicy()
        case .sjf: return ShortestJobFirstPolicy()
        case .fairShare: return FairSharePolicy()
        case .priorityPreempt: return PriorityPreemptionPolicy()
        }
    }
}
