import Dispatch
import Foundation
import Training

/// The calibration protocol of the compute model (docs/validation.md): the fitted constants of
/// `EfficiencyModel` (kernel efficiency and layer-pass overhead) are fitted jointly by least
/// squares on log throughput over the fit set (the CS-2 training rows P1-P11 of
/// shared/reference/public-throughput.md, ``ThroughputChecks/fitSet``) and nothing else; every
/// simulated value comes from the simulator itself (3 steps, compile cached, seed 42). Leave-one-
/// out refits the constants once per row without it and predicts it: those errors, not the
/// in-sample fit, are the evidence.
public enum ThroughputFit {
    /// The fitted constants and how well they fit.
    public struct Fit: Sendable, Equatable {
        /// The constants (`EfficiencyModel/kernelEfficiency` and `EfficiencyModel/passOverheadSeconds`).
        public var efficiency: EfficiencyModel
        /// Sum over the rows of (ln simulated - ln published)^2.
        public var sumSquares: Double
        /// Simulator evaluations the search used.
        public var evaluations: Int
    }

    /// One row of the leave-one-out table.
    public struct HeldOut: Sendable, Equatable {
        /// The row held out.
        public let check: ThroughputCheck
        /// The constants fitted without it.
        public let fit: Fit
        /// Its simulated value with those constants (the prediction).
        public let predicted: Double
        /// Its simulated value with the constants fitted on every row (in-sample).
        public let inSample: Double
        /// predicted / published - 1.
        public var error: Double { RelativeError.of(predicted, check.published) }
        /// inSample / published - 1.
        public var inSampleError: Double { RelativeError.of(inSample, check.published) }
    }

    /// The leave-one-out result: every row held out in turn, and the fit on all rows.
    public struct CrossValidation: Sendable, Equatable {
        /// The fit on every row of the set.
        public let full: Fit
        /// One per row, in the set's order.
        public let rows: [HeldOut]
        /// Mean |error| of the leave-one-out predictions.
        public var meanAbsError: Double { rows.isEmpty ? 0 : rows.reduce(0) { $0 + abs($1.error) } / Double(rows.count) }
        /// Largest |error| of the leave-one-out predictions.
        public var maxAbsError: Double { rows.map { abs($0.error) }.max() ?? 0 }
        /// The prediction interval the leave-one-out residuals give (10th and 90th percentiles).
        public var interval: PredictionInterval { PredictionInterval(residuals: rows.map(\.error)) }
        /// The closing line `calibrate --cross-validate` prints.
        public var summaryLine: String {
            String(format: "leave-one-out: mean |error| %.1f %%, max %.1f %% over %d points", meanAbsError * 100, maxAbsError * 100, rows.count)
        }
    }

    /// The simulated value of `check` with `efficiency`.
    public static func simulated(_ check: ThroughputCheck, _ efficiency: EfficiencyModel) throws(TrainingError) -> Double {
        try ThroughputChecks.simulate(check, efficiency: efficiency).value
    }

    /// Sum of squared log errors of `checks` at `efficiency` (infinite when a row cannot be simulated).
    public static func objective(_ checks: [ThroughputCheck], _ efficiency: EfficiencyModel) -> Double {
        var sum = 0.0
        for c in checks {
            guard let v = try? simulated(c, efficiency), v > 0, v.isFinite else { return .infinity }
            let d = log(v) - log(c.published)
            sum += d * d
        }
        return sum
    }

    /// A fitted constant of the compute model: its name in scenarios, and the search's coordinate.
    public enum Constant: String, Sendable, CaseIterable {
        /// `EfficiencyModel/kernelEfficiency` (searched as its logarithm).
        case kernelEfficiency = "kernel_efficiency"
        /// `EfficiencyModel/passOverheadSeconds` (searched in milliseconds).
        case passOverhead = "pass_overhead_s"
        /// `EfficiencyModel/exponentialCycles` (searched in units of 10 cycles).
        case exponentialCycles = "exponential_cycles"
        /// `EfficiencyModel/attentionEfficiency` (searched as its logarithm).
        case attentionEfficiency = "attention_efficiency"
        /// `EfficiencyModel/vectorStartCycles` (searched in units of 10 cycles).
        case vectorStartCycles = "vector_start_cycles"

        func coordinate(_ e: EfficiencyModel) -> Double {
            switch self {
            case .kernelEfficiency: return log(e.kernelEfficiency)
            case .passOverhead: return max(0.2, e.passOverheadSeconds * 1e3)
            case .exponentialCycles: return max(0.5, e.exponentialCycles / 10)
            case .attentionEfficiency: return log(e.attentionEfficiency)
            case .vectorStartCycles: return max(0.5, e.vectorStartCycles / 10)
            }
        }

        func step(_ x: Double) -> Double {
            switch self {
            case .kernelEfficiency, .attentionEfficiency: return 0.15
            case .passOverhead, .exponentialCycles, .vectorStartCycles: return x * 0.6 + 0.5
            }
        }

