import AndromedaSim
import ArgumentParser
import Foundation
import Training

struct PlanMinSystemsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "min-systems",
        abstract: "The fewest systems that train a model by a deadline (fixed costs included).",
        discussion: "Example: andromeda-sim plan min-systems --model genslm-1.3b --batch 16 --samples 700000 --deadline-h 12"
    )
    @Option(help: "Built-in model.") var model: String
    @Option(parsing: .unconditional, help: "Samples per system per step (1-1e6; a step must fit in \(ExecutionPlan.maxPasses) passes: micro-batches x layers x 2).") var batch: Int
    @Option(parsing: .unconditional, help: "Samples to train (1-1e15).") var samples: Double
    @Option(parsing: .unconditional, help: "Deadline, hours (0 to 1e6, above 0).") var deadlineH: Double
    @Option(parsing: .unconditional, help: "Systems in the cluster (1-\(ClusterSpec.maxSystems)).") var clusterSystems: Int = 16

    func validate() throws {
        guard ModelCatalog.model(named: model) != nil else {
            throw ValidationError("unknown model \(model); known: \(ModelCatalog.all.map(\.name).joined(separator: ", "))")
        }
        guard QuestionLimits.planBatch.contains(batch) else { throw ValidationError("--batch must be \(QuestionLimits.planBatch.lowerBound) to \(QuestionLimits.planBatch.upperBound)") }
        guard samples.isFinite, QuestionLimits.samples.contains(samples), samples == samples.rounded() else {
            throw ValidationError("--samples must be a whole number from 1 to 1e15")
        }
        guard deadlineH.isFinite, deadlineH > 0, deadlineH <= QuestionLimits.maxHours else { throw ValidationError("--deadline-h must be in (0, 1e6]") }
        guard QuestionLimits.clusterSystems.contains(clusterSystems) else { throw ValidationError("--cluster-systems must be 1 to \(ClusterSpec.maxSystems)") }
    }

    func run() throws {
        guard let m = ModelCatalog.model(named: model) else { throw ExitCode(2) }
        var cluster = ClusterSpec()
        cluster.systems = clusterSystems
        let job = TrainingSpec(model: m, systems: 1, perSystemBatch: batch, stopping: .samples(Int64(samples)))
        let a: Planning.SystemsAnswer
        do {
            let deadline = try SimDuration(seconds: deadlineH * 3600)
            a = try ProgressBar.around("plan min-systems") { try Planning.fewestSystems(for: job, deadline: deadline, cluster: cluster) }
        } catch { fail(describe(error)) }
        // Every count in order, simulated or not (with the reason).
        // Each time with the range the throughput model's leave-one-out errors give (p10-p90).
        var lines: [(Int, String)] = zip(a.tried, a.triedFixedCosts).map { t, f in
            let range = PredictionInterval.fitted.duration(total: t.timeToTrain.seconds, fixed: f.seconds)
            return (t.systems, String(format: "%.2f h (p10-p90 %.2f-%.2f h)", t.timeToTrain.seconds / 3600, range.low / 3600, range.high / 3600))
        }
        lines += a.failed.map { ($0.systems, "cannot run: \($0.reason)") }
        for (n, text) in lines.sorted(by: { $0.0 < $1.0 }) { print(String(format: "%3d systems: ", n) + text) }
        let searched = "\(a.tried.count + a.failed.count) of at most \(a.iterationBound) system counts simulated"
        // A run beyond the simulator's time range (about 285 years) misses every deadline allowed
        // (at most 1e6 h, 114 years): an answer, not bad input.
        let tooLong = !a.failed.isEmpty && a.failed.allSatisfy { $0.reason.contains("beyond the simulator's time range") }
        if let n = a.systems { print("fewest systems meeting \(deadlineH) h: \(n) (\(searched))") } else if a.tried.isEmpty && !tooLong {
            fail("no system count from 1 to \(clusterSystems) can run this job (reasons above; \(searched))")
        } else {
            print("no system count up to \(clusterSystems) meets \(deadlineH) h (\(searched))")
        }
    }
}
