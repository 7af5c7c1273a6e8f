import Foundation
import XCTest
import AndromedaSim
import Cluster
import ScenarioFormat
import Scenarios

final class MultitenantTests: XCTestCase {
    static let scenario = """
        {
          "version": 1, "name": "mt-small", "seed": 7,
          "multitenant": {
            "horizon_h": 2000,
            "failures": {"mtbf_h": 200, "repair_h": 2},
            "maintenance": [{"start_h": 10, "duration_h": 3, "systems": [0, 1]}],
            "users": [{"name": "alice", "weight": 2, "share": 2}, {"name": "bob"}],
            "checkpoint_every_steps": 500,
            "jobs": [{"id": "big", "user": "bob", "submit_h": 1, "model": "genslm-1.3b", "systems": 16,
                      "per_system_batch": 16, "samples": 200000, "priority": 3}],
            "generate": {"jobs": 40, "arrival_rate_per_h": 2, "classes": [
              {"name": "small", "weight": 3, "model": "cerebras-gpt-111m", "systems": [1, 2], "per_system_batch": 60,
               "samples_min": 100000, "samples_max": 2000000},
              {"name": "heavy", "weight": 1, "model": "cerebras-gpt-6.7b", "systems": [1], "per_system_batch": 2,
               "samples_min": 1000, "samples_max": 10000}]}
          }
        }
        """

    func decode() throws -> Scenario {
        try ScenarioDecoder.decode(try JSONValue.parse(Self.scenario, file: "mt.json"), file: "mt.json")
    }

    func runAll() throws -> [PolicyRun] {
        try MultitenantRunner.run(try decode())
    }

    /// A streamed run (jobs drawn as they arrive, results folded as they settle, the utilisation
    /// folded instead of kept) gives the same metrics as a run that holds everything: horizon,
    /// failures, maintenance, unfinished jobs and every policy included.
    func testStreamedRunGivesTheSameMetricsAsAHeldRun() throws {
        for policy in PolicyName.allCases {
            var s = try decode()
            var m = try XCTUnwrap(s.multitenant)
            m.jobs = []
            m.policies = [policy]
            s.multitenant = m
            let held = try XCTUnwrap(try MultitenantRunner.run(s).first)
            let streamed = try MultitenantRunner.runStreaming(s)
            XCTAssertTrue(streamed.jobs.isEmpty)
            XCTAssertTrue(streamed.utilization.isEmpty)
            XCTAssertGreaterThan(held.metrics.unfinished + held.metrics.finished, 0)
            XCTAssertEqual(ClusterOutputs.policyFields(streamed), ClusterOutputs.policyFields(held), policy.rawValue)
            XCTAssertEqual(ClusterOutputs.summaryJSON([streamed]).render(), ClusterOutputs.summaryJSON([held]).render(), policy.rawValue)
            XCTAssertEqual(streamed.events, held.events)
        }
    }

    func testTheScenarioIsTheOnlySourceOfHardwareSeedAndShares() throws {
        var s = try decode()
        let m = try XCTUnwrap(s.multitenant)
        // Fair shares live in the scheduler's config only; the generator's users carry arrival weights.
        XCTAssertEqual(m.config.userShares, ["alice": 2, "bob": 1])
        XCTAssertEqual(m.generator?.users.map(\.weight), [2, 1])
        // Changing the scenario's hardware changes the shared-cluster run: there is no second copy.
        let before = try MultitenantRunner.run(s)
        s.cluster.memoryX.streamBytesPerSecond /= 8
        let after = try MultitenantRunner.run(s)
        XCTAssertNotEqual(before.map(\.metrics.makespanSeconds), after.map(\.metrics.makespanSeconds))
        // The seed too: it drives the generated workload.
        s.seed += 1
        XCTAssertNotEqual(try MultitenantRunner.jobs(s).map(\.submit), before[0].jobs.map(\.spec.submit))
    }

