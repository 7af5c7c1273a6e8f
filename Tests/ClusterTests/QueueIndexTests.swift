import XCTest
import Hardware
import SimEngine
import Training
@testable import Cluster

/// The indexed passes of EASY, SJF, fair share and priority preemption (``QueueIndex``) against
/// their array forms, which stay the reference: the same decisions on random queues, the same
/// whole simulations, and a cost that grows as n log n with a burst of n simultaneous arrivals
/// (counted by the index's own work counter, not a clock).
final class QueueIndexTests: XCTestCase {
    private func t(_ s: Int64) -> SimTime { SimTime(nanoseconds: s * 1_000_000_000) }

    /// A queue in (submit, index) order and a cluster view, drawn from `rng`.
    private func draw(_ rng: inout Xoshiro256, jobs n: Int) -> (queue: [QueuedJob], view: ClusterView) {
        var queue: [QueuedJob] = []
        var submit: Int64 = 0
        for i in 0..<n {
            if rng.next() % 3 == 0 { submit += Int64(rng.next() % 5) }
            let est = Int64(rng.next() % 6) * 10 + 5
            queue.append(QueuedJob(index: i, id: "j\(i)", user: ["ann", "bob", "cy"][Int(rng.next() % 3)], priority: Int(rng.next() % 4),
                                   submit: t(submit), enqueued: t(submit), systems: Int(rng.next() % 6) + 1,
                                   memoryXBytes: [1e9, 2e9, 5e9][Int(rng.next() % 3)], estimatedRunTime: .seconds(est)))
        }
        // Interleave the indices so that queue order and index order differ.
        queue.shuffle(using: &rng)
        queue.sort { ($0.submit, $0.index) < ($1.submit, $1.index) }
        var running: [RunningJob] = []
        let now = t(submit + 1)
        for k in 0..<Int(rng.next() % 6) {
            running.append(RunningJob(index: 10_000 + k, user: ["ann", "bob", "cy"][k % 3], priority: Int(rng.next() % 4),
                                      systems: Int(rng.next() % 4) + 1, memoryXBytes: [1e9, 3e9][Int(rng.next() % 2)],
                                      start: t(Int64(k)), estimatedEnd: SimTime(nanoseconds: now.nanoseconds + Int64(rng.next() % 60 + 1) * 1_000_000_000)))
        }
        let usage = ["ann": Double(rng.next() % 100), "bob": Double(rng.next() % 100)]
        let view = ClusterView(now: now, totalSystems: 24, freeSystems: Int(rng.next() % 9), freeMemoryXBytes: Double(rng.next() % 12) * 1e9,
                               freeNodeGroups: Int(rng.next() % 5), running: running, usage: usage, weights: ["bob": 2])
        return (queue, view)
    }

    private func check<P: IndexedSchedulingPolicy>(_ make: () -> P, trials: Int, file: StaticString = #filePath, line: UInt = #line) {
        var rng = Xoshiro256(seed: 7)
        var nonEmpty = 0
        for trial in 0..<trials {
            let (queue, view) = draw(&rng, jobs: Int(rng.next() % 40))
            var array = make(), indexed = make()
            let index = QueueIndex(grouping: indexed.grouping)
            for j in queue.shuffled(using: &rng) { index.insert(j) }
            // Several passes in a row (priority preemption remembers its victims between them).
            for pass in 0..<3 {
                let expected = array.schedule(queue: queue, cluster: view)
                let got = indexed.schedule(index: index, cluster: view)
                XCTAssertEqual(got, expected, "\(array.name) trial \(trial) pass \(pass)", file: file, line: line)
                XCTAssertEqual(index.count, queue.count, file: file, line: line)
                XCTAssertEqual(index.visibleCount, queue.count, "a pass shows every job again", file: file, line: line)
                if !expected.isEmpty { nonEmpty += 1 }
            }
        }
        XCTAssertGreaterThan(nonEmpty, trials / 2, "the draws must exercise the policy", file: file, line: line)
    }

