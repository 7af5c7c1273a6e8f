import AndromedaSim
import Foundation
import Training
import XCTest

/// Issue 18: one calibration protocol (the fitted constants come from a reproducible joint least
/// squares on P1-P11), leave-one-out as the evidence, prediction intervals from its residuals.
final class ThroughputFitTests: XCTestCase {
    /// The constants in use are what the protocol fits on the public set (so nothing else was
    /// tuned), and the fit moves when the data move (so it is not a stored answer).
    func testTheConstantsInUseAreTheFitAndTheFitFollowsTheData() throws {
        let fit = ThroughputFit.fit()
        let e = EfficiencyModel()
        XCTAssertEqual(fit.efficiency.kernelEfficiency, e.kernelEfficiency, accuracy: 0.002, "rerun andromeda-sim calibrate")
        XCTAssertEqual(fit.efficiency.passOverheadSeconds, e.passOverheadSeconds, accuracy: 0.00003, "rerun andromeda-sim calibrate")
        XCTAssertEqual(e.exponentialCycles, 0, "examined, not fitted")
        // Every published throughput twice as high: a faster machine is fitted.
        let doubled = ThroughputChecks.fitSet.map { c in
            ThroughputCheck(id: c.id, label: c.label, system: c.system, release: c.release, model: c.model, batch: c.batch,
                            microBatch: c.microBatch, published: c.published * 2, status: c.status, tolerance: c.tolerance, source: "test")
        }
        let faster = ThroughputFit.fit(doubled)
        XCTAssertLessThan(faster.efficiency.passOverheadSeconds, fit.efficiency.passOverheadSeconds)
        XCTAssertGreaterThan(faster.efficiency.kernelEfficiency, fit.efficiency.kernelEfficiency)
        XCTAssertLessThan(ThroughputFit.objective(doubled, faster.efficiency), ThroughputFit.objective(doubled, fit.efficiency))
    }

    /// Leave-one-out: each row is predicted by constants fitted without it (they differ from the
    /// full fit where the row matters), the interval in use is its residuals' 10th-90th
    /// percentile, and the result does not depend on the threads.
    func testLeaveOneOutGivesTheIntervalInUseWhateverTheThreads() throws {
        let cv = try ThroughputFit.crossValidate(threads: 2)
        XCTAssertEqual(cv.rows.count, 11)
        XCTAssertEqual(cv.interval.p10, PredictionInterval.fitted.p10, accuracy: 0.002, "rerun andromeda-sim calibrate --cross-validate")
        XCTAssertEqual(cv.interval.p90, PredictionInterval.fitted.p90, accuracy: 0.002, "rerun andromeda-sim calibrate --cross-validate")
        XCTAssert(cv.rows.contains { $0.fit.efficiency != cv.full.efficiency })
        for r in cv.rows { XCTAssertNotEqual(r.predicted, r.inSample, r.check.id) }
        XCTAssert(cv.summaryLine.hasPrefix("leave-one-out: mean |error| ") && cv.summaryLine.hasSuffix(" over 11 points"))
        let subset = Array(ThroughputChecks.fitSet.prefix(4))
        let one = try ThroughputFit.crossValidate(subset, threads: 1), two = try ThroughputFit.crossValidate(subset, threads: 2)
        XCTAssertEqual(one, two)
    }

    func testPredictionIntervalArithmetic() {
        let i = PredictionInterval(residuals: [-0.3, -0.1, 0, 0.1, 0.5])
        XCTAssertEqual(i.p10, -0.22, accuracy: 1e-12)
        XCTAssertEqual(i.p90, 0.34, accuracy: 1e-12)
        let t = i.throughput(100)
        XCTAssertEqual(t.low, 100 / 1.34, accuracy: 1e-9)
        XCTAssertEqual(t.high, 100 / 0.78, accuracy: 1e-9)
        let d = i.duration(total: 10, fixed: 4)
        XCTAssertEqual(d.low, 4 + 6 * 0.78, accuracy: 1e-9)
        XCTAssertEqual(d.high, 4 + 6 * 1.34, accuracy: 1e-9)
        XCTAssert(RelativeError.of(1, 0).isNaN)
        XCTAssertEqual(RelativeError.of(110, 100), 0.1, accuracy: 1e-12)
    }

