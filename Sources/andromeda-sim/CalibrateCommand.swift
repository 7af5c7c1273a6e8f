import AndromedaSim
import ArgumentParser
import Foundation
import SimEngine
import Training

struct CalibrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "Re-derive the fitted constants: the compute model's (joint least squares on P1-P11) and the GenSLM convergence laws.",
        discussion: """
            The compute model's two fitted constants, kernel efficiency and layer-pass overhead,
            are fitted jointly by least squares on log throughput over the CS-2 training points
            P1-P11 of shared/reference/public-throughput.md; the values to copy into
            EfficiencyModel.fitted are printed with the fit's table. --cross-validate then refits
            them once per point without it and predicts it (leave-one-out), prints that table and
            the prediction interval its residuals give (PredictionInterval.fitted), and ends with
            the line "leave-one-out: mean |error| X %, max Y % over N points". The convergence law
            of each GenSLM model is fitted to that model's two published times (--leave-one-out:
            the older shared law, fitted on 3 of the 4 times, predicting the 4th).
            """
    )

    @Flag(help: "Leave-one-out over P1-P11: refit without each point and predict it; print the table and the interval.")
    var crossValidate = false
    @Flag(help: "Also fit the shared GenSLM law on 3 of the 4 times and predict the 4th, for each in turn.") var leaveOneOut = false
    @Flag(help: "Skip the compute model (only the convergence laws).") var lawOnly = false
    @Option(help: "The constants to fit, comma-separated (the others keep their values in use): kernel_efficiency, pass_overhead_s, exponential_cycles, attention_efficiency, vector_start_cycles (default: kernel_efficiency,pass_overhead_s).")
    var constants: String?
    @Option(help: "Hold a constant at a value instead of its value in use while the others are fitted, e.g. pass_overhead_s=0 (repeatable); for comparing mechanisms.")
    var hold: [String] = []

    /// The starting constants: the values in use, with --hold applied.
    func start() throws -> EfficiencyModel {
        var e = EfficiencyModel()
        for h in hold {
            let parts = h.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let c = ThroughputFit.Constant(rawValue: parts[0]), let v = Double(parts[1]), v.isFinite, v >= 0 else {
                throw ValidationError("--hold \"\(h)\": expected name=value with a name among \(ThroughputFit.Constant.allCases.map(\.rawValue).joined(separator: ", ")) and a value of at least 0")
            }
            guard c.range.contains(v) else {
                throw ValidationError("--hold \(c.rawValue): allowed range \(String(format: "%g", c.range.lowerBound)) to \(String(format: "%g", c.range.upperBound))")
            }
            c.assign(v, to: &e)
        }
        return e
    }

    func validate() throws {
        _ = try fitted()
        _ = try start()
    }

    func fitted() throws -> [ThroughputFit.Constant] {
        guard let constants else { return ThroughputFit.fittedConstants }
        var out: [ThroughputFit.Constant] = []
        for name in constants.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            guard let c = ThroughputFit.Constant(rawValue: name) else {
                throw ValidationError("--constants: unknown constant \"\(name)\"; allowed: \(ThroughputFit.Constant.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            if !out.contains(c) { out.append(c) }
        }
        guard !out.isEmpty else { throw ValidationError("--constants: give at least one of \(ThroughputFit.Constant.allCases.map(\.rawValue).joined(separator: ", "))") }
        return out
    }

    func run() throws {
        try ProgressBar.around("calibrate") { try fitAll() }
    }

    static func pad(_ s: String, _ w: Int) -> String { s.padding(toLength: max(w, s.count), withPad: " ", startingAt: 0) }

    func fitAll() throws {
        let parts = 2 + (leaveOneOut ? 1 : 0) + (crossValidate ? 1 : 0)
        if !lawOnly {
            let set = ThroughputChecks.fitSet
            let chosen = try fitted(), s0 = try start()
            let fit = WorkProgress.part(0, of: parts) { ThroughputFit.fit(set, constants: chosen, start: s0) }
            let e = fit.efficiency
            print("compute model: \(chosen.map(\.rawValue).joined(separator: ", ")) fitted jointly on \(set.map(\.id).joined(separator: ", "))")
            print("  (least squares on ln samples/s; \(fit.evaluations) simulator evaluations; sum of squares \(String(format: "%.4f", fit.sumSquares)))")
            print(String(format: "  kernel_efficiency %.4f   (in use %.4f)  fraction of a core's 4 FMACs per cycle sustained inside an operation",
                         e.kernelEfficiency, EfficiencyModel().kernelEfficiency))
            print(String(format: "  pass_overhead_s   %.6f (in use %.6f)  fixed time of every layer pass (%.2f ms; %.2f M cycles at 1.1 GHz)",
                         e.passOverheadSeconds, EfficiencyModel().passOverheadSeconds, e.passOverheadSeconds * 1e3, e.passOverheadSeconds * 1.1e3))
            print(String(format: "  exponential_cycles %.1f (in use %.1f)  cycles a core spends on one exponential (software exp)",
                         e.exponentialCycles, EfficiencyModel().exponentialCycles))
            print(String(format: "  attention_efficiency %.4f (in use %.4f)  share of the GEMM rate the attention products sustain",
                         e.attentionEfficiency, EfficiencyModel().attentionEfficiency))
            print(String(format: "  vector_start_cycles %.1f (in use %.1f)  cycles a core spends starting one vector instruction",
                         e.vectorStartCycles, EfficiencyModel().vectorStartCycles))
            print("  id   point                              published   in-sample   error")
            for c in set {
                let v = try ThroughputFit.simulated(c, e)
                print(String(format: "  %@ %@ %9.2f %11.2f %+7.1f%%", Self.pad(c.id, 4) as NSString, Self.pad(c.label, 32) as NSString,
                             c.published, v, RelativeError.of(v, c.published) * 100))
            }
        }
        let points = PublishedFigures.genslmPoints
        let laws = try WorkProgress.part(1, of: parts) { () throws(TrainingError) in try Calibration.perModelLawFits(points) }
        print("convergence laws, one per GenSLM model, each fitted to that model's two published times (1 and 4 systems):")
        for (model, rule) in laws {
            guard case .convergence(let eMin, let bNoise) = rule, let m = ModelCatalog.model(named: model) else { continue }
            print(String(format: "  %@: min_samples %.6g, noise_batch %.6g (E_min %.4g tokens, B_crit %.4g tokens at %d tokens per sample)",
                         model as NSString, eMin, bNoise, eMin * Double(m.seqLen), bNoise * Double(m.seqLen), m.seqLen))
        }
        print("point              published   fitted law   error")
        for p in points + [PublishedFigures.genslmZDNetPoint].compactMap({ $0 }) {
            guard let rule = laws.first(where: { $0.model == p.model })?.rule else { continue }
            let h = try Calibration.hours(p, stopping: rule)
            print(String(format: "%@ %8.2f h %10.2f h %+7.1f%%%@", Self.pad(p.label, 18) as NSString, p.hours, h, RelativeError.of(h, p.hours) * 100,
                         (p == PublishedFigures.genslmZDNetPoint ? "  (other reading, not fitted)" : "") as NSString))
        }
        let shared = try Calibration.convergenceLawFit(points)
        print(String(format: "shared law \"genslm\" (one law for both models through Kaplan's L(N), for scenarios that name it), "
                     + "fitted on the 4 times: critical_batch_tokens %.4g, min_tokens %.4g (in use: %.4g, %.4g)",
                     shared.criticalBatchTokens, shared.minTokens, ConvergenceLaw.genslm.criticalBatchTokens, ConvergenceLaw.genslm.minTokens))
        for p in points {
            let h = try Calibration.hours(p, law: shared)
            print(String(format: "  %@ %8.2f h %10.2f h %+7.1f%%", Self.pad(p.label, 18) as NSString, p.hours, h, RelativeError.of(h, p.hours) * 100))
        }
        if leaveOneOut {
            print("shared law (one law for both models), leave-one-out: fit on the other 3 times, predict this one")
            print("held out           published   predicted    error   critical_batch_tokens  min_tokens")
            var sum = 0.0, worst = 0.0
            for r in try WorkProgress.part(2, of: parts, { () throws(TrainingError) in try Calibration.leaveOneOut(points) }) {
                sum += abs(r.error)
                worst = max(worst, abs(r.error))
                print(String(format: "%@ %8.2f h %10.2f h %+7.1f%%   %.4g  %.4g", Self.pad(r.point.label, 18) as NSString, r.point.hours, r.predictedHours,
                             r.error * 100, r.law.criticalBatchTokens, r.law.minTokens))
            }
            print(String(format: "shared law leave-one-out mean |error| %.1f%%, max %.1f%%", sum / Double(points.count) * 100, worst * 100))
        }
        if crossValidate && !lawOnly {
            let chosen = try fitted(), s0 = try start()
            let cv = try WorkProgress.part(parts - 1, of: parts) { try ThroughputFit.crossValidate(constants: chosen, start: s0) }
            print("leave-one-out over the fit set: each point predicted by the constants fitted without it")
            print("  id   point                              published   predicted   error   kernel_efficiency  pass_overhead_ms  vector_start_cycles")
            for r in cv.rows {
                print(String(format: "  %@ %@ %9.2f %11.2f %+7.1f%%   %.4f             %.3f             %.1f", Self.pad(r.check.id, 4) as NSString,
                             Self.pad(r.check.label, 32) as NSString, r.check.published, r.predicted, r.error * 100,
                             r.fit.efficiency.kernelEfficiency, r.fit.efficiency.passOverheadSeconds * 1e3, r.fit.efficiency.vectorStartCycles))
            }
            let i = cv.interval
            print(String(format: "prediction interval (10th-90th percentile of the leave-one-out errors): p10 %+.4f, p90 %+.4f (in use %+.4f, %+.4f)",
                         i.p10, i.p90, PredictionInterval.fitted.p10, PredictionInterval.fitted.p90))
            print(cv.summaryLine)
        }
    }
}
