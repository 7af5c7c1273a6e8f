import Training

/// Exact contention: every mix of running jobs that load MemoryX is co-simulated once, all
/// jobs together on disjoint systems and shared MemoryX links, so their weight broadcasts and
/// gradient reductions split bandwidth by max-min fairness; each job's step time is the mean of
/// its steps 2 to k. Results are cached by the multiset of job configurations. Exact within the
/// model; the cost grows with the number of distinct mixes.
public final class ExactContention: ContentionModel {
    public var mode: ContentionMode { .exact }
    public let probes: ContentionProbes
    /// A job whose own duty is below this is left out of a probe when the others' light traffic
    /// adds up to less than ``ContentionProbes/contentionThreshold``.
    public var lightDuty = 0.002
    var shared: [[JobConfiguration]: [Int64]] = [:]

    /// Exact contention measured with `probes`.
    public init(probes: ContentionProbes) { self.probes = probes }

    public func sharing(_ specs: [TrainingSpec]) throws(TrainingError) -> [Int64] {
        var (out, duties, contend) = try probes.alone(specs)
        guard contend else { return out }
        // Co-simulate the jobs that load MemoryX; leave out the light ones when all of them
        // together stay under the threshold.
        let light = duties.indices.filter { duties[$0] < lightDuty }
        let lightSum = light.reduce(0.0) { $0 + duties[$1] }
        let members = lightSum < probes.contentionThreshold ? duties.indices.filter { duties[$0] >= lightDuty } : Array(duties.indices)
        if members.count <= 1 { return out }
        let keys = members.map { JobConfiguration(specs[$0]) }
        let local = keys.indices.sorted { keys[$0] < keys[$1] || (keys[$0] == keys[$1] && $0 < $1) }
        let order = local.map { members[$0] }
        let sortedKeys = local.map { keys[$0] }
        let times: [Int64]
        if let cached = shared[sortedKeys] {
            probes.cacheHits += 1
            times = cached
        } else {
            times = try probes.probe(order.map { specs[$0] })
            shared[sortedKeys] = times
            probes.simulated += 1
        }
        for (i, j) in order.enumerated() { out[j] = times[i] }
        return out
    }
}