    /// The pass overhead is a mechanism of every pass: a step of n micro-batches over L layers
    /// pays it 2 n L times, so ESM-2 at micro-batch 64 pays it 32 times as often as at 2048.
    func testThePassOverheadIsPaidOncePerLayerPass() throws {
        guard let m = ModelCatalog.model(named: "esm2-35m") else { return XCTFail("esm2-35m") }
        func step(_ micro: Int, _ overhead: Double) throws -> Double {
            var spec = TrainingSpec(model: m, systems: 1, perSystemBatch: 2048, stopping: .steps(3))
            spec.fixedCosts.compileCached = true
            spec.microBatch = micro
            var e = EfficiencyModel()
            e.passOverheadSeconds = overhead
            return try TrainingRun.simulate(spec, cluster: ClusterSpec(), efficiency: e, seed: 42).step.total.seconds
        }
        let passes = Double(32 * (m.layers + 2) * 2)
        XCTAssertEqual(try step(64, 0.001) - step(64, 0), passes * 0.001, accuracy: passes * 0.001 * 0.02)
        XCTAssertGreaterThan(try step(64, 0.001) - step(64, 0), 20 * (try step(2048, 0.001) - step(2048, 0)))
    }

    /// The scenario's per-model law can be given in tokens; mixing the two pairs is refused.
    func testConvergenceInTokensAndPairsNotMixed() throws {
        let base = #"{"version": 1, "name": "x", "scaling": [{"model": "genslm-123m", "systems": [1], "per_system_batch": 8, "stopping": STOP}]}"#
        func scenario(_ stop: String) throws -> Scenario {
            try Andromeda.parse(base.replacingOccurrences(of: "STOP", with: stop), file: "t.json")
        }
        let s = try scenario(#"{"rule": "convergence", "min_tokens": 1.024e9, "critical_batch_tokens": 1.024e6}"#)
        XCTAssertEqual(s.scaling[0].stopping, .convergence(minSamples: 1e5, noiseBatch: 100))
        XCTAssertThrowsError(try scenario(#"{"rule": "convergence", "min_tokens": 1e9, "noise_batch": 3}"#)) { e in
            XCTAssert("\(e)".contains("$.scaling[0].stopping.noise_batch"), "\(e)")
        }
        XCTAssertThrowsError(try scenario(#"{"rule": "convergence", "min_tokens": 1, "critical_batch_tokens": 1e6}"#)) { e in
            XCTAssert("\(e)".contains("min_tokens") && "\(e)".contains("tokens"), "\(e)")
        }
    }

    /// scaling.csv and summary.json carry the interval of every throughput and time to train.
    func testEveryThroughputAndTimeCarriesItsInterval() throws {
        let r = try Andromeda.run(try Andromeda.load("genslm"))
        let csv = try ScalingOutputs.scalingCSV(r.scaling).render()
        let header = try XCTUnwrap(csv.split(separator: "\n").first).split(separator: ",").map(String.init)
        for c in ["samples_per_s_low", "samples_per_s_high", "time_to_train_h_low", "time_to_train_h_high"] { XCTAssert(header.contains(c), c) }
        let col = { (name: String) in header.firstIndex(of: name)! }
        for line in csv.split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map { Double($0) ?? .nan }
            XCTAssertLessThan(f[col("samples_per_s_low")], f[col("samples_per_s")])
            XCTAssertGreaterThan(f[col("samples_per_s_high")], f[col("samples_per_s")])
            XCTAssertLessThan(f[col("time_to_train_h_low")], f[col("time_to_train_h")])
            XCTAssertGreaterThan(f[col("time_to_train_h_high")], f[col("time_to_train_h")])
        }
        let summary = ScalingOutputs.summaryJSON(r.scaling).render()
        XCTAssert(summary.contains("\"samples_per_s_low\"") && summary.contains("\"time_to_train_h_high\""))
        XCTAssert(ScalingOutputs.table(r.scaling).contains("p10-90"))
    }
}
