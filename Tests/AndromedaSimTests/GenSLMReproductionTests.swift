import XCTest
import AndromedaSim
import Scenarios
import ScenarioFormat

final class GenSLMReproductionTests: XCTestCase {
    func genslm() throws -> ScenarioResults {
        let loaded = try ScenarioLocator.load("genslm")
        return try ScenarioRunner.run(try ScenarioDecoder.decode(loaded.json, file: loaded.file))
    }

    /// Each model has its own convergence law, fitted to its two published times (labelled
    /// fitted): the four mission times are reproduced within 3 %, with an interval around each;
    /// the 1 -> 4 speed-up is predicted, near-linear but not perfect.
    func testPublishedTimesFromEachModelsLawAndNearLinearThroughput() throws {
        let r = try genslm()
        var checked = 0
        for row in r.rows {
            if let h = row.published?.timeToTrainHours {
                let sim = row.result.timeToTrain.seconds / 3600
                XCTAssertEqual(sim, h, accuracy: 0.03 * h, "\(row.result.modelName) on \(row.result.systems)")
                let time = PredictionInterval.fitted.duration(total: row.result.timeToTrain.seconds, fixed: row.result.fixedCosts.seconds)
                XCTAssertLessThan(time.low / 3600, sim)
                XCTAssertGreaterThan(time.high / 3600, sim)
                checked += 1
            }
            if row.result.systems == 4 {
                XCTAssertGreaterThanOrEqual(row.speedup, 3.8)
                XCTAssertLessThan(row.speedup, 4.0, "adding systems costs something")
            }
            if row.result.systems > 1 {
                let fewer = try XCTUnwrap(r.rows.first { $0.experiment == row.experiment && $0.result.systems == row.result.systems / 2 })
                XCTAssertLessThan(row.result.timeToTrain, fewer.result.timeToTrain)
                XCTAssertLessThan(row.scalingEfficiency, fewer.scalingEfficiency, "efficiency falls as systems are added")
            }
        }
        XCTAssertEqual(checked, 4)
        XCTAssertEqual(r.rows.map(\.result.systems), [1, 2, 4, 8, 16, 1, 2, 4, 8, 16])
    }

    func testOutputsAreByteIdenticalAndHaveTheRequiredColumns() throws {
        let a = try genslm(), b = try genslm()
        XCTAssertEqual(try ScalingOutputs.scalingCSV(a).render(), try ScalingOutputs.scalingCSV(b).render())
        XCTAssertEqual(ScalingOutputs.summaryJSON(a).render(), ScalingOutputs.summaryJSON(b).render())
        let header = try ScalingOutputs.scalingCSV(a).render().split(separator: "\n")[0].split(separator: ",").map(String.init)
        let required = ["model", "params", "seq_len", "systems", "global_batch", "micro_batch", "grad_accum", "step_time_s",
                        "samples_per_s", "tokens_per_s", "speedup", "efficiency", "achieved_pflops", "peak_fraction",
                        "compute_s", "exposed_stream_s", "boundary_s", "fixed_h", "samples_to_train", "time_to_train_h"]
        XCTAssertEqual(Array(header.prefix(required.count)), required)
        let summary = ScalingOutputs.summaryJSON(a).render()
        XCTAssert(summary.contains("\"seed\": 42") && summary.contains("\"andromeda_sim_version\""))
        XCTAssert(summary.contains("\"kernel_efficiency\""), "resolved inputs are echoed")
    }
}
