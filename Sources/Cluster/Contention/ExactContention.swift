import Training

/// Exact contention: every mix of running jobs that load MemoryX is co-simulated once, all
/// jobs together on disjoint systems and shared MemoryX links, so their weight broadcasts and
/// gradient reductions split bandwidth by max-min fairness. Each job's step time is measured over
/// a window of simulated time that spans a whole step of every job (``ProbeWindow``), or with
/// ``window`` nil by the full co-simulation until every job has finished three steps. Results
/// are kept in a ``MixStore`` by the mix's job specs; the cost grows with the number of distinct
/// mixes.
public final class ExactContention: ContentionModel {
    public var mode: ContentionMode { .exact }
    public let probes: ContentionProbes
    /// A job whose own duty is below this is left out of a probe when the others' light traffic
    /// adds up to less than ``ContentionProbes/contentionThreshold``.
    public var lightDuty = 0.002
    /// How a mix is measured: over a window of simulated time (``ProbeWindow``), or with nil by
    /// the full co-simulation it replaced, the reference its error is measured against
    /// (docs/cluster.md, "Exact contention").
    public var window: ProbeWindow? = ProbeWindow()
    /// When set, every new mix is also measured by the full co-simulation, twice: as placed,
    /// and with its jobs placed in reverse order (other systems, other start offsets), and the
    /// three are kept in ``comparisons``. The window's error against the reference is then read
    /// beside the reference's own sensitivity to an arbitrary choice. (Slow: for studies.)
    public var recordsComparisons = false
    /// With ``recordsComparisons``: one entry per mix simulated, in order.
    public private(set) var comparisons: [WindowComparison] = []
    /// The measured mixes: this model's own, or (``share(_:)``) a store shared with the models of
    /// other policies, each mix measured once whichever asks first.
    public private(set) var store = MixStore()
    /// After ``share(_:)``: the id of every mix asked for, in order, for ``MixStore/counts(_:)``
    /// (this model's own ``ContentionProbes/simulated`` and `cacheHits` then depend on which
    /// thread measured a mix first).
    public private(set) var requests: [Int] = []
    var logsRequests = false

    /// Looks mixes up in and stores them to `store`, and logs every request in ``requests``.
    public func share(_ store: MixStore) {
        self.store = store
        logsRequests = true
    }

    /// One mix measured three ways (``recordsComparisons``).
    public struct WindowComparison: Sendable {
        /// Per job of the mix: its model and systems ("llama-7b x2").
        public let jobs: [String]
        /// Per job: its step alone, the reference (full co-simulation), the reference with the
        /// mix placed in reverse order, and the window's figure, in nanoseconds.
        public let solo: [Int64], reference: [Int64], reversed: [Int64], window: [Int64]
    }

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
        let mix = order.map { ContentionProbes.probeSpec(specs[$0]) }
        var measured = false
        let found = try store.times(sortedKeys, mix: mix) { () throws(TrainingError) in
            measured = true
            let before = probes.events
            let t = try measure(mix)
            return (t, probes.events &- before)
        }
        if logsRequests { requests.append(found.id) }
        if measured { probes.simulated += 1 } else { probes.cacheHits += 1 }
        let times = found.times
        for (i, j) in order.enumerated() { out[j] = times[i] }
        return out
    }

    /// The step times of `mix` (placed in this order) by the chosen method.
    func measure(_ mix: [TrainingSpec]) throws(TrainingError) -> [Int64] {
        guard let w = window else { return try probes.probe(mix) }
        let times = try probes.coSimulate(mix, window: w)
        if recordsComparisons {
            let events = probes.events
            let reference = try probes.probe(mix)
            let reversed = Array(try probes.probe(Array(mix.reversed())).reversed())
            probes.events = events
            comparisons.append(WindowComparison(jobs: mix.map { "\($0.model.name) x\($0.systems)" },
                                                solo: try mix.map { (s) throws(TrainingError) in try probes.solo(s).stepNanoseconds },
                                                reference: reference, reversed: reversed, window: times))
        }
        return times
    }
}
