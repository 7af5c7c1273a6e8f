import XCTest
@testable import SimEngine

/// Records every event it receives.
final class Recorder: Component {
    var seen: [(time: Int64, arg: UInt32)] = []
    func handle(_ event: Event, in sim: Simulation) throws(SimulationError) {
        seen.append((event.time, event.arg))
    }
}

final class EngineTests: XCTestCase {
    func testOrderIsTimeThenPriorityThenSequence() throws {
        let sim = Simulation()
        var set = ComponentSet()
        let r = Recorder()
        let id = set.register(r)
        try sim.schedule(at: SimTime(nanoseconds: 20), target: id, arg: 1)
        try sim.schedule(at: SimTime(nanoseconds: 10), target: id, arg: 2, priority: 200)
        try sim.schedule(at: SimTime(nanoseconds: 10), target: id, arg: 3, priority: 5)
        try sim.schedule(at: SimTime(nanoseconds: 10), target: id, arg: 4, priority: 200)
        try sim.schedule(at: SimTime(nanoseconds: 5), target: id, arg: 5)
        XCTAssertEqual(try sim.run(&set), .drained)
        XCTAssertEqual(r.seen.map(\.arg), [5, 3, 2, 4, 1])
        XCTAssertEqual(sim.now, SimTime(nanoseconds: 20))
    }

    func testCancelledEventNeverFires() throws {
        let sim = Simulation()
        var set = ComponentSet()
        let r = Recorder()
        let id = set.register(r)
        var handles: [EventHandle] = []
        for i in 0..<100 {
            handles.append(try sim.schedule(at: SimTime(nanoseconds: Int64(1000 - i)), target: id, arg: UInt32(i)))
        }
        for i in stride(from: 0, to: 100, by: 3) { sim.cancel(handles[i]) }
        XCTAssertEqual(sim.pendingCount, 100 - 34)
        _ = try sim.run(&set)
        XCTAssertEqual(r.seen.count, 66)
        XCTAssertFalse(r.seen.contains { $0.arg % 3 == 0 })
        XCTAssertEqual(r.seen.map(\.time), r.seen.map(\.time).sorted())
    }

    func testRandomisedQueueMatchesSortedOrder() throws {
        var rng = Xoshiro256(seed: 9)
        var q = EventQueue()
        var all: [Event] = []
        for s in 0..<5000 {
            let e = Event(time: Int64(rng.below(500)), key: UInt64(s), target: 0, arg: 0)
            all.append(e)
            q.push(e)
            XCTAssertTrue(q.checkInvariants())
        }
        var out: [Event] = []
        while let e = q.pop() { out.append(e) }
        XCTAssertEqual(out, all.sorted(by: Event.precedes))
    }

    func testRunUntilLeavesLaterEventsPending() throws {
        let sim = Simulation()
        var set = ComponentSet()
        let r = Recorder()
        let id = set.register(r)
        try sim.schedule(at: SimTime(nanoseconds: 10), target: id)
        try sim.schedule(at: SimTime(nanoseconds: 30), target: id)
        XCTAssertEqual(try sim.run(&set, until: SimTime(nanoseconds: 20)), .reachedTimeLimit)
        XCTAssertEqual(sim.now, SimTime(nanoseconds: 20))
        XCTAssertEqual(sim.pendingCount, 1)
        XCTAssertEqual(try sim.run(&set), .drained)
        XCTAssertEqual(r.seen.count, 2)
    }

    func testOverflowAndPastAreErrorsNotTraps() throws {
        let sim = Simulation()
        var set = ComponentSet()
        let r = Recorder()
        let id = set.register(r)
        try sim.schedule(at: SimTime(nanoseconds: 50), target: id)
        _ = try sim.run(&set)
        XCTAssertThrowsError(try sim.schedule(at: SimTime(nanoseconds: 10), target: id))
        XCTAssertThrowsError(try sim.schedule(after: SimDuration(nanoseconds: .max), target: 0)) { e in
            guard case SimulationError.timeOverflow = e as! SimulationError else { return XCTFail("\(e)") }
        }
        XCTAssertThrowsError(try SimDuration(seconds: .nan))
        XCTAssertThrowsError(try SimDuration(seconds: -1))
        XCTAssertThrowsError(try SimDuration(seconds: 1e300))
        XCTAssertThrowsError(try SimDuration.seconds(1).multiplied(by: .max))
        XCTAssertEqual(try SimDuration(seconds: 1.5).nanoseconds, 1_500_000_000)
    }

    func testUnknownComponentIsAnError() throws {
        let sim = Simulation()
        var set = ComponentSet()
        try sim.schedule(at: .zero, target: 7)
        XCTAssertThrowsError(try sim.run(&set))
    }

    func testSubstreamsAreIndependentOfEachOther() {
        let root = Xoshiro256(seed: 42)
        var a1 = root.substream(named: "memoryx")
        var b = root.substream(named: "swarmx")
        var a2 = root.substream(named: "memoryx")
        let xs = (0..<4).map { _ in a1.next() }
        XCTAssertEqual(xs, (0..<4).map { _ in a2.next() })
        XCTAssertNotEqual(xs, (0..<4).map { _ in b.next() })
        // xoshiro256** reference: first output for seed 42 via splitmix64 seeding.
        var g = Xoshiro256(seed: 42)
        let u = g.uniform()
        XCTAssert(u >= 0 && u < 1)
        var h = Xoshiro256(seed: 1)
        for _ in 0..<1000 { XCTAssertLessThan(h.below(10), 10) }
    }

    func testAdvanceCannotSkipPendingEvents() throws {
        let sim = Simulation()
        try sim.schedule(at: SimTime(nanoseconds: 100), target: 0)
        XCTAssertNoThrow(try sim.advance(to: SimTime(nanoseconds: 100)))
        XCTAssertThrowsError(try sim.advance(to: SimTime(nanoseconds: 101)))
    }
}
