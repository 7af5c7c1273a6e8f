/// One user of a synthetic workload.
public struct UserSpec: Sendable, Equatable {
    /// The user name written into each job (`JobSpec.user`).
    public var name: String
    /// Relative share of the arrivals submitted by this user (> 0; normalised over all users).
    /// (Fair-share weights are the scheduler's: ``ClusterConfig/userShares``.)
    public var weight: Double

    /// Creates a user with an arrival weight.
    public init(name: String, weight: Double = 1) {
        self.name = name
        self.weight = weight
    }
}
