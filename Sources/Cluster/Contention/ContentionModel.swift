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
}

extension ContentionModel {
    /// The job's step time on an otherwise idle cluster, and its MemoryX and checkpoint costs.
    public func solo(_ spec: TrainingSpec) throws(TrainingError) -> SoloStep { try probes.solo(spec) }
}
