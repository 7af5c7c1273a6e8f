import XCTest
@testable import SimEngine

/// The pending-event set's order and cost when many events share one instant (a burst of
/// same-time events, as the training model and the cluster schedule). Cost is checked by the
/// queue's own count of work, never by a clock.
final class EventQueueTests: XCTestCase {
    /// k events at one instant, with mixed priorities, among events at other times: they come
    /// out in (time, priority, sequence) order exactly.
    func testSameInstantBurstComesOutInTimePrioritySequenceOrder() {
        var q = EventQueue()
        var all: [Event] = []
        var seq: UInt64 = 0
        func add(_ time: Int64, _ priority: UInt8) {
            let e = Event(time: time, key: UInt64(priority) << 56 | seq, target: 0, arg: UInt32(seq))
            seq += 1
            all.append(e)
            q.push(e)
        }
        for i in 0..<300 { add(Int64(i) * 1_000, 128) }          // spread out: sets the width
        for i in 0..<5_000 { add(150_000, UInt8(truncatingIfNeeded: 200 - i % 3 * 50)) }
        for i in 0..<300 { add(Int64(i) * 1_000 + 7, 128) }
        for _ in 0..<2_000 { add(150_000, 100) }                 // the same instant, earlier priority
        XCTAssertTrue(q.checkInvariants())
        var out: [Event] = []
        while let e = q.pop() {
            out.append(e)
            // Schedule more at the instant being popped, as a handler would.
            if e.time == 150_000 && out.count % 7 == 0 && seq < 9_000 { add(150_000, 255) }
            if out.count % 500 == 0 { XCTAssertTrue(q.checkInvariants()) }
        }
        XCTAssertEqual(out.count, all.count)
        let expected = all.sorted(by: Event.precedes)
        let firstDifference = out.indices.first { out[$0] != expected[$0] }
        XCTAssertNil(firstDifference, "first out of order at \(firstDifference ?? -1)")
    }

    /// The work to push and pop k events at one instant grows like k log k, not k^2, and so
    /// does that of the events after the burst: k/4 events far apart that are left when the
    /// burst has drained (the calendar then holds many buckets of the burst's width, and must
    /// not scan a whole year for each of them). At k = 32,000 the work stays under 40 steps per
    /// event (a pass over the bucket per pop would be about k/2 = 16,000), and doubling k adds
    /// under 30 % per event (k^2 would double it).
    func testSameInstantBurstIsNotQuadratic() {
        func workPerEvent(_ k: Int, priorities: Bool) -> Double {
            var q = EventQueue()
            var seq: UInt64 = 0
            func add(_ time: Int64, _ priority: UInt64) {
                q.push(Event(time: time, key: priority << 56 | seq, target: 0, arg: 0))
                seq += 1
            }
            // A few events at other times first, so the burst lands in a running calendar.
            for i in 0..<64 { add(Int64(i) * 10_000, 128) }
            for i in 0..<k {
                // With priorities, later pushes often precede earlier ones (a sift-up).
                add(300_000, priorities ? UInt64(255 - i % 200) : 0)
            }
            for i in 0..<k / 4 { add(1_000_000 + Int64(i) * 50_000, 128) }
            var last: Event?
            var n = 0
            while let e = q.pop() {
                if let l = last { XCTAssertTrue(Event.precedes(l, e)) }
                last = e
                n += 1
            }
            XCTAssertEqual(n, 64 + k + k / 4)
            return Double(q.work) / Double(n)
        }
        for priorities in [false, true] {
            let small = workPerEvent(16_000, priorities: priorities)
            let large = workPerEvent(32_000, priorities: priorities)
            print("same-instant work per event, priorities \(priorities): \(small) at 16,000, \(large) at 32,000")
            XCTAssertLessThan(large, 40, "priorities \(priorities)")
            XCTAssertLessThan(large / small, 1.3, "priorities \(priorities): \(small) -> \(large)")
        }
    }

    /// The same through the simulation: a handler that fans out a burst of events at the
    /// current instant (each of which schedules nothing) runs them in scheduling order with
    /// linear-ish work.
    func testFanOutAtOneInstantThroughTheSimulation() throws {
        struct FanOut: EventHandler {
            var seen: [UInt32] = []
            let width: UInt32
            mutating func handle(_ event: Event, in sim: Simulation) throws(SimulationError) {
                seen.append(event.arg)
                if event.arg == 0 {
                    for i in 1...width { try sim.schedule(after: .zero, target: 0, arg: i) }
                }
            }
        }
        let sim = Simulation()
        var model = FanOut(width: 20_000)
        try sim.schedule(at: SimTime(nanoseconds: 1_000), target: 0, arg: 0)
        let before = sim.queue.work
        XCTAssertEqual(try sim.run(&model), .drained)
        XCTAssertEqual(model.seen, Array(0...20_000))
        print("fan-out work per event:", Double(sim.queue.work - before) / 20_000)
        XCTAssertLessThan(sim.queue.work - before, 20 * 20_000)
    }
}
