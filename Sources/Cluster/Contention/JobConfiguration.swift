import Training

/// What makes two jobs the same to the simulator: model, sequence length, batch and systems.
/// Jobs of one configuration share a compile (the cluster's compile cache) and step times (the
/// contention caches).
public struct JobConfiguration: Hashable, Comparable, Sendable {
    let model: String, seqLen: Int, perSystemBatch: Int, globalBatch: Int, systems: Int

    /// The configuration of `spec`.
    public init(_ spec: TrainingSpec) {
        model = spec.model.name
        seqLen = spec.model.seqLen
        perSystemBatch = spec.perSystemBatch
        globalBatch = spec.effectiveGlobalBatch
        systems = spec.systems
    }

    public static func < (a: JobConfiguration, b: JobConfiguration) -> Bool {
        (a.model, a.seqLen, a.perSystemBatch, a.globalBatch, a.systems) < (b.model, b.seqLen, b.perSystemBatch, b.globalBatch, b.systems)
    }
}
