import AndromedaSim
import ArgumentParser
import Foundation

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Simulate one training job of a built-in model (a quick what-if without a scenario file).",
        discussion: "Example: andromeda-sim train --model llama-7b --systems 1 --batch 99 --steps 20"
    )

    @Option(help: "Built-in model name.") var model: String = "genslm-123m"
    @Option(parsing: .unconditional, help: "Systems (1 to 16).") var systems: Int = 1
    @Option(parsing: .unconditional, help: "Samples per system per step (1 to 100000).") var batch: Int = 32
    @Option(parsing: .unconditional, help: "Sequence length (default: the model's).") var seqLen: Int?
    @Option(parsing: .unconditional, help: "Optimizer steps to run (1 to 10^9).") var steps: Int64 = 100
    @Option(parsing: .unconditional, help: "Random seed for wafer defects.") var seed: UInt64 = 42
    @Flag(help: "Simulate every step (no steady-state fast-forward).") var fullDetail = false

    func validate() throws {
        guard ModelCatalog.model(named: model) != nil else {
            throw ValidationError("unknown model \(model); known: \(ModelCatalog.all.map(\.name).joined(separator: ", "))")
        }
        guard (1...16).contains(systems) else { throw ValidationError("--systems must be 1 to 16") }
        guard (1...100_000).contains(batch) else { throw ValidationError("--batch must be 1 to 100000") }
        guard (1...1_000_000_000).contains(steps) else { throw ValidationError("--steps must be 1 to 10^9") }
        if let s = seqLen, !(1...1_048_576).contains(s) { throw ValidationError("--seq-len must be 1 to 1048576") }
    }

    func run() throws {
        guard let m = ModelCatalog.model(named: model, seqLen: seqLen) else { throw ExitCode(2) }
        var spec = TrainingSpec(model: m, systems: systems, perSystemBatch: batch, stopping: .steps(steps))
        spec.fixedCosts.compileCached = true
        let clock = ContinuousClock()
        let t0 = clock.now
        do {
            let r = try TrainingRun.simulate(spec, cluster: ClusterSpec(), seed: seed, fullDetail: fullDetail)
            let el = clock.now - t0
            print("model \(r.modelName): \(r.parameters) parameters, seq \(r.seqLen), \(r.systems) systems")
            print("global batch \(r.globalBatch) = micro \(r.microBatch) x accum \(r.gradAccumulation) x systems")
            print(String(format: "step %.6f s (compute %.6f, exposed stream %.6f, boundary %.6f)",
                         r.step.total.seconds, r.step.pacingCompute.seconds, r.step.exposedStream.seconds, r.step.boundary.seconds))
            print(String(format: "%.3f samples/s, %.0f tokens/s, %.3f PFLOP/s, %.1f%% of peak",
                         r.samplesPerSecond, r.tokensPerSecond, r.achievedFLOPS / 1e15, r.peakFraction * 100))
            print(String(format: "bounds: peak-FLOP %.6f s, I/O %.6f s", r.peakFLOPBound.seconds, r.ioBound.seconds))
            print(String(format: "time to train %.3f h (fixed %.3f h, %lld checkpoints), %lld steps (%lld fast-forwarded)",
                         r.timeToTrain.seconds / 3600, r.fixedCosts.seconds / 3600, r.checkpoints, r.stepsToTrain, r.fastForwardedSteps))
            print("events \(r.eventsSimulated), wall \(el)")
        } catch {
            fail("\(error)")
        }
    }
}

struct CalibrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "Re-derive the calibrated hardware efficiency from the measured Llama-7B throughput."
    )

    func run() throws {
        let e = try Calibration.softwareEfficiency()
        print(String(format: "software efficiency fitted on Llama-7B (%.2f samples/s, 1 CS-2): %.4f (default in use: %.4f)",
                     Calibration.llama7BSamplesPerSecond, e, EfficiencyModel().softwareEfficiency))
        // GenSLM: the per-system batch is the largest power of two that fits without
        // accumulation (an assumption: the published runs' batches are unknown). Two readings of
        // the 123M result exist (1 -> 4 systems, and ZDNet's 2 -> 4); each is fitted separately.
        let fits: [(String, Int, Int, Double, Int, Double, String)] = [
            ("genslm-123m", 32, 1, 4.1, 4, 2.4, "genslm.json"),
            ("genslm-1.3b", 16, 1, 15.6, 4, 10.4, "genslm.json"),
            ("genslm-123m", 32, 2, 4.1, 4, 2.4, "genslm-2to4.json"),
        ]
        for (name, batch, n1, h1, n2, h2, file) in fits {
            guard let m = ModelCatalog.model(named: name) else { continue }
            let spec = TrainingSpec(model: m, systems: n1, perSystemBatch: batch, stopping: .samples(1))
            let fit = try Calibration.criticalBatchFit(spec, systems1: n1, hours1: h1, systems2: n2, hours2: h2)
            print(String(format: "%@ (per-system batch %d) for %@: min_samples %.0f, noise_batch %.1f (fitted on %.1f h on %d systems, %.1f h on %d)",
                         name, batch, file, fit.minSamples, fit.noiseBatch, h1, n1, h2, n2))
        }
    }
}
