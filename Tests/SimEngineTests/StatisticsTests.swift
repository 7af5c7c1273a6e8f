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

    func testQuantilesOfOneToThousand() {
        var q = QuantileRecorder()
        XCTAssertEqual(q.quantile(0.5), 0)  // empty
        for v in UInt64(1)...1000 { q.record(v) }
        XCTAssertEqual(q.count, 1000)
        XCTAssertEqual(q.quantile(0), 1)
        XCTAssertEqual(q.quantile(0.5), 500)
        XCTAssertEqual(q.quantile(0.9), 900)
        XCTAssertEqual(q.quantile(0.99), 990)
        XCTAssertEqual(q.quantile(0.999), 999)
        XCTAssertEqual(q.quantile(1), 1000)
        XCTAssertEqual(q.quantile(2), 1000)   // clamped
        XCTAssertEqual(q.quantile(-1), 1)     // clamped
        XCTAssertEqual(q.quantile(.nan), 1)
        XCTAssertEqual(q.mean, 500.5, accuracy: 1e-9)
        XCTAssertEqual(q.max, 1000)
        XCTAssertEqual(q.min, 1)
    }

    func testMergeEqualsRecordingEverything() {
        var low = QuantileRecorder(), high = QuantileRecorder(), all = QuantileRecorder()
        for v in UInt64(1)...500 { low.record(v); all.record(v) }
        for v in UInt64(501)...1_000_000 where v % 97 == 0 { high.record(v); all.record(v) }
        low.merge(high)
        XCTAssertEqual(low.count, all.count)
        for p in [0.0, 0.1, 0.5, 0.75, 0.9, 0.99, 1.0] {
            XCTAssertEqual(low.quantile(p), all.quantile(p), "q \(p)")
        }
        XCTAssertEqual(low.max, 999_973)  // 97 x 10309, exact
        // The median is the 5402nd of 10804 values: 97 x 4907 = 475979, to three digits.
        XCTAssertEqual(Double(all.quantile(0.5)), 475_979, accuracy: 476)
    }

    func testQuantileRecorderAcceptsExtremesWithoutTrapping() {
        var q = QuantileRecorder()
        q.record(0)
        q.record(UInt64.max)
        q.record(SimDuration(nanoseconds: -5))  // recorded as 0
        q.record(SimDuration.milliseconds(3))
        XCTAssertEqual(q.count, 4)
        XCTAssertEqual(q.max, UInt64.max / 2)
        XCTAssertEqual(q.min, 0)
        XCTAssertEqual(q.quantile(0.5), 0)
        q.reset()
        XCTAssertTrue(q.isEmpty)
    }
}
