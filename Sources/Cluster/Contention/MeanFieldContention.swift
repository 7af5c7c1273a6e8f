import Training

/// Mean-field contention: each running job is simulated alone against synthetic MemoryX
/// traffic (``BackgroundTraffic``) whose duty is the other jobs' combined duty, measured at a
/// few fixed levels and interpolated between them. Cached per job configuration and level, so
/// the cost does not grow with the number of distinct mixes (it scales to 100,000 jobs); it is
/// optimistic against ``ExactContention`` (docs/cluster.md).
public final class MeanFieldContention: ContentionModel {
    public var mode: ContentionMode { .meanField }
    public let probes: ContentionProbes
    /// Background duty levels of the probes. Between two levels the step time is interpolated
    /// linearly; above the last, extrapolated from the last two.
    public static let levels: [Double] = [0, 0.1, 0.25, 0.5, 1, 2, 4, 8]
    struct LevelKey: Hashable { let job: JobConfiguration; let level: Int }
    var measured: [LevelKey: Int64] = [:]
    /// Dense ids of the configurations seen by ``tableID(_:)``, and per id the step time at
    /// each level once looked up (-1: not yet): the cluster simulation's per-change path reads
    /// these instead of hashing every running job's configuration.
    var tableIDs: [JobConfiguration: Int] = [:]
    @exclusivity(unchecked) var table: [Int64] = []

    /// Mean-field contention measured with `probes`.
    public init(probes: ContentionProbes) { self.probes = probes }

    /// Step times of `specs` running together: their solo facts and table ids, then
    /// ``sharing(count:duties:solos:ids:spec:into:)`` (the one implementation of the interpolation).
    public func sharing(_ specs: [TrainingSpec]) throws(TrainingError) -> [Int64] {
        guard !specs.isEmpty else { return [] }
        let solo = try specs.map { (s) throws(TrainingError) in try probes.solo(s) }
        let duties = solo.map(\.memoryXDuty), solos = solo.map(\.stepNanoseconds), ids = specs.map(tableID)
        var out = [Int64](repeating: 0, count: specs.count)
        try out.withUnsafeMutableBufferPointer { (o) throws(TrainingError) in
            try sharing(count: specs.count, duties: duties, solos: solos, ids: ids, spec: { specs[$0] }, into: o.baseAddress!)
        }
        return out
    }

    /// A dense id for `spec`'s configuration, for ``sharing(count:duties:solos:ids:spec:into:)``.
    public func tableID(_ spec: TrainingSpec) -> Int {
        let k = JobConfiguration(spec)
        if let id = tableIDs[k] { return id }
        let id = tableIDs.count
        tableIDs[k] = id
        table.append(contentsOf: repeatElement(-1, count: Self.levels.count))
        return id
    }

    /// The same step times as ``sharing(_:)`` for `count` running jobs given, per job, its MemoryX
    /// duty and solo step (its ``SoloStep``) and its ``tableID(_:)``, written to `out[0..<count]`:
    /// the same sums in the same order, the same probes in the same order (a table miss asks
    /// ``stepTime(_:level:)`` with the job's own spec, `spec(k)`), and the same cache-hit count.
    public func sharing(count n: Int, duties: UnsafePointer<Double>, solos: UnsafePointer<Int64>, ids: UnsafePointer<Int>,
                        spec: (Int) -> TrainingSpec, into out: UnsafeMutablePointer<Int64>) throws(TrainingError) {
        for k in 0..<n { out[k] = solos[k] }
        guard n > 1 else { return }
        var total = 0.0
        for k in 0..<n { total += duties[k] }
        let threshold = probes.contentionThreshold
        guard total >= threshold else { return }
        let levels = Self.levels
        let width = levels.count
        var hits = 0
        defer { probes.cacheHits += hits }
        for j in 0..<n {
            let others = total - duties[j]
            guard others >= threshold else { continue }
            var hi = 1
            while hi < width - 1 && levels[hi] < others { hi += 1 }
            let lo = hi - 1
            let base = ids[j] * width
            var a = solos[j], b = table[base + hi]
            if lo > 0 {
                a = table[base + lo]
                if a >= 0 { hits += 1 } else {
                    a = try stepTime(spec(j), level: lo)
                    table[base + lo] = a
                }
            }
            if b >= 0 { hits += 1 } else {
                b = try stepTime(spec(j), level: hi)
                table[base + hi] = b
            }
            let w = (others - levels[lo]) / (levels[hi] - levels[lo])
            out[j] = max(out[j], Int64((Double(a) + w * Double(b - a)).rounded()))
        }
    }

    /// The job's step time against background traffic of `levels[level]` (cached).
    func stepTime(_ spec: TrainingSpec, level: Int) throws(TrainingError) -> Int64 {
        if level == 0 { return try probes.solo(spec).stepNanoseconds }
        let k = LevelKey(job: JobConfiguration(spec), level: level)
        if let t = measured[k] {
            probes.cacheHits += 1
            return t
        }
        let t = try probes.probe([spec], backgroundDuty: Self.levels[level])[0]
        measured[k] = t
        probes.simulated += 1
        return t
    }
}
