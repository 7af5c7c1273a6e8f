import XCTest
import Hardware
import SimEngine
@testable import Training

/// The mechanisms that cost throughput as systems are added, the fast-forward's error bound with
/// jitter, fast-forward across checkpoints, the input feed, and the convergence law.
final class ScalingMechanismTests: XCTestCase {
    func spec(_ name: String, systems: Int, batch: Int, steps: Int64) throws -> TrainingSpec {
        var s = TrainingSpec(model: try XCTUnwrap(ModelCatalog.model(named: name)), systems: systems, perSystemBatch: batch,
                             stopping: .steps(steps))
        s.fixedCosts.compileCached = true
        return s
    }

    func testJitterCostsMoreWithMoreSystems() throws {
        var eff: [Double] = []
        var one = 0.0
        for n in [1, 4, 16] {
            let r = try TrainingRun.simulate(try spec("genslm-123m", systems: n, batch: 32, steps: 300), cluster: ClusterSpec(), seed: 42)
            if n == 1 { one = r.samplesPerSecond }
            eff.append(r.samplesPerSecond / (one * Double(n)))
        }
        XCTAssertLessThan(eff[1], 1)
        XCTAssertLessThan(eff[2], eff[1])
        XCTAssertGreaterThan(eff[2], 0.95, "near-linear")
        // Without jitter and with identical wafers, the only costs are the coordinator and SwarmX.
        var quiet = ClusterSpec()
        quiet.cs2.computeJitter = 0
        let q1 = try TrainingRun.simulate(try spec("genslm-123m", systems: 1, batch: 32, steps: 50), cluster: quiet, seed: 42)
        let q16 = try TrainingRun.simulate(try spec("genslm-123m", systems: 16, batch: 32, steps: 50), cluster: quiet, seed: 42)
        XCTAssertGreaterThan(q16.step.total, q1.step.total)
        XCTAssertLessThan(q16.step.total.nanoseconds - q1.step.total.nanoseconds, 2_000_000)
    }

    /// With jitter, steps differ: the fast-forward uses the mean of the simulated steps and states
    /// its relative bound; the full simulation agrees within it.
    func testFastForwardWithJitterAgreesWithFullDetailWithinTheBound() throws {
        var s = try spec("genslm-123m", systems: 4, batch: 8, steps: 1500)
        s.checkpointEverySteps = 400
        let fast = try TrainingRun.simulate(s, cluster: ClusterSpec(), seed: 7)
        let full = try TrainingRun.simulate(s, cluster: ClusterSpec(), seed: 7, fullDetail: true)
        XCTAssertGreaterThan(fast.fastForwardedSteps, 1000)
        XCTAssertGreaterThan(fast.fastForwardRelativeError, 0)
        XCTAssertLessThanOrEqual(fast.fastForwardRelativeError, WeightStreamingJob.steadyTolerance)
        XCTAssertEqual(fast.checkpoints, full.checkpoints)
        XCTAssertEqual(fast.checkpoints, 4)
        let steps = full.timeToTrain.seconds - full.fixedCosts.seconds
        let diff = abs(fast.timeToTrain.seconds - full.timeToTrain.seconds)
        XCTAssertLessThanOrEqual(diff, fast.fastForwardRelativeError * steps, "fast \(fast.timeToTrain) full \(full.timeToTrain)")
    }

    func testFastForwardCrossesPeriodicCheckpoints() throws {
        var s = try spec("genslm-123m", systems: 1, batch: 32, steps: 1_000_000_000)
        s.checkpointEverySteps = 5000
        let r = try TrainingRun.simulate(s, cluster: ClusterSpec(), seed: 1)
        XCTAssertEqual(r.checkpoints, 200_000)
        XCTAssertLessThan(r.eventsSimulated, 100_000)
        XCTAssertEqual(r.stepsToTrain, 1_000_000_000)
        // Beyond the simulator's time range: an error, quickly.
        s.stopping = .steps(1_000_000_000_000)
        XCTAssertThrowsError(try TrainingRun.simulate(s, cluster: ClusterSpec(), seed: 1)) { e in
            XCTAssert("\(e)".contains("time range"), "\(e)")
        }
    }

    /// An input-feed-bound job: simulated events grow in proportion to the steps asked for.
    func testInputFeedBoundRunTimeIsProportional() throws {
        var c = ClusterSpec()
        c.inputWorkers.bytesPerSecondPerSystem = 1000
        let m = ModelSpec(name: "tiny", layers: 1, dModel: 64, heads: 1, dFFN: 128, vocabulary: 64, seqLen: 1024)
        func run(_ steps: Int64) throws -> TrainingResult {
            var s = TrainingSpec(model: m, systems: 1, perSystemBatch: 100_000, stopping: .steps(steps))
            s.fixedCosts.compileCached = true
            s.checkpointEverySteps = 0
            s.finalCheckpoint = false
            return try TrainingRun.simulate(s, cluster: c, seed: 1, fullDetail: true)
        }
        let one = try run(1), three = try run(3)
        XCTAssertLessThanOrEqual(Double(three.eventsSimulated), 3.5 * Double(one.eventsSimulated))
        // Every micro-batch's input crosses the 1 kB/s feed once.
        XCTAssertGreaterThan(one.gradAccumulation, 1)
        XCTAssertGreaterThan(one.step.total.seconds, 100_000 * 1024 * 4 / 1000 * 0.99)
    }

    func testConvergenceLawGivesTheLargerModelTheLargerCriticalBatch() throws {
        let law = ConvergenceLaw.genslm
        let small = try XCTUnwrap(ModelCatalog.model(named: "genslm-123m")), large = try XCTUnwrap(ModelCatalog.model(named: "genslm-1.3b"))
        XCTAssertLessThan(law.loss(large), law.loss(small))
        XCTAssertGreaterThan(law.criticalBatchTokens(large), law.criticalBatchTokens(small))
        guard case .convergence(let e, let b) = law.stopping(for: small) else { return XCTFail() }
        XCTAssertEqual(e, law.minTokens / 10240, accuracy: 1e-6)
        XCTAssertEqual(b * 10240, law.criticalBatchTokens(small), accuracy: 1e-3)
        XCTAssertEqual(SoftwareRelease.catalog.keys.sorted(), ["r2.1.1", "sc22"])
    }
}
