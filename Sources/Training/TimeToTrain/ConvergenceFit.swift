import Foundation
import Hardware
import SimEngine

extension Calibration {
    /// One published time to train: a model at a per-system batch on some systems.
    public struct TimePoint: Sendable, Equatable {
        /// Short label ("123M x1").
        public let label: String
        /// Built-in model name.
        public let model: String
        /// Samples per system per step (assumed for GenSLM: docs/model.md).
        public let perSystemBatch: Int
        /// Systems.
        public let systems: Int
        /// Published time to train, hours.
        public let hours: Double
        /// A published point.
        public init(label: String, model: String, perSystemBatch: Int, systems: Int, hours: Double) {
            self.label = label
            self.model = model
            self.perSystemBatch = perSystemBatch
            self.systems = systems
            self.hours = hours
        }
    }

    /// The simulated time to train of `point` under `law`, with the scenario's other settings
    /// (checkpoint every 5,000 steps, the given fixed costs).
    public static func hours(_ point: TimePoint, law: ConvergenceLaw, cluster: ClusterSpec = ClusterSpec(),
                             efficiency: EfficiencyModel = EfficiencyModel(), fixedCosts: FixedCosts = FixedCosts(),
                             seed: UInt64 = 42) throws(TrainingError) -> Double {
        guard let m = ModelCatalog.model(named: point.model) else { throw TrainingError("no built-in model \(point.model)") }
        var spec = TrainingSpec(model: m, systems: point.systems, perSystemBatch: point.perSystemBatch, stopping: law.stopping(for: m))
        spec.fixedCosts = fixedCosts
        return try TrainingRun.simulate(spec, cluster: cluster, efficiency: efficiency, seed: seed).timeToTrain.seconds / 3600
    }

    /// The simulated time to train of `point` under an explicit stopping rule.
    public static func hours(_ point: TimePoint, stopping: StoppingRule, cluster: ClusterSpec = ClusterSpec(),
                             efficiency: EfficiencyModel = EfficiencyModel(), fixedCosts: FixedCosts = FixedCosts(),
                             seed: UInt64 = 42) throws(TrainingError) -> Double {
        guard let m = ModelCatalog.model(named: point.model) else { throw TrainingError("no built-in model \(point.model)") }
        var spec = TrainingSpec(model: m, systems: point.systems, perSystemBatch: point.perSystemBatch, stopping: stopping)
        spec.fixedCosts = fixedCosts
        return try TrainingRun.simulate(spec, cluster: cluster, efficiency: efficiency, seed: seed).timeToTrain.seconds / 3600
    }

    /// Every model's own law fitted to its points (in the order the models first appear).
    public static func perModelLawFits(_ points: [TimePoint]) throws(TrainingError) -> [(model: String, rule: StoppingRule)] {
        var models: [String] = []
        for p in points where !models.contains(p.model) { models.append(p.model) }
        var out: [(model: String, rule: StoppingRule)] = []
        for (k, m) in models.enumerated() {
            let fit = try WorkProgress.part(k, of: models.count) { () throws(TrainingError) in
                try perModelLawFit(points.filter { $0.model == m })
            }
            out.append((m, .convergence(minSamples: fit.minSamples, noiseBatch: fit.noiseBatch)))
        }
        return out
    }

    /// The law's two free parameters (B*, D*) that minimise the sum of squared log errors of the
    /// simulated times over `points`, Kaplan's constants held fixed. Nelder-Mead on the logs, from
    /// `start`, on the simulator itself. Two parameters for four points: the residuals are evidence.
    public static func convergenceLawFit(_ points: [TimePoint], start: ConvergenceLaw = .genslm,
                                         cluster: ClusterSpec = ClusterSpec(), efficiency: EfficiencyModel = EfficiencyModel(),
                                         fixedCosts: FixedCosts = FixedCosts(), seed: UInt64 = 42,
                                         iterations: Int = 120) throws(TrainingError) -> ConvergenceLaw {
        func law(_ x: [Double]) -> ConvergenceLaw {
            var l = start
            l.criticalBatchTokens = exp(x[0])
            l.minTokens = exp(x[1])
            return l
        }
        func cost(_ x: [Double]) throws(TrainingError) -> Double {
            // Outside the decoder's ranges: a large cost, not an error.
            guard x[0] > 0, x[0] < 34, x[1] > 0, x[1] < 41 else { return 1e6 }
            var sum = 0.0
            for p in points {
                let h = try hours(p, law: law(x), cluster: cluster, efficiency: efficiency, fixedCosts: fixedCosts, seed: seed)
                let e = log(h / p.hours)
                sum += e * e
            }
            return sum
        }
        let x0 = [log(start.criticalBatchTokens), log(start.minTokens)]
        let r = try NelderMead.minimize(x0, steps: [log(4), log(2)], tolerance: 1e-12, maxEvaluations: 3 * iterations + 3, cost)
        var out = law(r.x)
        out.name = start.name
        return out
    }

