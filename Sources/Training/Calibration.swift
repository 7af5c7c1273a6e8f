import Hardware
import SimEngine

/// Reproducible fits of the model's calibrated parameters. Each names its data point; nothing
/// else is fitted (docs/validation.md).
public enum Calibration {
    /// The measured point: Llama-7B on one CS-2, global batch 99 x 2048, 20.45 samples/s
    /// (ALCF CS-2 cluster logs, software R2.1.1).
    public static let llama7BSamplesPerSecond = 20.45

    /// The software efficiency at which the simulated Llama-7B run reaches `target` samples/s,
    /// found by bisection on the simulator itself (the step is simulated, not a formula).
    public static func softwareEfficiency(target: Double = llama7BSamplesPerSecond, cluster: ClusterSpec = ClusterSpec(),
                                          base: EfficiencyModel = EfficiencyModel(), seed: UInt64 = 42)
        throws(TrainingError) -> Double
    {
        guard let m = ModelCatalog.model(named: "llama-7b") else { throw TrainingError("llama-7b missing") }
        var spec = TrainingSpec(model: m, systems: 1, perSystemBatch: 99, stopping: .steps(3))
        spec.fixedCosts.compileCached = true
        var lo = 0.01, hi = 1.0
        for _ in 0..<40 {
            let mid = (lo + hi) / 2
            var e = base
            e.softwareEfficiency = mid
            let r = try TrainingRun.simulate(spec, cluster: cluster, efficiency: e, seed: seed)
            if r.samplesPerSecond < target { lo = mid } else { hi = mid }
        }
        return (lo + hi) / 2
    }
}