    func testEveryPolicyRunsTheSameJobsAndAccountsForAll() throws {
        let runs = try runAll()
        XCTAssertEqual(runs.map(\.policy), PolicyName.names)
        for r in runs {
            XCTAssertEqual(r.jobs.count, 41)
            for j in r.jobs {
                XCTAssert(j.state == .finished || !j.reason.isEmpty, "\(r.policy) \(j.spec.id): \(j.state) without a reason")
                if let s = j.firstStart { XCTAssertGreaterThanOrEqual(s, j.spec.submit) }
                // Segments never overlap within a job and lie inside the job's life: none starts
                // before the job first started, none ends after it ended, each starts after the one
                // before ended, and a job that never started holds none.
                for seg in j.segments { XCTAssertLessThanOrEqual(seg.start, seg.end) }
                if let first = j.firstStart {
                    XCTAssertEqual(j.segments.first?.start, first, "\(r.policy) \(j.spec.id): first segment starts at the first start")
                    for seg in j.segments {
                        XCTAssertGreaterThanOrEqual(seg.start, first, "\(r.policy) \(j.spec.id)")
                        if let end = j.end { XCTAssertLessThanOrEqual(seg.end, end, "\(r.policy) \(j.spec.id): segment after the end") }
                    }
                    for k in j.segments.indices.dropFirst() {
                        XCTAssertLessThanOrEqual(j.segments[k - 1].end, j.segments[k].start, "\(r.policy) \(j.spec.id): segments overlap")
                    }
                } else {
                    XCTAssert(j.segments.isEmpty, "\(r.policy) \(j.spec.id): segments without a start")
                }
            }
            // No system is held by two jobs at once (checked from the segments).
            var perSystem: [Int: [(SimTimeRange)]] = [:]
            for j in r.jobs { for seg in j.segments { for s in seg.systems { perSystem[s, default: []].append(SimTimeRange(seg.start.nanoseconds, seg.end.nanoseconds)) } } }
            for (_, ranges) in perSystem {
                let sorted = ranges.sorted { $0.start < $1.start }
                for k in sorted.indices.dropFirst() { XCTAssertLessThanOrEqual(sorted[k - 1].end, sorted[k].start, r.policy) }
            }
            XCTAssertGreaterThan(r.metrics.utilization, 0)
            XCTAssertLessThanOrEqual(r.metrics.utilization, 1)
            XCTAssert((0...1).contains(r.metrics.jainFairness))
        }
        let priority = try XCTUnwrap(runs.first { $0.policy == "priority-preempt" })
        XCTAssertGreaterThan(priority.jobs.reduce(0) { $0 + $1.restarts }, 0, "the 16-system priority job preempts others")
        XCTAssert(runs.contains { r in r.jobs.contains { $0.segments.contains { $0.reasonEnded == "maintenance" } } })
    }

    func testOutputsAreByteIdenticalAcrossRuns() throws {
        let a = try runAll(), b = try runAll()
        XCTAssertEqual(try ClusterOutputs.policiesCSV(a).render(), try ClusterOutputs.policiesCSV(b).render())
        for (x, y) in zip(a, b) {
            XCTAssertEqual(try ClusterOutputs.jobsCSV(x).render(), try ClusterOutputs.jobsCSV(y).render())
            XCTAssertEqual(try ClusterOutputs.segmentsCSV(x).render(), try ClusterOutputs.segmentsCSV(y).render())
            XCTAssertEqual(try ClusterOutputs.utilizationCSV(x).render(), try ClusterOutputs.utilizationCSV(y).render())
        }
        let header = try ClusterOutputs.jobsCSV(a[0]).render().split(separator: "\n")[0]
        XCTAssert(header.hasPrefix("job,user,model,systems,system_ids,submit_s,start_s,end_s,wait_s,run_s,slowdown,restarts,lost_work_s,energy_kwh,state"))
        XCTAssertEqual(try ClusterOutputs.segmentsCSV(a[0]).render().split(separator: "\n")[0],
                       "job,segment,system_ids,start_s,end_s,reason_ended")
    }

    func testHorizonEndsTheMetrics() throws {
        let s = try Andromeda.parse("""
            {"version": 1, "name": "h", "multitenant": {"policies": ["fifo"], "horizon_h": 10,
              "jobs": [{"model": "genslm-1.3b", "systems": 16, "per_system_batch": 16, "samples": 10000000}]}}
            """)
        let run = try XCTUnwrap(try Andromeda.run(s).policies.first)
        XCTAssertEqual(run.jobs[0].state, .unfinished)
        XCTAssertEqual(run.metrics.makespanSeconds, 36_000, accuracy: 1)
        XCTAssertGreaterThan(run.metrics.utilization, 0.99)
    }

