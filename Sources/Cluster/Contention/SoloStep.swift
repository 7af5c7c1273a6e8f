import Training

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
