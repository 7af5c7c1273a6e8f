import XCTest
@testable import SimEngine

final class StatisticsTests: XCTestCase {
    func testCounterIncrementsAndSaturates() {
        var c = Counter()
        c.increment()
        c.increment(by: 41)
        XCTAssertEqual(c.count, 42)
        c.increment(by: .max)
        XCTAssertEqual(c.count, .max)
        c.reset()
        XCTAssertEqual(c.count, 0)
    }

    func testTimeWeightedAverageOfZeroOneSignal() {
        let s = SimDuration.seconds(1).nanoseconds
        var a = TimeWeightedAverage()
        a.record(1, at: SimTime(nanoseconds: 0))
        a.record(0, at: SimTime(nanoseconds: 2 * s))
        a.record(1, at: SimTime(nanoseconds: 3 * s))
        // Up to 5 s: on for 2 + 2 = 4 s.
        XCTAssertEqual(a.average(until: SimTime(nanoseconds: 5 * s)), 0.8)
        a.record(0, at: SimTime(nanoseconds: 7 * s))
        // On for 2 + 4 = 6 s out of 10.
        XCTAssertEqual(a.average(until: SimTime(nanoseconds: 10 * s)), 0.6)
        XCTAssertEqual(a.integral(until: SimTime(nanoseconds: 10 * s)), 6e9)
        // A time before the last record reads as the last record's time (7 s: 6 / 7).
        XCTAssertEqual(a.average(until: SimTime(nanoseconds: 5 * s)), 6.0 / 7.0)
        XCTAssertEqual(a.max, 1)
        XCTAssertEqual(a.min, 0)
        XCTAssertEqual(a.current, 0)
        XCTAssertEqual(a.changes, 4)
    }

    func testTimeWeightedAverageStartAndOneNanosecondSteps() {
        var a = TimeWeightedAverage(initialValue: 3, at: SimTime(nanoseconds: 100))
        XCTAssertEqual(a.average(until: SimTime(nanoseconds: 100)), 3)  // no time elapsed
        for i in 0..<1000 {
            a.record(Double(i % 2), at: SimTime(nanoseconds: 101 + Int64(i)))
        }
        // 1 ns at 3, then 1000 ns alternating 0, 1: (3 + 500) / 1001.
        XCTAssertEqual(a.average(until: SimTime(nanoseconds: 1101)), 503.0 / 1001.0, accuracy: 1e-15)
        XCTAssertEqual(a.max, 3)
    }
}
