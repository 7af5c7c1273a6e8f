// The worked example of docs/api.md, compiled and run as a test. It uses only the public API of
// the AndromedaSim library product (a plain `import`, no @testable).
import AndromedaSim
import XCTest

final class APIExampleTests: XCTestCase {
    func testWorkedExample() throws {
        // 1. Load a shipped scenario and read typed results.
        let genslm = try Andromeda.load("genslm")
        let results = try Andromeda.run(genslm)
        for row in results.scaling.rows where row.result.systems == 4 {
            print(row.result.modelName, row.result.samplesPerSecond, row.result.timeToTrain.seconds / 3600)
        }

        // 2. Build a cluster and a job in code: how few systems train GenSLM-1.3B in 12 hours?
        var cluster = ClusterSpec()
        cluster.memoryX.capacityBytes = 12e12                 // 12 TB of MemoryX
        let model = ModelCatalog.model(named: "genslm-1.3b")!
        let job = TrainingSpec(model: model, systems: 1, perSystemBatch: 16, stopping: .samples(700_000))
        let answer = try Planning.fewestSystems(for: job, deadline: .seconds(12 * 3600), cluster: cluster)
        print("fewest systems:", answer.systems ?? -1)

        // 3. A shared cluster: a generated workload under two policies.
        let mix = [JobClass(name: "pretrain", model: ModelCatalog.model(named: "cerebras-gpt-590m")!,
                            systemsChoices: [2, 4], perSystemBatch: 66, samplesRange: 5e5...5e6),
                   JobClass(name: "finetune", weight: 2, model: ModelCatalog.model(named: "llama-7b")!,
                            systemsChoices: [1], perSystemBatch: 33, samplesRange: 1e4...5e4)]
        let workload = WorkloadGenerator(jobs: 60, arrivalRatePerHour: 2,
                                         users: [UserSpec(name: "alice"), UserSpec(name: "bob")], mix: mix)
        var config = ClusterConfig(userShares: ["bob": 2])
        config.failures = FailureModel(mtbf: .seconds(1000 * 3600), repair: .seconds(4 * 3600))
        let shared = Andromeda.scenario(name: "what-if", cluster: cluster,
                                        multitenant: Andromeda.multitenant(generator: workload, config: config,
                                                                           policies: [.fifo, .easyBackfill]))
        let runs = try Andromeda.run(shared).policies
        for run in runs {
            print(run.policy, run.metrics.wait.p95 / 3600, run.metrics.utilization)
        }
        // What part 3 prints: one line per policy asked for, in order, each over the same 60 jobs,
        // with a finite wait and a utilisation in (0, 1]; the policies decide differently, so
        // their job-by-job starts differ somewhere while their submissions agree.
        XCTAssertEqual(runs.map(\.policy), ["fifo", "easy-backfill"])
        for run in runs {
            XCTAssertEqual(run.jobs.count, 60, run.policy)
            XCTAssert(run.metrics.wait.p95.isFinite && run.metrics.wait.p95 >= 0, run.policy)
            XCTAssertGreaterThan(run.metrics.utilization, 0, run.policy)
            XCTAssertLessThanOrEqual(run.metrics.utilization, 1, run.policy)
        }
        XCTAssertEqual(runs[0].jobs.map(\.spec.submit), runs[1].jobs.map(\.spec.submit))
        XCTAssertGreaterThanOrEqual(runs[0].metrics.wait.p95, runs[1].metrics.wait.p95,
                                    "EASY backfilling only starts a job early when the head's reservation holds")

        // 4. What MemoryX does that workload need?
        let need = try Planning.memoryXNeeded(shared, policy: .easyBackfill)
        print("MemoryX: largest job", need.largestJobBytes / 1e9, "GB; peak", need.peakConcurrentBytes / 1e9, "GB")

        XCTAssertEqual(results.scaling.rows.count, 10)
        XCTAssertNotNil(answer.systems)
        XCTAssertGreaterThan(need.peakConcurrentBytes, need.largestJobBytes)
    }
}