        /// The constant's allowed values (`EfficiencyModel`'s ranges).
        public var range: ClosedRange<Double> {
            switch self {
            case .kernelEfficiency: return EfficiencyModel.kernelEfficiencyRange
            case .passOverhead: return EfficiencyModel.passOverheadRange
            case .exponentialCycles: return EfficiencyModel.exponentialCyclesRange
            case .attentionEfficiency: return EfficiencyModel.attentionEfficiencyRange
            case .vectorStartCycles: return EfficiencyModel.vectorStartCyclesRange
            }
        }

        /// The constant's value at search coordinate `x`.
        func value(_ x: Double) -> Double {
            switch self {
            case .kernelEfficiency, .attentionEfficiency: return exp(x)
            case .passOverhead: return x * 1e-3
            case .exponentialCycles, .vectorStartCycles: return x * 10
            }
        }

        /// Distance of coordinate `x` outside the allowed range (0 inside).
        func outside(_ x: Double) -> Double {
            switch self {
            case .kernelEfficiency, .attentionEfficiency: return max(0, x - log(range.upperBound)) + max(0, log(range.lowerBound) - x)
            case .passOverhead, .exponentialCycles, .vectorStartCycles: return max(0, -x)
            }
        }

        /// Sets the constant in `e` to `v`, clamped to its range.
        public func assign(_ v: Double, to e: inout EfficiencyModel) {
            let v = min(range.upperBound, max(range.lowerBound, v))
            switch self {
            case .kernelEfficiency: e.kernelEfficiency = v
            case .passOverhead: e.passOverheadSeconds = v
            case .exponentialCycles: e.exponentialCycles = v
            case .attentionEfficiency: e.attentionEfficiency = v
            case .vectorStartCycles: e.vectorStartCycles = v
            }
        }

        func set(_ x: Double, in e: inout EfficiencyModel) { assign(value(x), to: &e) }
    }

    /// The constants the protocol fits (docs/validation.md): two. The exponential cost was
    /// examined as a third and made the leave-one-out errors worse, so it is not fitted (0).
    public static let fittedConstants: [Constant] = [.kernelEfficiency, .passOverhead]

    /// Fits `constants` (the others held at `start`'s values) on `checks` (default: the fit set)
    /// by Nelder-Mead on the sum of squared log errors, starting from `start`. Deterministic.
    public static func fit(_ checks: [ThroughputCheck] = ThroughputChecks.fitSet, constants: [Constant] = fittedConstants,
                           start: EfficiencyModel = EfficiencyModel(), tolerance: Double = 1e-7, maxEvaluations: Int = 600) -> Fit {
        func model(_ x: [Double]) -> EfficiencyModel {
            var e = start
            for (k, c) in constants.enumerated() { c.set(x[k], in: &e) }
            return e
        }
        func f(_ x: [Double]) -> Double {
            // Out of the domain: a penalty growing with the distance, so the simplex comes back.
            let outside = constants.enumerated().reduce(0.0) { $0 + $1.element.outside(x[$1.offset]) }
            return objective(checks, model(x)) + outside * 1e3
        }
        let x0 = constants.map { $0.coordinate(start) }
        let r = NelderMead.minimize(x0, steps: zip(constants, x0).map { $0.step($1) }, tolerance: tolerance, size: 1e-4,
                                    maxEvaluations: maxEvaluations, f)
        let e = model(r.x)
        return Fit(efficiency: e, sumSquares: objective(checks, e), evaluations: r.evaluations)
    }

    /// Leave-one-out over `checks` (default: the fit set): the fit on all rows, then for each row
    /// a fit without it (started from the full fit) and its prediction. Folds run on `threads`
    /// threads; the result does not depend on their number.
    public static func crossValidate(_ checks: [ThroughputCheck] = ThroughputChecks.fitSet, constants: [Constant] = fittedConstants,
                                     start: EfficiencyModel = EfficiencyModel(), threads: Int = 2) throws -> CrossValidation {
        let full = fit(checks, constants: constants, start: start)
        let slots = ResultSlots<HeldOut>(count: checks.count)
        let workers = max(1, min(threads, checks.count))
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            var k = w
            while k < checks.count {
                let rest = checks.enumerated().filter { $0.offset != k }.map(\.element)
                let f = fit(rest, constants: constants, start: full.efficiency)
                let c = checks[k]
                let predicted = (try? simulated(c, f.efficiency)) ?? .nan
                let inSample = (try? simulated(c, full.efficiency)) ?? .nan
                slots.set(k, HeldOut(check: c, fit: f, predicted: predicted, inSample: inSample))
                k += workers
            }
        }
        let rows = slots.values.compactMap { $0 }
        guard rows.count == checks.count, rows.allSatisfy({ $0.predicted.isFinite && $0.inSample.isFinite }) else {
            throw TrainingError("leave-one-out: a row could not be simulated with the constants fitted without it")
        }
        return CrossValidation(full: full, rows: rows)
    }
}

/// Results written by several threads into their own slots.
final class ResultSlots<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [T?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ k: Int, _ v: T) {
        lock.lock(); defer { lock.unlock() }
        slots[k] = v
    }

    var values: [T?] {
        lock.lock(); defer { lock.unlock() }
        return slots
    }
}