    func testFIFOIndexedPassDecidesAsTheArrayForm() { check(FIFOPolicy.init, trials: 3000) }
    func testEASYIndexedPassDecidesAsTheArrayForm() { check(EASYBackfillPolicy.init, trials: 3000) }
    func testSJFIndexedPassDecidesAsTheArrayForm() { check(ShortestJobFirstPolicy.init, trials: 3000) }
    func testFairShareIndexedPassDecidesAsTheArrayForm() { check(FairSharePolicy.init, trials: 3000) }
    func testPriorityIndexedPassDecidesAsTheArrayForm() { check(PriorityPreemptionPolicy.init, trials: 3000) }

    /// Removing jobs (in and out of order, enough to compact a bucket) and requeueing one before
    /// the others keep each bucket in queue order and the counts right.
    func testRemovalsCompactionAndRequeueKeepQueueOrder() {
        let index = QueueIndex(grouping: .shape)
        let jobs = (0..<200).map { i in
            QueuedJob(index: i, id: "j\(i)", user: "u", priority: 0, submit: t(Int64(i)), enqueued: t(Int64(i)), systems: 1,
                      memoryXBytes: 1e9, estimatedRunTime: .seconds(Int64(200 - i)))
        }
        for j in jobs { index.insert(j) }
        for i in stride(from: 0, to: 200, by: 2) { XCTAssertTrue(index.remove(jobs[i])) }
        XCTAssertFalse(index.remove(jobs[0]), "already removed")
        for i in stride(from: 1, to: 150, by: 2) { XCTAssertTrue(index.remove(jobs[i])) }
        XCTAssertEqual(index.count, 25)
        index.insert(jobs[4])
        let h = index.head()!
        XCTAssertEqual(index.job(h.bucket, h.position).index, 4)
        let s = index.shortest(in: h.bucket)!
        XCTAssertEqual(index.job(h.bucket, s).index, 199)
        XCTAssertEqual(index.count, 26)
    }

    // MARK: Whole simulations

    private func spec(_ i: Int, submit: Int64, systems: Int, samples: Int64, user: String, priority: Int, model: String = "genslm-123m") throws -> JobSpec {
        var training = TrainingSpec(model: try XCTUnwrap(ModelCatalog.model(named: model)), systems: systems, perSystemBatch: 8,
                                    stopping: .samples(samples))
        training.checkpointEverySteps = 100
        return JobSpec(id: "j\(i)", user: user, submit: SimTime(nanoseconds: submit), training: training, priority: priority)
    }

    /// Simulates `jobs` under `policy` with the index (as the simulation always does) or with
    /// the array form; returns the results and the index's work.
    private func simulate(_ jobs: [JobSpec], _ policy: PolicyName, indexed: Bool, config: ClusterConfig,
                          contention: any ContentionModel) throws -> (results: [JobResult], work: Int) {
        let sim = ClusterSimulation(jobs: jobs, policy: policy.make(), config: config, contention: contention, seed: 3)
        if !indexed { sim.queueIndex = nil }
        XCTAssertEqual(sim.queueIndex != nil, indexed, "\(policy) must use the index")
        let index = sim.queueIndex
        let r = try sim.run()
        return (r, index?.work ?? 0)
    }

