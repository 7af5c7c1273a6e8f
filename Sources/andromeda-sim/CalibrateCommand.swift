import AndromedaSim
import ArgumentParser
import Foundation

struct CalibrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "Re-derive the calibrated and fitted parameters: the hardware efficiency (Llama-7B) and the GenSLM convergence law.",
        discussion: """
            Prints the value to copy into the source for each: EfficiencyModel.kernelEfficiency
            and ConvergenceLaw.genslm (critical_batch_tokens, min_tokens). With --leave-one-out, also
            fits the law on each 3 of the 4 GenSLM times and predicts the fourth.
            """
    )

    @Flag(help: "Also fit on 3 of the 4 GenSLM times and predict the 4th, for each in turn.") var leaveOneOut = false
    @Flag(help: "Skip the hardware efficiency (only the convergence law).") var lawOnly = false

    func run() throws {
        try ProgressBar.around("calibrate") { try fitAll() }
    }

    func fitAll() throws {
        let parts = leaveOneOut ? 3 : 2  // progress: the efficiency, the law, then leave-one-out
        if !lawOnly {
            let e = try WorkProgress.part(0, of: parts) { () throws(TrainingError) in try PublishedFigures.fitKernelEfficiency() }
            print(String(format: "kernel efficiency fitted on Llama-7B (%.2f samples/s, 1 CS-2): %.4f (default in use: %.4f)",
                         PublishedFigures.kernelEfficiencyPoint.published, e, EfficiencyModel().kernelEfficiency))
        }
        // GenSLM: the per-system batch is the largest power of two that fits without
        // accumulation (an assumption: the published runs' batches are unknown). One law, two
        // free parameters, four published times (1 -> 4 systems reading); the 2 -> 4 reading
        // is predicted from the same parameters.
        let points = PublishedFigures.genslmPoints
        let fit = try WorkProgress.part(1, of: parts) { try Calibration.convergenceLawFit(points) }
        print(String(format: "convergence law \"genslm\" fitted on the 4 GenSLM times: critical_batch_tokens %.4g, min_tokens %.4g (in use: %.4g, %.4g)",
                     fit.criticalBatchTokens, fit.minTokens, ConvergenceLaw.genslm.criticalBatchTokens, ConvergenceLaw.genslm.minTokens))
        for m in ["genslm-123m", "genslm-1.3b"] {
            guard let model = ModelCatalog.model(named: m) else { continue }
            print(String(format: "  %@: converged loss L(N) %.3f, B_crit %.0f tokens (%.1f samples), E_min %.4g tokens (%.0f samples)",
                         m, fit.loss(model), fit.criticalBatchTokens(model), fit.criticalBatchTokens(model) / Double(model.seqLen),
                         fit.minTokens(model), fit.minTokens(model) / Double(model.seqLen)))
        }
        print("point              published   fitted law   error")
        for p in points + [PublishedFigures.genslmZDNetPoint].compactMap({ $0 }) {
            let h = try Calibration.hours(p, law: fit)
            print(String(format: "%@ %8.2f h %10.2f h %+7.1f%%%@", p.label.padding(toLength: 18, withPad: " ", startingAt: 0), p.hours, h, (h - p.hours) / p.hours * 100,
                         p == PublishedFigures.genslmZDNetPoint ? "  (other reading, not fitted)" : ""))
        }
        if leaveOneOut {
            print("leave-one-out: fit on the other 3 times, predict this one")
            print("held out           published   predicted    error   critical_batch_tokens  min_tokens")
            var sum = 0.0, worst = 0.0
            for r in try WorkProgress.part(2, of: parts, { () throws(TrainingError) in try Calibration.leaveOneOut(points) }) {
                sum += abs(r.error)
                worst = max(worst, abs(r.error))
                print(String(format: "%@ %8.2f h %10.2f h %+7.1f%%   %.4g  %.4g", r.point.label.padding(toLength: 18, withPad: " ", startingAt: 0), r.point.hours, r.predictedHours,
                             r.error * 100, r.law.criticalBatchTokens, r.law.minTokens))
            }
            print(String(format: "leave-one-out mean |error| %.1f%%, max %.1f%%", sum / Double(points.count) * 100, worst * 100))
        }
    }
}
