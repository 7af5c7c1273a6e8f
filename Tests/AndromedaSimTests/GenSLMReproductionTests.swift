import XCTest
import AndromedaSim
import Scenarios
import ScenarioFormat

final class GenSLMReproductionTests: XCTestCase {
    func genslm() throws -> ScenarioResults {
        let loaded = try ScenarioLocator.load("genslm")
        return try ScenarioRunner.run(try ScenarioDecoder.decode(loaded.json, file: loaded.file))
    }

    func testPublishedTimesWithinFivePercentAndNearLinearThroughput() throws {
        let r = try genslm()
        var checked = 0
        for row in r.rows {
            if let h = row.published?.timeToTrainHours {
                let sim = row.result.timeToTrain.seconds / 3600
                XCTAssertEqual(sim, h, accuracy: 0.05 * h, "\(row.result.modelName) on \(row.result.systems)")
                checked += 1
            }
            if row.result.systems == 4 { XCTAssertGreaterThanOrEqual(row.speedup, 3.8) }
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
