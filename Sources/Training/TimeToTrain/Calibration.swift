import Hardware
import SimEngine

/// Reproducible fits of the model's calibrated parameters. Each names its data point; nothing
/// else is fitted (docs/validation.md).
public enum Calibration {
    /// The kernel efficiency at which the simulated run of built-in `model` on one system at
    /// `perSystemBatch` reaches `target` samples/s, found by bisection on the simulator itself
    /// (the step is simulated, not a formula). The measured point (Llama-7B, batch 99, 20.45
    /// samples/s) is the calibrated row of AndromedaSim's ThroughputChecks.
    public static func kernelEfficiency(model: String, perSystemBatch: Int, target: Double, cluster: ClusterSpec = ClusterSpec(),
                                          base: EfficiencyModel = EfficiencyModel(), seed: UInt64 = 42)
        throws(TrainingError) -> Double
    {
        guard let m = ModelCatalog.model(named: model) else { throw TrainingError("\(model) missing") }
        var spec = TrainingSpec(model: m, systems: 1, perSystemBatch: perSystemBatch, stopping: .steps(3))
        spec.fixedCosts.compileCached = true
        var lo = 0.01, hi = 1.0
        for i in 0..<40 {
            WorkProgress.current?.update(Double(i) / 40)
            let mid = (lo + hi) / 2
            var e = base
            e.kernelEfficiency = mid
            let r = try TrainingRun.simulate(spec, cluster: cluster, efficiency: e, seed: seed)
            if r.samplesPerSecond < target { lo = mid } else { hi = mid }
        }
        return (lo + hi) / 2
    }
}

extension Calibration {
    /// The critical-batch parameters (E_min, B_noise) at which the simulated time to train of
    /// `base` (its stopping rule replaced) equals `hours1` on `systems1` systems and `hours2` on
    /// `systems2`, the per-system batch held fixed. Two numbers fit two parameters: the two
    /// published times are reproduced by construction and are not evidence for the model.
    public static func criticalBatchFit(_ base: TrainingSpec, systems1: Int, hours1: Double, systems2: Int, hours2: Double,
                                        cluster: ClusterSpec = ClusterSpec(), efficiency: EfficiencyModel = EfficiencyModel(),
                                        seed: UInt64 = 42) throws(TrainingError) -> (minSamples: Double, noiseBatch: Double)
    {
        func hours(_ n: Int, _ eMin: Double, _ bNoise: Double) throws(TrainingError) -> Double {
            var s = base
            s.systems = n
            s.stopping = .convergence(minSamples: eMin, noiseBatch: bNoise)
            return try TrainingRun.simulate(s, cluster: cluster, efficiency: efficiency, seed: seed).timeToTrain.seconds / 3600
        }
        func eMinMatching(_ bNoise: Double) throws(TrainingError) -> Double {
            var lo = 1.0, hi = 1e12
            for _ in 0..<80 {
                let mid = (lo * hi).squareRoot()
                if try hours(systems1, mid, bNoise) < hours1 { lo = mid } else { hi = mid }
            }
            return (lo * hi).squareRoot()
        }
        // A smaller B_noise makes the larger batch need more samples: time on systems2 falls
        // as B_noise grows.
        var lo = 1.0, hi = 1e9
        for i in 0..<60 {
            WorkProgress.current?.update(Double(i) / 61)
            let mid = (lo * hi).squareRoot()
            let e = try eMinMatching(mid)
            if try hours(systems2, e, mid) > hours2 { lo = mid } else { hi = mid }
        }
        let b = (lo * hi).squareRoot()
        return (try eMinMatching(b), b)
    }
}
