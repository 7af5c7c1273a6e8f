import AndromedaSim
import ArgumentParser
import Foundation

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Simulated against published: every published figure in the built-in scenarios, with the error.",
        discussion: """
            Also re-derives the Llama-7B calibration point. Which figures were fitted and which are
            predictions is explained in docs/validation.md. Exits with status 1 if a published time
            is missed by more than --tolerance.
            """
    )

    @Option(parsing: .unconditional, help: "Largest acceptable relative error of a published time (0-1).") var tolerance: Double = 0.05

    func run() throws {
        guard tolerance.isFinite, (0...1).contains(tolerance) else { fail("--tolerance must be in [0, 1]") }
        var worst = 0.0
        print("scenario       model          systems   published    simulated    error")
        for name in BuiltinScenarios.all.keys.sorted() {
            let s = try Andromeda.load(name)
            guard s.scaling.contains(where: { !$0.published.isEmpty }) else { continue }
            for row in try ScenarioRunner.run(s).rows {
                guard let h = row.published?.timeToTrainHours else { continue }
                let sim = row.result.timeToTrain.seconds / 3600
                let err = (sim - h) / h
                worst = max(worst, abs(err))
                print(name.padding(toLength: 14, withPad: " ", startingAt: 0), row.result.modelName.padding(toLength: 14, withPad: " ", startingAt: 0),
                      String(format: "%7d %9.2f h %10.2f h %+7.1f%%", row.result.systems, h, sim, err * 100))
            }
        }
        guard let llama = ModelCatalog.model(named: "llama-7b") else { throw ExitCode(1) }
        var spec = TrainingSpec(model: llama, systems: 1, perSystemBatch: 99, stopping: .steps(3))
        spec.fixedCosts.compileCached = true
        let r = try TrainingRun.simulate(spec, cluster: ClusterSpec(), seed: 42)
        let e = (r.samplesPerSecond - Calibration.llama7BSamplesPerSecond) / Calibration.llama7BSamplesPerSecond
        print(String(format: "calibration    llama-7b             1 %9.2f /s %8.2f /s %+7.1f%%  (micro-batch %d, %.1f%% of peak)",
                     Calibration.llama7BSamplesPerSecond, r.samplesPerSecond, e * 100, r.microBatch, r.peakFraction * 100))
        print(String(format: "worst published-time error %.1f%% (tolerance %.1f%%)", worst * 100, tolerance * 100))
        if worst > tolerance { throw ExitCode(1) }
    }
}
