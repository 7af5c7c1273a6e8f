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
    @Flag(help: "Print how each operation of a layer maps onto the wafer.") var mapping = false
    @Option(parsing: .unconditional, help: "Samples per micro-batch (default: the compiler's search).") var microBatch: Int?
    @Option(help: "System type: cs-2 or cs-3.") var system: String = "cs-2"

    func validate() throws {
        guard ModelCatalog.model(named: model) != nil else {
            throw ValidationError("unknown model \(model); known: \(ModelCatalog.all.map(\.name).joined(separator: ", "))")
        }
        guard QuestionLimits.trainSystems.contains(systems) else { throw ValidationError("--systems must be 1 to 16") }
        guard QuestionLimits.trainBatch.contains(batch) else { throw ValidationError("--batch must be 1 to 100000") }
        guard QuestionLimits.steps.contains(steps) else { throw ValidationError("--steps must be 1 to 10^9") }
        if let s = seqLen, !QuestionLimits.seqLen.contains(s) { throw ValidationError("--seq-len must be \(QuestionLimits.seqLen.lowerBound) to \(QuestionLimits.seqLen.upperBound)") }
        if let m = microBatch, !(1...batch).contains(m) { throw ValidationError("--micro-batch must be 1 to --batch (\(batch))") }
        guard ClusterSpec.preset(named: system) != nil else { throw ValidationError("--system must be cs-2 or cs-3") }
    }

    func run() throws {
        guard let m = ModelCatalog.model(named: model, seqLen: seqLen) else { throw ExitCode(2) }
        var spec = TrainingSpec(model: m, systems: systems, perSystemBatch: batch, stopping: .steps(steps))
        spec.fixedCosts.compileCached = true
        spec.microBatch = microBatch
        let cluster = ClusterSpec.preset(named: system)!   // validate() checked it
        let clock = ContinuousClock()
        let t0 = clock.now
        do {
            let r = try TrainingRun.simulate(spec, cluster: cluster, seed: seed, fullDetail: fullDetail)
            let el = clock.now - t0
            print("model \(r.modelName): \(r.parameters) parameters, seq \(r.seqLen), \(r.systems) systems")
            print("global batch \(r.globalBatch) = micro \(r.microBatch) x accum \(r.gradAccumulation) x systems"
                  + (r.lastMicroBatch != r.microBatch ? " (last micro-batch \(r.lastMicroBatch))" : "")
                  + "; largest micro-batch that fits: \(r.maxMicroBatch); SRAM \(r.sramBytesPerCore) B per core")
            print(String(format: "step %.6f s (compute %.6f, exposed stream %.6f, boundary %.6f)",
                         r.step.total.seconds, r.step.pacingCompute.seconds, r.step.exposedStream.seconds, r.step.boundary.seconds))
            let rate = r.samplesPerSecondRange(), time = r.timeToTrainRange()
            print(String(format: "%.3f samples/s (p10-p90 %.4g-%.4g), %.0f tokens/s, %.3f PFLOP/s, %.1f%% of peak",
                         r.samplesPerSecond, rate.low, rate.high, r.tokensPerSecond, r.achievedFLOPS / 1e15, r.peakFraction * 100))
            print(String(format: "bounds: peak-FLOP %.6f s, I/O %.6f s", r.peakFLOPBound.seconds, r.ioBound.seconds))
            print(String(format: "time to train %.3f h (p10-p90 %.3f-%.3f h; fixed %.3f h, %lld checkpoints), %lld steps (%lld fast-forwarded)",
                         r.timeToTrain.seconds / 3600, time.low / 3600, time.high / 3600, r.fixedCosts.seconds / 3600, r.checkpoints,
                         r.stepsToTrain, r.fastForwardedSteps))
            print("events \(r.eventsSimulated), wall \(el)")
            if mapping { print(MappingTable.render(r.mappings, passOverheadNanoseconds: r.passOverhead.nanoseconds, passesPerStep: r.passesPerStep)) }
        } catch {
            fail(describe(error))
        }
    }
}
