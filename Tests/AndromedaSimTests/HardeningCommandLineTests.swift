import AndromedaSim
import Foundation
import Scenarios
import XCTest

/// Issue 10, command-line cases: every input the documentation allows ends with exit 0 or 2 and a
/// message (never a signal, a hang or a huge allocation), and output folders never mix two runs.
final class HardeningCommandLineTests: XCTestCase {
    var h: CLIHarness!

    override func setUpWithError() throws { h = try CLIHarness() }
    override func tearDown() { h = nil }

    // MARK: Signals instead of exit 2

    func testTinyPublishedTimeDrawsItsCharts() throws {
        let s = try h.genslm("\"time_to_train_h\": 4.1", "\"time_to_train_h\": 5e-324")
        let out = h.scratch.appendingPathComponent("o")
        let r = try h.run(["run", s.path, "--out", out.path, "--quiet"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssert(FileManager.default.fileExists(atPath: out.appendingPathComponent("summary.json").path))
    }

    /// genslm.json cut to its first experiment on one system, with `change` applied to it.
    func oneExperiment(_ name: String, models: String = "", _ change: [String: Any]) throws -> URL {
        let url = CLIHarness.root.appendingPathComponent("Scenarios/genslm.json")
        var doc = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        var e = try XCTUnwrap((doc["scaling"] as? [[String: Any]])?.first)
        e["systems"] = [1]
        e["published"] = nil
        for (k, v) in change { e[k] = v is NSNull ? nil : v }
        doc["scaling"] = [e]
        if !models.isEmpty { doc["models"] = try JSONSerialization.jsonObject(with: Data(models.utf8)) }
        let data = try JSONSerialization.data(withJSONObject: doc)
        return try h.write(String(decoding: data, as: UTF8.self), name)
    }

    func testHugeGlobalBatchIsRefusedBeforeAllocating() throws {
        let gb = try oneExperiment("gb.json", ["per_system_batch": NSNull(), "global_batch": 100_000_000])
        try h.refused(["run", gb.path, "--out", h.scratch.appendingPathComponent("o").path], "passes per step", "65534")
        let deep = try oneExperiment("deep.json", models: """
            [{"name": "deep", "layers": 1000, "d_model": 64, "heads": 2, "d_ffn": 256, "vocabulary": 1000, "seq_len": 128}]
            """, ["model": "deep", "per_system_batch": 1_000_000])
        try h.refused(["run", deep.path, "--out", h.scratch.appendingPathComponent("o").path], "deep", "65534")
    }

    func testGeneratedJobsAboveTheDocumentedMaximumAreRefused() throws {
        let mt = CLIHarness.root.appendingPathComponent("Scenarios/andromeda-multitenant.json")
        var text = try String(contentsOf: mt, encoding: .utf8)
        let range = try XCTUnwrap(text.range(of: #""jobs": \d+"#, options: .regularExpression))
        text.replaceSubrange(range, with: "\"jobs\": 10000000")
        let s = try h.write(text.replacingOccurrences(of: #""arrival_rate_per_h": 3.6"#, with: #""arrival_rate_per_h": 100"#), "mt.json")
        try h.refused(["run", s.path, "--out", h.scratch.appendingPathComponent("o").path], "mt.json", "$.multitenant.generate.jobs",
                    "1...\(MultitenantSpec.maxJobs)")
    }

    func testFailureStormIsRefusedWithTheRange() throws {
        let s = try h.traceScenario("j1,alice,0,cerebras-gpt-111m,1,32,1e5\n",
                                  extra: #", "horizon_h": 1e6, "failures": {"mtbf_h": 0.01}"#)
        try h.refused(["run", s.path, "--out", h.scratch.appendingPathComponent("o").path], "$.multitenant.failures.mtbf_h",
                    "at most \(FailureModel.maxFailures)")
    }

    func testHugeSweepGridIsRefusedBeforeItIsBuilt() throws {
        let values = (1...10_000).map { "0.\($0)" }.joined(separator: ",")
        try h.refused(["sweep", "genslm", "--param", "kernel_efficiency=\(values)", "--param", "defect_rate=\(values.replacingOccurrences(of: "0.", with: "0.0000"))",
                     "--out", h.scratch.appendingPathComponent("s").path], "100000000 points", "1...1000000")
    }

    func testPholdPopulationProductIsBounded() throws {
        try h.refused(["bench", "phold", "--lps", "16777216", "--pop", "4096"], "--lps x --pop", "16777216")
    }

    // MARK: Hangs

    func testLongScenarioNameIsRefusedQuicklyAndTheLongestAllowedRuns() throws {
        let s = try h.genslm("\"name\": \"genslm\"", "\"name\": \"\(String(repeating: "n", count: 100_000))\"")
        try h.refused(["run", s.path, "--out", h.scratch.appendingPathComponent("o").path, "--quiet"], "$.name", "1 to 256 bytes")
        let ok = try h.genslm("\"name\": \"genslm\"", "\"name\": \"\(String(repeating: "n", count: 256))\"", "ok.json")
        let r = try h.run(["run", ok.path, "--out", h.scratch.appendingPathComponent("o").path, "--quiet"])
        XCTAssertEqual(r.status, 0, r.err)
    }

    func testCheckpointsAndInputFeedAreFastForwarded() throws {
        // 1e8 steps with a checkpoint every 100: a million checkpoints, crossed by the fast-forward.
        let steps = try oneExperiment("steps.json", ["stopping": ["rule": "steps", "steps": 100_000_000], "checkpoint_every_steps": 100])
        XCTAssertEqual(try h.run(["run", steps.path, "--out", h.scratch.appendingPathComponent("a").path, "--quiet"]).status, 0)
        // Past the simulator's time range: a message, not hours of simulated checkpoints.
        let far = try oneExperiment("far.json", ["stopping": ["rule": "steps", "steps": 1_000_000_000_000]])
        try h.refused(["run", far.path, "--out", h.scratch.appendingPathComponent("b").path], "time range")
        // Input-feed-bound steps cost the same each (the slowdown grew faster than linearly).
        var doc = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: try oneExperiment("feed.json",
            ["per_system_batch": 512, "stopping": ["rule": "steps", "steps": 300]]))) as? [String: Any])
        doc["cluster"] = ["input_workers": ["bytes_per_s_per_system": 1000]]
        let feed = try h.write(String(decoding: try JSONSerialization.data(withJSONObject: doc), as: UTF8.self), "feed.json")
        let r = try h.run(["run", feed.path, "--out", h.scratch.appendingPathComponent("c").path, "--quiet"])
        XCTAssertEqual(r.status, 0, r.err)
    }

    func testMaxRateRefusesRatesOutsideTheGeneratorsRange() throws {
        try h.refused(["plan", "max-rate", "andromeda-multitenant", "--p95-wait-h", "6", "--max", "1e308"], "1e-6 <= --min < --max <= 1e9")
        try h.refused(["plan", "max-rate", "andromeda-multitenant", "--p95-wait-h", "6", "--min", "1e-300"], "1e-6 <= --min")
    }

    // MARK: Wrong accepts

    func testEmptyAndRootOutAreRefused() throws {
        for command in [["run", "genslm"], ["sweep", "genslm", "--param", "systems=1"]] {
            try h.refused(command + ["--out", ""], "--out is empty")
            try h.refused(command + ["--out", "/"], "root folder")
        }
    }

    func testNonDecimalAndInexactParamsAreRefused() throws {
        for bad in ["systems=0x10", "systems=inf", "defect_rate=nan", "systems=1_6", "seed=1e17", "seed=-1"] {
            try h.refused(["sweep", "genslm", "--param", bad, "--out", h.scratch.appendingPathComponent("s").path], "--param")
        }
        let sweep = try Sweep(scenario: try Andromeda.load("genslm"), parameters: [try SweepParameter(parsing: "seed=9007199254740993")])
        XCTAssertEqual(try sweep.variant(0).seed, 9_007_199_254_740_993, "never rounded to 2^53")
    }

    func testContentionOnAScalingOnlyScenarioIsRefused() throws {
        try h.refused(["sweep", "genslm", "--param", "contention=exact", "--out", h.scratch.appendingPathComponent("s").path],
                    "no multitenant section")
    }

    func testTraceHeaderOnlyIsRefusedAndScenarioModelsAreAccepted() throws {
        let s = try h.traceScenario("")
        try h.refused(["run", s.path, "--out", h.scratch.appendingPathComponent("o").path], "trace.csv", "no jobs")
        // Documented: the model column also takes the scenario's own models.
        _ = try h.write(CLIHarness.traceHeader + "j1,alice,0,tiny,1,8,1000\n", "trace.csv")
        let own = try h.write("""
            {"version": 1, "name": "t", "models": [{"name": "tiny", "layers": 2, "d_model": 64, "heads": 2, "d_ffn": 256,
              "vocabulary": 1000, "seq_len": 128}], "multitenant": {"policies": ["fifo"], "trace": "trace.csv"}}
            """, "own.json")
        let r = try h.run(["run", own.path, "--out", h.scratch.appendingPathComponent("o2").path, "--quiet"])
        XCTAssertEqual(r.status, 0, r.err)
    }

    func testConvertPhillyRefusesImpossibleDates() throws {
        let log = try h.write("jobid,user,submitted_time,num_gpus,duration_s\na,u,2017-02-31 10:00:00,8,3600\n", "philly.csv")
        try h.refused(["convert-philly", log.path, "--out", h.scratch.appendingPathComponent("p.csv").path], "2017-02-31", "valid")
        let leap = try h.write("jobid,user,submitted_time,num_gpus,duration_s\na,u,2016-02-29 10:00:00,8,3600\n", "leap.csv")
        XCTAssertEqual(try h.run(["convert-philly", leap.path, "--out", h.scratch.appendingPathComponent("l.csv").path]).status, 0)
    }

    // MARK: Silent or misreported errors

    func testMinSystemsReportsWhyNoSizeCanRun() throws {
        let r = try h.run(["plan", "min-systems", "--model", "genslm-1.3b", "--batch", "100000", "--samples", "1e6",
                         "--deadline-h", "1000000", "--cluster-systems", "4"])
        XCTAssertEqual(r.status, 2, r.out + r.err)
        XCTAssert(r.err.contains("no system count from 1 to 4 can run this job"), r.err)
        XCTAssertEqual(r.out.components(separatedBy: "cannot run:").count - 1, 4, r.out)
    }

    func testSeedErrorsStateTheFieldRange() throws {
        for bad in ["9223372036854775807.0", "99999999999999999999"] {
            let s = try h.genslm("\"seed\": 42", "\"seed\": \(bad)")
            try h.refused(["run", s.path, "--out", h.scratch.appendingPathComponent("o").path], "$.seed", "0...9223372036854775807")
        }
    }

    func testNegativeWorkersGetAClearMessage() throws {
        try h.refused(["sweep", "genslm", "--param", "systems=1", "--workers", "-1"], "--workers must be 1 to 1024")
    }
}