    func testMultitenantErrorsNamePaths() {
        func err(_ from: String, _ to: String) -> String {
            do {
                _ = try ScenarioDecoder.decode(try JSONValue.parse(Self.scenario.replacingOccurrences(of: from, with: to), file: "mt.json"), file: "mt.json")
                return "no error"
            } catch { return "\(error)" }
        }
        let e1 = err("\"horizon_h\": 2000", "\"horizon_h\": 2000, \"policies\": [\"lottery\"]")
        XCTAssert(e1.contains("$.multitenant.policies[0]") && e1.contains("fifo"), e1)
        let e2 = err("\"systems\": 16,", "\"systems\": 17,")
        XCTAssert(e2.contains("$.multitenant.jobs[0].systems") && e2.contains("16"), e2)
        let e3 = err("\"samples_max\": 2000000", "\"samples_max\": 10")
        XCTAssert(e3.contains("samples_max"), e3)
        let e4 = err("\"mtbf_h\": 200", "\"mtbf_hours\": 200")
        XCTAssert(e4.contains("$.multitenant.failures"), e4)
    }
}

struct SimTimeRange {
    let start: Int64, end: Int64
    init(_ s: Int64, _ e: Int64) { start = s; end = e }
}

final class ExactContentionRunTests: XCTestCase {
    func scenario(policies: [String]) throws -> Scenario {
        var s = try ScenarioDecoder.decode(try JSONValue.parse(MultitenantTests.scenario, file: "mt.json"), file: "mt.json")
        s.multitenant?.contention = .exact
        s.multitenant?.policies = policies.compactMap { PolicyName(rawValue: $0) }
        s.multitenant?.generator?.jobs = 16
        return s
    }

    /// Exact contention runs the policies in parallel on a shared store of measured mixes: the
    /// results, and the per-policy probe, cache-hit and event counts (those of running the
    /// policies one after another), are the same on one thread and on three.
    func testPoliciesInParallelGiveTheSameResultsAndCountsAsOneThread() throws {
        let s = try scenario(policies: ["fifo", "easy-backfill", "sjf"])
        let jobs = try MultitenantRunner.jobs(s)
        let one = try MultitenantRunner.run(s, jobs: jobs, threads: 1)
        let three = try MultitenantRunner.run(s, jobs: jobs, threads: 3)
        XCTAssertEqual(one.count, 3)
        for (a, b) in zip(one, three) {
            XCTAssertEqual(a.policy, b.policy)
            XCTAssertEqual(a.jobs, b.jobs, a.policy)
            XCTAssertEqual(a.metrics.makespanSeconds, b.metrics.makespanSeconds, a.policy)
            XCTAssertEqual(a.probes, b.probes, a.policy)
            XCTAssertEqual(a.probeCacheHits, b.probeCacheHits, a.policy)
            XCTAssertEqual(a.probeEvents, b.probeEvents, a.policy)
        }
        // The first policy simulates mixes; later ones find some of them measured.
        XCTAssertGreaterThan(one[0].probes, 0)
        XCTAssertGreaterThan(one.dropFirst().reduce(0) { $0 + $1.probeCacheHits }, 0)
    }

    /// The window's step times stay close to the full co-simulation they replaced, on every mix
    /// of a small run, and the study reads the two beside the reference's own sensitivity.
    func testTheWindowStaysCloseToTheFullCoSimulation() throws {
        let s = try scenario(policies: ["fifo"])
        let study = try ExactWindowStudy.run(s, policy: .fifo, window: ProbeWindow())
        XCTAssertGreaterThan(study.comparisons.count, 0)
        let w = study.window, r = study.reversed
        XCTAssertEqual(w.count, r.count)
        XCTAssertLessThan(w.meanAbsolute, 0.03, "window vs full: \(study.table)")
        XCTAssertLessThan(w.maximum, 0.15, study.table)
        XCTAssertTrue(study.table.contains("window vs full"))
        for c in study.comparisons {
            XCTAssertEqual(Set([c.jobs.count, c.solo.count, c.reference.count, c.reversed.count, c.window.count]).count, 1)
            for i in c.jobs.indices { XCTAssertGreaterThanOrEqual(c.window[i], c.solo[i] - c.solo[i] / 100) }
        }
    }
}
