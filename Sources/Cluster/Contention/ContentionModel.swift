import Training

/// How jobs running at the same time slow each other down through the MemoryX links they share:
/// the step time of each job of a running mix. The shared cluster asks after every change of its
/// running set (``ClusterSimulation``).
///
/// Both implementations measure by simulation, not by formula: they run the jobs' weight
/// streaming in a ``TrainingTestbed`` and time their steps (``ContentionProbes``).
/// ``ExactContention`` co-simulates the running jobs together; ``MeanFieldContention`` simulates
/// each job against synthetic traffic standing for the others (docs/cluster.md compares them).
public protocol ContentionModel: AnyObject {
    /// Which method this is.
    var mode: ContentionMode { get }
    /// The probes it measures with: the hardware, solo step times, caches and counts.
    var probes: ContentionProbes { get }
    /// Step times, ns, of `specs` running at the same time (in the order given).
    func sharing(_ specs: [TrainingSpec]) throws(TrainingError) -> [Int64]
    /// A dense id for `spec`'s configuration, which the shared cluster keeps with the job and
    /// hands back to ``sharing(count:duties:solos:ids:spec:into:)`` (a model without per-job
    /// tables returns 0).
    func tableID(_ spec: TrainingSpec) -> Int
    /// The step times ``sharing(_:)`` gives for `count` running jobs, written to `out[0..<count]`,
    /// given per job its MemoryX duty and solo step (its ``SoloStep``), its ``tableID(_:)`` and
    /// its spec, `spec(k)`: the shared cluster's path after every change of its running set,
    /// which a model with tables (``MeanFieldContention``) answers without hashing a spec.
    func sharing(count: Int, duties: UnsafePointer<Double>, solos: UnsafePointer<Int64>, ids: UnsafePointer<Int>,
                 spec: (Int) -> TrainingSpec, into out: UnsafeMutablePointer<Int64>) throws(TrainingError)
}

extension ContentionModel {
    /// No tables: 0 for every configuration.
    public func tableID(_ spec: TrainingSpec) -> Int { 0 }

    /// ``sharing(_:)`` of the `count` specs `spec(0)`, `spec(1)`, ... (the facts are not read).
    public func sharing(count n: Int, duties: UnsafePointer<Double>, solos: UnsafePointer<Int64>, ids: UnsafePointer<Int>,
                        spec: (Int) -> TrainingSpec, into out: UnsafeMutablePointer<Int64>) throws(TrainingError) {
        let steps = try sharing((0..<n).map(spec))
        for k in 0..<n { out[k] = steps[k] }
    }

    /// The job's step time on an otherwise idle cluster, and its MemoryX and checkpoint costs.
    public func solo(_ spec: TrainingSpec) throws(TrainingError) -> SoloStep { try probes.solo(spec) }
}
