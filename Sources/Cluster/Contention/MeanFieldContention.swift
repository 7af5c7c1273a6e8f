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

    /// Mean-field contention measured with `probes`.
    public init(probes: ContentionProbes) { self.probes = probes }

    public func sharing(_ specs: [TrainingSpec]) throws(TrainingError) -> [Int64] {
        var (out, duties, contend) = try probes.alone(specs)
        guard contend else { return out }
        let total = duties.reduce(0, +)
        let levels = Self.levels
        for j in specs.indices {
            let others = total - duties[j]
            guard others >= probes.contentionThreshold else { continue }
            var hi = 1
            while hi < levels.count - 1 && levels[hi] < others { hi += 1 }
            let lo = hi - 1
            let a = try stepTime(specs[j], level: lo), b = try stepTime(specs[j], level: hi)
            let w = (others - levels[lo]) / (levels[hi] - levels[lo])
            out[j] = max(out[j], Int64((Double(a) + w * Double(b - a)).rounded()))
        }
        return out
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
