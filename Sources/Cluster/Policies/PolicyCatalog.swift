/// The built-in scheduling policies, by the names used in scenario files and outputs.
public enum PolicyCatalog {
    /// Every built-in policy name, in a fixed order.
    public static let names: [String] = ["fifo", "easy-backfill", "sjf", "fair-share", "priority-preempt"]

    /// A fresh policy for `name` (exact, case-sensitive match), or nil when the name is unknown.
    public static func make(_ name: String) -> (any SchedulingPolicy)? {
        switch name {
        case "fifo": return FIFOPolicy()
        case "easy-backfill": return EASYBackfillPolicy()
        case "sjf": return ShortestJobFirstPolicy()
        case "fair-share": return FairSharePolicy()
        case "priority-preempt": return PriorityPreemptionPolicy()
        default: return nil
        }
    }
}
