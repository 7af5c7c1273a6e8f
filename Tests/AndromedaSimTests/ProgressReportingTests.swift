import AndromedaSim
import Foundation
import SimEngine
import XCTest

final class ProgressReportingTests: XCTestCase {
    final class Log: @unchecked Sendable {
        let lock = NSLock()
        var fractions: [Double] = []
        func add(_ s: WorkProgress.Snapshot) { lock.lock(); fractions.append(s.fraction); lock.unlock() }
    }

    func testFullDetailAndClusterRunsReportProgressWithoutChangingResults() throws {
        let scenario = try Andromeda.parse("""
            {"version": 1, "name": "small", "scaling": [{"model": "cerebras-gpt-111m", "systems": [1, 2],
             "per_system_batch": 32, "stopping": {"rule": "steps", "steps": 300}}]}
            """)
        let log = Log()
        let p = WorkProgress(interval: 0) { log.add($0) }
        let watched = try WorkProgress.$current.withValue(p) { try ScenarioRunner.run(scenario, fullDetail: true) }
        XCTAssertEqual(watched, try ScenarioRunner.run(scenario, fullDetail: true), "reporting never changes results")
        XCTAssertGreaterThan(log.fractions.count, watched.rows.count, "reports within each point, not only between them")
        XCTAssertEqual(log.fractions, log.fractions.sorted())
        XCTAssertEqual(log.fractions.last ?? 0, 1, accuracy: 1e-9)

        let mt = try Andromeda.parse(MultitenantTests.scenario)
        let clusterLog = Log()
        let q = WorkProgress(interval: 0) { clusterLog.add($0) }
        let runs = try WorkProgress.$current.withValue(q) { try Andromeda.run(mt).policies }
        XCTAssertEqual(runs.map(\.metrics.wait), try Andromeda.run(mt).policies.map(\.metrics.wait))
        XCTAssertGreaterThanOrEqual(clusterLog.fractions.count, runs.count)
        XCTAssertEqual(clusterLog.fractions, clusterLog.fractions.sorted())
    }
}
