import Foundation
import SimEngine
import XCTest

final class WorkProgressTests: XCTestCase {
    final class Log: @unchecked Sendable {
        let lock = NSLock()
        var snapshots: [WorkProgress.Snapshot] = []
        func add(_ s: WorkProgress.Snapshot) { lock.lock(); snapshots.append(s); lock.unlock() }
    }

    func testNestedPartsMapIntoTheWholeAndNeverGoBack() {
        let log = Log()
        let p = WorkProgress(interval: 0) { log.add($0) }
        WorkProgress.$current.withValue(p) {
            for k in 0..<4 {
                WorkProgress.part(k, of: 4) {
                    WorkProgress.current?.update(0.5)
                    WorkProgress.current?.update(0.25)  // going back is ignored
                }
            }
        }
        p.finish()
        p.finish()  // once only
        let f = log.snapshots.map(\.fraction)
        XCTAssertEqual(f, [0.125, 0.125, 0.25, 0.375, 0.375, 0.5, 0.625, 0.625, 0.75, 0.875, 0.875, 1, 1])
        XCTAssertEqual(log.snapshots.filter(\.finished).count, 1)
        XCTAssertEqual(log.snapshots.last?.etaSeconds, 0)
        XCTAssertNil(WorkProgress.current, "bound only inside withValue")
    }
}
