import XCTest
import AndromedaSim
import Scenarios
import ScenarioFormat

final class ValidationTests: XCTestCase {
    /// A prediction with a deliberately wrong published value fails; the same row with the
    /// simulated value passes; fitted rows never decide the outcome.
    func testValidationCanFail() throws {
        let wrong = ValidationRow(label: "123M speed-up (wrong on purpose)", kind: .prediction, published: 2.0, unit: "x",
                                  tolerance: 0.05, source: "test",
                                  quantity: .speedup(scenario: "genslm-2to4", model: "genslm-123m", from: 1, to: 4))
        let bad = try Validation.evaluate([wrong])
        XCTAssertFalse(bad.passed)
        XCTAssertEqual(bad.failedPredictions.count, 1)
        XCTAssertGreaterThan(bad.predictionMaxAbsError, 0.5)
        XCTAssert(bad.table.contains("MISS"), bad.table)
        let simulated = bad.results[0].simulated
        let right = ValidationRow(label: "123M speed-up", kind: .prediction, published: simulated, unit: "x", tolerance: 0.01,
                                  source: "test", quantity: wrong.quantity)
        XCTAssertTrue(try Validation.evaluate([right]).passed)
        let fitted = ValidationRow(label: "fitted, wrong", kind: .fitted, published: 2.0, unit: "x", tolerance: 0.01,
                                   source: "test", quantity: wrong.quantity)
        XCTAssertTrue(try Validation.evaluate([fitted]).passed, "only predictions are gated")
        XCTAssertThrowsError(try Validation.evaluate([ValidationRow(label: "cs3", kind: .prediction, published: 1, unit: "/s",
            tolerance: 0.1, source: "test", quantity: .singleSystemThroughput(model: "llama-7b", perSystemBatch: 1, seqLen: nil, system: "cs9"))]))
    }

    func testBuiltinRowsJudgeTheFitSetByLeaveOneOutAndReportTheirMisses() throws {
        let r = try Validation.evaluate()
        XCTAssertEqual(Set(r.results.map(\.row.kind.rawValue)), ["fitted", "prediction", "alternative"])
        XCTAssertEqual(r.passed, !r.table.contains("MISS"), r.table)
        XCTAssertGreaterThanOrEqual(r.predictions.count, 6, "the CS-3 rows, other logs and GenSLM speed-ups are predictions")
        // Every fit-set row carries its leave-one-out prediction, which is what is gated.
        let fit = r.results.filter { $0.row.check?.inFitSet == true }
        XCTAssertEqual(fit.map { $0.row.check?.id ?? "" }, ["P1", "P2", "P3", "P4", "P5", "P6", "P7", "P8", "P9", "P10", "P11"])
        for x in fit {
            XCTAssertNotNil(x.leaveOneOut, x.row.label)
            XCTAssertTrue(x.row.gated)
            XCTAssertEqual(x.evidenceError, try XCTUnwrap(x.leaveOneOutError))
        }
        // The table opens with the leave-one-out table and ends with its summary line.
        XCTAssert(r.table.hasPrefix("Leave-one-out over the public CS-2 training points"), r.table)
        let last = try XCTUnwrap(r.table.split(separator: "\n").last)
        XCTAssert(last.hasPrefix("leave-one-out: mean |error| ") && last.hasSuffix(" over 11 points"), String(last))
        // No CS-3 or other row is in the fit set.
        XCTAssert(ThroughputChecks.fitSet.allSatisfy { $0.system == "cs-2" && $0.id.hasPrefix("P") })
    }

    func testNewScenarioFieldsAreCheckedAndEchoed() throws {
        let base = """
            {"version": 1, "name": "x", "cluster": {CLUSTER}, "scaling": [{"model": "genslm-123m", "systems": [1, 2],
             "per_system_batch": 8, "stopping": STOP, "fixed_costs": {"profile": "sc22"}}]}
            """
        func scenario(_ cluster: String, _ stop: String = #"{"rule": "steps", "steps": 3}"#) throws -> Scenario {
            try Andromeda.parse(base.replacingOccurrences(of: "{CLUSTER}", with: cluster).replacingOccurrences(of: "STOP", with: stop),
                                file: "t.json")
        }
        XCTAssertThrowsError(try scenario(#"{"cs2": {"compute_jitter": 0.9}}"#)) { e in
            XCTAssert("\(e)".contains("t.json") && "\(e)".contains("$.cluster.cs2.compute_jitter") && "\(e)".contains("0.5"), "\(e)")
        }
        XCTAssertThrowsError(try scenario(#"{"runtime": {"step_overhead_s": -1}}"#)) { e in
            XCTAssert("\(e)".contains("$.cluster.runtime.step_overhead_s"), "\(e)")
        }
        XCTAssertThrowsError(try scenario(#"{"swarmx": {"chunk_bytes": 1e11}}"#))
        XCTAssertThrowsError(try scenario("{}", #"{"rule": "convergence_law", "law": "nope"}"#)) { e in
            XCTAssert("\(e)".contains("genslm"), "\(e)")
        }
        let s = try scenario(#"{"cs2": {"compute_jitter": 0}, "runtime": {"step_overhead_s": 0.002}, "input_workers": {"cpu_s_per_token": 1e-6}}"#,
                             #"{"rule": "convergence_law", "law": "genslm", "min_tokens": 1e9}"#)
        XCTAssertEqual(s.cluster.cs2.computeJitter, 0)
        XCTAssertEqual(s.cluster.runtime.stepOverhead.nanoseconds, 2_000_000)
        XCTAssertEqual(s.scaling[0].releaseProfile, "sc22")
        XCTAssertEqual(s.scaling[0].convergenceLaw?.minTokens, 1e9)
        let results = try ScenarioRunner.run(s)
        let summary = ScalingOutputs.summaryJSON(results).render()
        for key in ["\"compute_jitter\"", "\"step_overhead_per_doubling_s\"", "\"chunk_bytes\"", "\"cpu_s_per_token\"",
                    "\"convergence_law\"", "\"profile\": \"sc22\"", "\"scaling_efficiency\""] {
            XCTAssert(summary.contains(key), key)
        }
        XCTAssert(try ScalingOutputs.scalingCSV(results).render().hasPrefix(ScalingOutputs.columns.joined(separator: ",")))
    }
}
