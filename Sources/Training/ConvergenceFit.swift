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
        var simplex = [x0, [x0[0] + log(4), x0[1]], [x0[0], x0[1] + log(2)]]
        var f: [Double] = []
        for x in simplex { f.append(try cost(x)) }
        for iteration in 0..<iterations {
            WorkProgress.current?.update(Double(iteration) / Double(max(1, iterations)))
            let order = [0, 1, 2].sorted { (f[$0], $0) < (f[$1], $1) }
            simplex = order.map { simplex[$0] }
            f = order.map { f[$0] }
            if abs(f[2] - f[0]) < 1e-12 && abs(simplex[2][0] - simplex[0][0]) + abs(simplex[2][1] - simplex[0][1]) < 1e-6 { break }
            let c = [(simplex[0][0] + simplex[1][0]) / 2, (simplex[0][1] + simplex[1][1]) / 2]
            func along(_ t: Double) -> [Double] { [c[0] + t * (simplex[2][0] - c[0]), c[1] + t * (simplex[2][1] - c[1])] }
            let xr = along(-1), fr = try cost(xr)
            if fr < f[0] {
                let xe = along(-2), fe = try cost(xe)
                if fe < fr { simplex[2] = xe; f[2] = fe } else { simplex[2] = xr; f[2] = fr }
            } else if fr < f[1] {
                simplex[2] = xr; f[2] = fr
            } else {
                let xc = fr < f[2] ? along(-0.5) : along(0.5)
                let fc = try cost(xc)
                if fc < min(fr, f[2]) {
                    simplex[2] = xc; f[2] = fc
                } else {
                    for i in 1...2 {
                        simplex[i] = [(simplex[0][0] + simplex[i][0]) / 2, (simplex[0][1] + simplex[i][1]) / 2]
                        f[i] = try cost(simplex[i])
                    }
                }
            }
        }
        let best = f.indices.min { (f[$0], $0) < (f[$1], $1) } ?? 0
        var out = law(simplex[best])
        out.name = start.name
        return out
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
        public var error: Double { (predictedHours - point.hours) / point.hours }
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