    /// One model's own convergence law (McCandlish et al. 2018): the E_min and B_noise, in
    /// samples of the model's sequence, at which its simulated times on the systems of `points`
    /// (that model's published times) match them. Two parameters, two times: the times are
    /// reproduced by construction, so they are fitted values, not evidence.
    public static func perModelLawFit(_ points: [TimePoint], cluster: ClusterSpec = ClusterSpec(),
                                      efficiency: EfficiencyModel = EfficiencyModel(), fixedCosts: FixedCosts = FixedCosts(),
                                      seed: UInt64 = 42) throws(TrainingError) -> (minSamples: Double, noiseBatch: Double) {
        guard let first = points.first, let m = ModelCatalog.model(named: first.model), points.allSatisfy({ $0.model == first.model }) else {
            throw TrainingError("a per-model law needs the points of one built-in model")
        }
        func hours(_ p: TimePoint, _ eMin: Double, _ bNoise: Double) throws(TrainingError) -> Double {
            var spec = TrainingSpec(model: m, systems: p.systems, perSystemBatch: p.perSystemBatch,
                                    stopping: .convergence(minSamples: eMin, noiseBatch: bNoise))
            spec.fixedCosts = fixedCosts
            return try TrainingRun.simulate(spec, cluster: cluster, efficiency: efficiency, seed: seed).timeToTrain.seconds / 3600
        }
        func cost(_ x: [Double]) throws(TrainingError) -> Double {
            guard x[0] > 0, x[0] < 34, x[1] > -6, x[1] < 27 else { return 1e6 }
            var sum = 0.0
            for p in points {
                let e = log(try hours(p, exp(x[0]), exp(x[1])) / p.hours)
                sum += e * e
            }
            return sum
        }
        // Start: E_min from the first time at a throughput guess, B_noise at the first global batch.
        let x0 = [log(1e6), log(Double(first.perSystemBatch * first.systems))]
        let r = try NelderMead.minimize(x0, steps: [log(4), log(4)], tolerance: 1e-14, size: 1e-9, maxEvaluations: 600, cost)
        return (exp(r.x[0]), exp(r.x[1]))
    }

    /// One held-out point: the law fitted on the other points, and its prediction for this one.
    public struct LeaveOneOut: Sendable {
        /// The point predicted.
        public let point: TimePoint
        /// The law fitted without it.
        public let law: ConvergenceLaw
        /// Its predicted time, hours.
        public let predictedHours: Double
        /// (predicted - published) / published.
        public var error: Double { RelativeError.of(predictedHours, point.hours) }
    }

    /// Fits on all points but one, predicts that one, for each point in turn.
    public static func leaveOneOut(_ points: [TimePoint], start: ConvergenceLaw = .genslm, cluster: ClusterSpec = ClusterSpec(),
                                   efficiency: EfficiencyModel = EfficiencyModel(), fixedCosts: FixedCosts = FixedCosts(),
                                   seed: UInt64 = 42, iterations: Int = 120) throws(TrainingError) -> [LeaveOneOut] {
        var out: [LeaveOneOut] = []
        for (i, p) in points.enumerated() {
            var rest = points
            rest.remove(at: i)
            let law = try WorkProgress.part(i, of: points.count) { () throws(TrainingError) in
                try convergenceLawFit(rest, start: start, cluster: cluster, efficiency: efficiency,
                                      fixedCosts: fixedCosts, seed: seed, iterations: iterations)
            }
            out.append(LeaveOneOut(point: p, law: law,
                                   predictedHours: try hours(p, law: law, cluster: cluster, efficiency: efficiency,
                                                             fixedCosts: fixedCosts, seed: seed)))
        }
        return out
    }
}
