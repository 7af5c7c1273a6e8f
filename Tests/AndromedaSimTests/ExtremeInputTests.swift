import XCTest
import AndromedaSim

/// Values at the edges of the allowed ranges give errors, never a trap (integer overflow).
final class ExtremeInputTests: XCTestCase {
    func scenario(clockHz: Double, steps: Int, checkpointBase: Double, interval: Int) -> String {
        """
        {"version": 1, "name": "edge",
         "cluster": {"wafer": {"clock_hz": \(clockHz)}, "memoryx": {"capacity_bytes": 1e18, "update_parameters_per_s": 1000}},
         "efficiency": {"kernel_efficiency": 0.001},
         "models": [{"name": "m", "layers": 2, "d_model": 64, "heads": 1, "d_ffn": 64, "vocabulary": 100, "seq_len": 16}],
         "scaling": [{"model": "m", "systems": [1], "per_system_batch": 1, "stopping": {"rule": "steps", "steps": \(steps)},
           "checkpoint_every_steps": \(interval), "fixed_costs": {"checkpoint_base_s": \(checkpointBase), "checkpoint_bytes_per_s": 1000}}]}
        """
    }

    func testTimeOverflowIsAnErrorNotATrap() throws {
        for (clock, steps, base, interval) in [(1e6, 1_000_000_000_000, 1e7, 1), (1.1e9, 1_000_000_000_000, 0.0, 0)] {
            let s = try Andromeda.parse(scenario(clockHz: clock, steps: steps, checkpointBase: base, interval: interval))
            XCTAssertThrowsError(try Andromeda.run(s)) { e in
                XCTAssert("\(e)".contains("overflow") || "\(e)".contains("time range"), "\(e)")
            }
        }
    }

    func testClusterEstimatesSaturate() throws {
        let s = try Andromeda.parse("""
            {"version": 1, "name": "edge-cluster", "cluster": {"wafer": {"clock_hz": 1000000}},
             "multitenant": {"policies": ["sjf"], "jobs": [
               {"model": "cerebras-gpt-13b", "systems": 16, "per_system_batch": 1, "samples": 100000000000000},
               {"model": "genslm-123m", "systems": 1, "per_system_batch": 1, "samples": 1}]}}
            """)
        // Issue 21: the job whose run cannot be represented is rejected alone, with its reason;
        // the other job runs (the run used to end in a time-overflow error).
        let jobs = try XCTUnwrap(Andromeda.run(s).policies.first).jobs
        XCTAssertEqual(jobs.map(\.state), [.rejected, .finished])
        XCTAssert(jobs[0].reason.contains("years of simulated time"), jobs[0].reason)
    }
}
