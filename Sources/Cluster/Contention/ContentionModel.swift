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

/// The contention methods a scenario can choose (`"contention"`).
public enum ContentionMode: String, Sendable, CaseIterable {
    /// Co-simulate each job with synthetic traffic of the others' combined MemoryX duty,
    /// rounded to a level (cached per job configuration and level; scales to 100,000 jobs).
    case meanField = "mean-field"
    /// Co-simulate every running job together (exact within the model; cost grows with the
    /// number of distinct mixes).
    case exact

    /// Every mode's name, as a scenario spells it (the default first).
    public static var names: [String] { allCases.map(\.rawValue) }

    /// A fresh model of this kind measuring with `probes`.
    public func make(probes: ContentionProbes) -> any ContentionModel {
        switch self {
        case .exact: return ExactContention(probes: probes)
        case .meanField: return MeanFieldContention(probes: probes)
        }
    }
}

/// What the contention probes know of one job configuration alone on the cluster.
public struct SoloStep: Sendable, Equatable {
    /// Step time alone on an idle cluster, ns.
    public let stepNanoseconds: Int64
    /// MemoryX bytes its weights and optimizer state need.
    public let memoryXBytes: Double
    /// Time to write one checkpoint, ns.
    public let checkpointNanoseconds: Int64
    /// Global batch, samples per step.
    public let globalBatch: Int
    /// Share of a step during which this job's transfers occupy MemoryX alone (weight and
    /// gradient bytes per step over the MemoryX bandwidth, divided by the step time).
    public let memoryXDuty: Double
}
