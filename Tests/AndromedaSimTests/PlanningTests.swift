import Foundation
import XCTest
import AndromedaSim

final class PlanningTests: XCTestCase {
    func testFewestSystemsMeetsTheDeadlineAndOneFewerDoesNot() throws {
        let m = try XCTUnwrap(ModelCatalog.model(named: "genslm-123m"))
        var job = TrainingSpec(model: m, systems: 1, perSystemBatch: 32, stopping: .samples(2_000_000))
        job.fixedCosts.compileCached = true
        let alone = try TrainingRun.simulate(job, cluster: ClusterSpec(), seed: 42).timeToTrain
        let deadline = SimDuration(nanoseconds: alone.nanoseconds / 3)
        let a = try Planning.fewestSystems(for: job, deadline: deadline)
        let n = try XCTUnwrap(a.systems)
        XCTAssertGreaterThan(n, 1)
        XCTAssertLessThanOrEqual(try XCTUnwrap(a.result).timeToTrain, deadline)
        XCTAssertGreaterThan(try XCTUnwrap(a.tried.first { $0.systems == n - 1 }).timeToTrain, deadline)
        XCTAssertNil(try Planning.fewestSystems(for: job, deadline: .seconds(60)).systems, "a minute is never enough")
    }

    func smallWorkload(jobs: Int = 40) throws -> Scenario {
        let small = JobClass(name: "small", model: try XCTUnwrap(ModelCatalog.model(named: "cerebras-gpt-111m")),
                             systemsChoices: [2, 4], perSystemBatch: 60, samplesRange: 2e6...2e7)
        let g = WorkloadGenerator(jobs: jobs, arrivalRatePerHour: 1, users: [UserSpec(name: "a"), UserSpec(name: "b")], mix: [small])
        return Andromeda.scenario(name: "small", multitenant: Andromeda.multitenant(generator: g, policies: [.fifo]))
    }

    func testHighestArrivalRateKeepsTheP95WaitUnderTheTarget() throws {
        let target = SimDuration.seconds(3600)
        let a = try Planning.highestArrivalRate(try smallWorkload(), policy: .fifo, p95Wait: target, range: 0.5...40, tolerance: 0.05)
        let rate = try XCTUnwrap(a.rate)
        XCTAssert((0.5...40).contains(rate))
        XCTAssertLessThanOrEqual(try XCTUnwrap(a.metrics).wait.p95, target.seconds)
        // Some faster rate that was tried misses the target.
        XCTAssert(a.tried.contains { $0.rate > rate && $0.p95WaitSeconds > target.seconds })
    }

    /// Issue 10: the rate search bisects on a log scale within a stated bound of simulations.
    func testRateSearchIsGeometricAndBounded() throws {
        XCTAssertEqual(Planning.rateSearchBound(range: 1...2, tolerance: 0.02), 2 + 6)
        XCTAssertLessThanOrEqual(Planning.rateSearchBound(range: 1e-6...1e9, tolerance: 0.02), 14, "15 decades, a dozen steps")
        let target = SimDuration.seconds(3600)
        let a = try Planning.highestArrivalRate(try smallWorkload(jobs: 6), policy: .fifo, p95Wait: target, range: 0.01...1e6,
                                                tolerance: 0.25)
        XCTAssertLessThanOrEqual(a.tried.count, a.iterationBound)
        XCTAssertEqual(a.iterationBound, Planning.rateSearchBound(range: 0.01...1e6, tolerance: 0.25))
        // Every midpoint is geometric: the third rate tried is the geometric mean of the ends.
        XCTAssertEqual(a.tried[2].rate, 100, accuracy: 1e-9)
        XCTAssertThrowsError(try Planning.highestArrivalRate(try smallWorkload(), policy: .fifo, p95Wait: target, range: 0...1))
    }

    /// Issue 10: a size that cannot be simulated is reported with its error, not skipped silently.
    func testFewestSystemsReportsEachFailure() throws {
        let m = try XCTUnwrap(ModelCatalog.model(named: "genslm-1.3b"))
        var job = TrainingSpec(model: m, systems: 1, perSystemBatch: 16, stopping: .samples(1_000_000))
        job.globalBatch = 45
        var cluster = ClusterSpec()
        cluster.systems = 4
        let a = try Planning.fewestSystems(for: job, deadline: .seconds(1), cluster: cluster)
        XCTAssertEqual(a.iterationBound, 4)
        XCTAssert(a.failed.contains { $0.systems == 4 && $0.reason.contains("does not split evenly") }, "\(a.failed)")
    }

    func testMemoryXNeededCountsConcurrentJobs() throws {
        let big = try XCTUnwrap(ModelCatalog.model(named: "cerebras-gpt-6.7b"))
        let jobs = (0..<3).map { k in
            JobSpec(id: "j\(k)", user: "u", submit: .zero,
                    training: TrainingSpec(model: big, systems: 1, perSystemBatch: 1, stopping: .samples(2000)))
        }
        let spec = Andromeda.scenario(name: "three", multitenant: Andromeda.multitenant(jobs: jobs, policies: [.fifo]))
        let a = try Planning.memoryXNeeded(spec, policy: .fifo)
        let one = Double(big.parameters) * 16
        XCTAssertEqual(a.largestJobBytes, one, accuracy: 1)
        XCTAssertEqual(a.peakConcurrentBytes, 3 * one, accuracy: 1)
    }

    func testCompareTwoClusters() throws {
        let base = try Andromeda.load("genslm-2to4")
        var faster = base
        faster.cluster.cs2.wafer.clockHz *= 1.5
        let rows = try Planning.compare(base, faster)
        let tput = rows.filter { $0.figure.hasSuffix("samples/s") }
        XCTAssertEqual(tput.count, 5)
        for r in tput { XCTAssertGreaterThan(r.b / r.a, 1.3, r.figure) }
    }
}