    /// Bursts at a few instants, several models, users and priorities, failures and a
    /// maintenance window (requeues in the middle of the queue): every policy gives the same
    /// results job for job with the index as with the array form.
    func testSimulationsWithTheIndexMatchTheArrayForm() throws {
        var jobs: [JobSpec] = []
        var rng = Xoshiro256(seed: 11)
        for i in 0..<240 {
            let submit = Int64([0, 0, 0, 3600, 7200][i % 5]) * 1_000_000_000
            jobs.append(try spec(i, submit: submit, systems: Int(rng.next() % 4) + 1, samples: Int64(rng.next() % 40_000) + 2_000,
                                 user: ["ann", "bob", "cy"][Int(rng.next() % 3)], priority: Int(rng.next() % 3),
                                 model: i % 7 == 0 ? "cerebras-gpt-111m" : "genslm-123m"))
        }
        var config = ClusterConfig(userShares: ["bob": 2])
        config.failures = FailureModel(mtbf: .seconds(20 * 3600), repair: .seconds(1800))
        config.maintenance = [MaintenanceWindow(start: t(5000), duration: .seconds(3600), systems: [0, 1, 2])]
        let probes = ContentionProbes(cluster: ClusterSpec(), efficiency: EfficiencyModel(), seed: 3)
        let contention = ContentionMode.meanField.make(probes: probes)
        for policy in PolicyName.allCases {
            let a = try simulate(jobs, policy, indexed: true, config: config, contention: contention)
            let b = try simulate(jobs, policy, indexed: false, config: config, contention: contention)
            XCTAssertEqual(a.results.count, jobs.count)
            XCTAssertEqual(a.results, b.results, "\(policy)")
            XCTAssertGreaterThan(a.results.filter { $0.restarts > 0 }.count, 0, "\(policy): requeues must be exercised")
        }
    }

    /// A finished compile rebuilds only the views of the jobs of its configuration's system
    /// count: every policy gives the same results as with every view rebuilt.
    func testPartialRefreshOfEstimatesMatchesAFullOne() throws {
        var jobs: [JobSpec] = []
        var rng = Xoshiro256(seed: 13)
        let models = ["genslm-123m", "cerebras-gpt-111m", "cerebras-gpt-256m"]
        for i in 0..<150 {
            jobs.append(try spec(i, submit: Int64(i % 3) * 600_000_000_000, systems: Int(rng.next() % 4) + 1,
                                 samples: Int64(rng.next() % 30_000) + 2_000, user: ["ann", "bob"][i % 2], priority: i % 2,
                                 model: models[Int(rng.next() % 3)]))
        }
        let probes = ContentionProbes(cluster: ClusterSpec(), efficiency: EfficiencyModel(), seed: 3)
        let contention = ContentionMode.meanField.make(probes: probes)
        for policy in PolicyName.allCases {
            var results: [[JobResult]] = []
            for everything in [false, true] {
                let sim = ClusterSimulation(jobs: jobs, policy: policy.make(), config: ClusterConfig(), contention: contention, seed: 3)
                sim.refreshesEveryView = everything
                results.append(try sim.run())
            }
            XCTAssertEqual(results[0], results[1], "\(policy)")
            XCTAssertGreaterThan(Set(results[0].compactMap { $0.firstStart }).count, 10)
        }
    }

    /// n jobs at one instant: the index's work per job grows like log n, not like n (doubling n
    /// must not double the work per job; the array form's walks would).
    func testBurstCostIsNotQuadraticUnderAnyPolicy() throws {
        let probes = ContentionProbes(cluster: ClusterSpec(), efficiency: EfficiencyModel(), seed: 3)
        let contention = ContentionMode.meanField.make(probes: probes)
        var config = ClusterConfig()
        config.checkInvariants = false
        func burst(_ n: Int) throws -> [JobSpec] {
            var rng = Xoshiro256(seed: 5)
            return try (0..<n).map { i in
                try spec(i, submit: 0, systems: Int(rng.next() % 4) + 1, samples: Int64(rng.next() % 20_000) + 2_000,
                         user: ["ann", "bob", "cy"][i % 3], priority: Int(rng.next() % 3))
            }
        }
        let small = try burst(1500), large = try burst(6000)
        for policy in PolicyName.allCases {
            let a = try simulate(small, policy, indexed: true, config: config, contention: contention).work
            let b = try simulate(large, policy, indexed: true, config: config, contention: contention).work
            let perJobSmall = Double(a) / 1500, perJobLarge = Double(b) / 6000
            // n log n: 4x the jobs costs about 4.8x the work (per job 1.2x); n^2 would be 16x (4x).
            XCTAssertLessThan(perJobLarge / perJobSmall, 2.0, "\(policy): work per job \(perJobSmall) -> \(perJobLarge)")
            XCTAssertGreaterThan(a, 0)
        }
    }
}
