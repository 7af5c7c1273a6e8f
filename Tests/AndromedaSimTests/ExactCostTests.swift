import AndromedaSim
import Foundation
import SimEngine
import XCTest

/// Exact contention states its cost before it starts (issue 22, item 6): the estimate grows with
/// the distinct jobs and the jobs running at once, says when it is over the budget and suggests
/// mean-field; `run` prints it on standard error; the progress of an exact run moves within a
/// policy, not only when a whole policy ends.
final class ExactCostTests: XCTestCase {
    /// A scenario of `jobs` listed jobs of distinct configurations on `systems` systems, exact.
    static func scenario(systems: Int, jobs: Int, policies: [String] = ["fifo"]) -> String {
        let models = ["cerebras-gpt-111m", "cerebras-gpt-256m", "genslm-123m", "cerebras-gpt-590m"]
        let listed = (0..<jobs).map { i in
            "{\"model\": \"\(models[i % 4])\", \"systems\": \((i / 4) % 4 + 1), \"per_system_batch\": \(4 + 4 * (i / 16)), \"samples\": 20000}"
        }
        return """
            {"version": 1, "name": "exact-\(systems)x\(jobs)", "seed": 42, "cluster": {"systems": \(systems)},
             "multitenant": {"policies": [\(policies.map { "\"\($0)\"" }.joined(separator: ", "))], "contention": "exact",
                             "memoryx_node_groups": \(systems), "jobs": [\(listed.joined(separator: ", "))]}}
            """
    }

    func cost(systems: Int, jobs: Int, policies: [String] = ["fifo"]) throws -> ExactCost {
        let s = try Andromeda.parse(Self.scenario(systems: systems, jobs: jobs, policies: policies))
        return ExactCost(s, jobs: try MultitenantRunner.jobs(s))
    }

    func testTheEstimateGrowsWithDistinctJobsAndSystemsAndStatesTheBudget() throws {
        let small = try cost(systems: 32, jobs: 100), more = try cost(systems: 32, jobs: 300), wide = try cost(systems: 192, jobs: 300)
        XCTAssertEqual(small.configurations, 100)
        XCTAssertEqual(small.mixes, 200, "two new mixes per distinct job and policy")
        XCTAssertEqual(more.mixes, 600)
        XCTAssertGreaterThan(more.seconds, 2.5 * small.seconds)
        XCTAssertGreaterThan(wide.runningAtOnce, 5 * more.runningAtOnce)
        XCTAssertGreaterThan(wide.seconds, 20 * more.seconds, "about the square of the jobs running at once")
        XCTAssertFalse(small.overBudget)
        XCTAssert(small.notice.contains("expected cost") && small.notice.contains("budget 600 s"), small.notice)
        XCTAssertFalse(small.notice.contains("mean-field"))
        // Five policies on 192 systems: over the budget, and mean-field is suggested.
        let all = try cost(systems: 192, jobs: 300, policies: PolicyName.names)
        XCTAssertTrue(all.overBudget, "\(all.seconds)")
        XCTAssert(all.notice.contains("exceeds the budget") && all.notice.contains("\"mean-field\""), all.notice)
        // Repeated configurations repeat their mixes: far fewer than two per job.
        let week = try Andromeda.load("andromeda-multitenant")
        var exact = week
        exact.multitenant?.contention = .exact
        let repeated = ExactCost(exact, jobs: try MultitenantRunner.jobs(exact))
        XCTAssertLessThan(repeated.configurations, 100)
        XCTAssertEqual(repeated.policies, 5)
    }

    func testRunStatesTheCostOnStandardErrorBeforeAnExactRun() throws {
        let cli = try CLIHarness()
        let file = try cli.write(Self.scenario(systems: 16, jobs: 6), "exact.json")
        let r = try cli.run(["run", file.path, "--out", cli.scratch.appendingPathComponent("o").path])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssert(r.err.contains("exact contention: 6 jobs (6 distinct configurations), 1 policy"), r.err)
        XCTAssert(r.err.contains("expected cost: at most 12 mixes"), r.err)
        let quiet = try cli.run(["run", file.path, "--out", cli.scratch.appendingPathComponent("q").path, "--quiet"])
        XCTAssertEqual(quiet.status, 0, quiet.err)
        XCTAssertEqual(quiet.err, "", "--quiet prints nothing but errors")
        // Mean-field runs state nothing.
        let mf = try cli.write(Self.scenario(systems: 16, jobs: 6).replacingOccurrences(of: "\"exact\"", with: "\"mean-field\""), "mf.json")
        let m = try cli.run(["run", mf.path, "--out", cli.scratch.appendingPathComponent("m").path])
        XCTAssertFalse(m.err.contains("exact contention"), m.err)
    }

    /// The progress of an exact run follows the jobs settled within a policy.
    func testExactProgressMovesWithinAPolicy() throws {
        let s = try Andromeda.parse(Self.scenario(systems: 16, jobs: 40))
        let log = ProgressReportingTests.Log()
        let p = WorkProgress(interval: 0) { log.add($0) }
        _ = try WorkProgress.$current.withValue(p) { try MultitenantRunner.run(s) }
        let inside = log.fractions.filter { $0 > 0 && $0 < 1 }
        XCTAssertFalse(inside.isEmpty, "\(log.fractions)")
    }
}
