import XCTest
@testable import FlowNetwork
@testable import SimEngine

/// Records the (time, arg) of every notification it receives.
final class NotificationRecorder: Component {
    struct Entry: Equatable, CustomStringConvertible {
        var time: Int64
        var arg: UInt32
        var description: String { "(\(time) ns, \(arg))" }
    }
    var log: [Entry] = []

    func handle(_ event: Event, in sim: Simulation) throws(SimulationError) {
        log.append(Entry(time: event.time, arg: event.arg))
    }
}

/// Calls a closure when its event fires (to act at a given simulated time and priority).
final class Action: Component {
    var body: (Simulation) throws -> Void = { _ in }
    var failure: (any Error)?
    func handle(_ event: Event, in sim: Simulation) throws(SimulationError) {
        do { try body(sim) } catch { failure = error }
    }
}

/// A simulation with a flow network, a notification recorder and an action component.
final class FlowBench {
    let sim = Simulation()
    var components = ComponentSet()
    let net = FlowNetwork()
    let recorder = NotificationRecorder()
    let action = Action()
    let rec: UInt32
    let act: UInt32

    init() {
        net.register(in: &components)
        rec = components.register(recorder)
        act = components.register(action)
    }

    @discardableResult
    func start(_ bytes: Double, _ links: [LinkID], arg: UInt32, latency: SimDuration? = nil) throws -> FlowID {
        try net.startFlow(bytes: bytes, links: links, notify: rec, arg: arg, latency: latency, in: sim)
    }

    @discardableResult
    func run(until t: SimTime = .never) throws -> RunOutcome {
        try sim.run(&components, until: t)
    }

    var log: [NotificationRecorder.Entry] { recorder.log }
}

private func ns(_ seconds: Double) -> Int64 { Int64((seconds * 1e9).rounded()) }
private func at(_ seconds: Double) -> SimTime { SimTime(nanoseconds: ns(seconds)) }
private typealias E = NotificationRecorder.Entry

private func XCTAssertModelError<T>(_ body: @autoclosure () throws -> T, _ needle: String,
                                    file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertThrowsError(try body(), file: file, line: line) { error in
        guard case .model(let message)? = error as? SimulationError else {
            return XCTFail("expected SimulationError.model, got \(error)", file: file, line: line)
        }
        XCTAssertTrue(message.contains(needle), "'\(message)' lacks '\(needle)'", file: file, line: line)
    }
}

final class FlowNetworkTests: XCTestCase {
    func testOneFlowAloneOnALink() throws {
        let b = FlowBench()
        let l = try b.net.addLink(name: "l", bytesPerSecond: 1e9, latency: .milliseconds(1))
        let f = try b.start(1e9, [l], arg: 7)
        XCTAssertEqual(b.net.rate(of: f), 1e9)
        XCTAssertEqual(b.net.activeFlowCount, 1)
        XCTAssertEqual(b.net.finishTime(of: f), at(1))
        XCTAssertEqual(try b.run(), .drained)
        XCTAssertEqual(b.log, [E(time: 1_001_000_000, arg: 7)])
        XCTAssertEqual(b.net.activeFlowCount, 0)
        XCTAssertNil(b.net.rate(of: f))
        XCTAssertEqual(b.net.flowsCompleted.count, 1)
        XCTAssertEqual(b.net.bytesCompleted, 1e9)
        let s = try XCTUnwrap(b.net.statistics(of: l, at: at(2)))
        XCTAssertEqual(s.busyBytes, 1e9)
        XCTAssertEqual(s.busyTime, .seconds(1))
        XCTAssertEqual(s.averageUtilization, 0.5)
        XCTAssertEqual(s.usedFraction.max, 1)
        XCTAssertEqual(b.net.utilization(of: l, until: at(4)), 0.25)
        XCTAssertNil(b.net.checkInvariants())
    }

    func testTwoEqualFlowsShareALink() throws {
        let b = FlowBench()
        let l = try b.net.addLink(name: "l", bytesPerSecond: 1e9, latency: .milliseconds(1))
        let f1 = try b.start(1e9, [l], arg: 1)
        let f2 = try b.start(1e9, [l], arg: 2)
        XCTAssertEqual(b.net.rate(of: f1), 5e8)
        XCTAssertEqual(b.net.rate(of: f2), 5e8)
        XCTAssertNil(b.net.checkInvariants())
        try b.run()
        XCTAssertEqual(b.log, [E(time: 2_001_000_000, arg: 1), E(time: 2_001_000_000, arg: 2)])
    }

    /// A third of a link is not a finite binary fraction: the completion time is still exact.
    func testThreeFlowsOnALinkFinishExactly() throws {
        let b = FlowBench()
        let l = try b.net.addLink(name: "l", bytesPerSecond: 1e9, latency: .zero)
        for i in 0..<3 { try b.start(1e9, [l], arg: UInt32(i)) }
        try b.run()
        XCTAssertEqual(b.log.map(\.time), [3_000_000_000, 3_000_000_000, 3_000_000_000])
    }

    /// A over L1 (100 B/s) and L2 (30 B/s, the bottleneck); B over L1 only. Max-min: A gets
    /// 30, B the 70 that A leaves on L1. A (150 B) ends at 5 s; B has sent 350 of its 700 B and
    /// sends the rest at 100 B/s: 3.5 s more.
    func testFlowCrossingABottleneck() throws {
        let b = FlowBench()
        let l1 = try b.net.addLink(name: "L1", bytesPerSecond: 100, latency: .milliseconds(1))
        let l2 = try b.net.addLink(name: "L2", bytesPerSecond: 30, latency: .milliseconds(2))
        let a = try b.start(150, [l1, l2], arg: 1)
        let fb = try b.start(700, [l1], arg: 2)
        XCTAssertEqual(b.net.rate(of: a), 30)
        XCTAssertEqual(b.net.rate(of: fb), 70)
        XCTAssertEqual(b.net.statistics(of: l1, at: .zero)?.load, 100)
        XCTAssertEqual(b.net.statistics(of: l2, at: .zero)?.load, 30)
        XCTAssertNil(b.net.checkInvariants())
        try b.run(until: at(6))
        XCTAssertEqual(b.log, [E(time: 5_003_000_000, arg: 1)])
        XCTAssertEqual(b.net.rate(of: fb), 100)
        XCTAssertEqual(b.net.remainingBytes(of: fb, at: at(6)), 250)
        try b.run()
        XCTAssertEqual(b.log, [E(time: 5_003_000_000, arg: 1), E(time: 8_501_000_000, arg: 2)])
        // L1 carried 850 B in 8.5 s; L2 150 B in 5 s.
        let s1 = try XCTUnwrap(b.net.statistics(of: l1, at: at(10)))
        XCTAssertEqual(s1.busyBytes, 850)
        XCTAssertEqual(s1.busyTime, SimDuration(nanoseconds: 8_500_000_000))
        XCTAssertEqual(s1.averageUtilization, 0.85, accuracy: 1e-15)
        XCTAssertEqual(b.net.utilization(of: l2, until: at(10)), 0.5)
    }

    /// 1000 B and 2500 B on a 1000 B/s link: 500 B/s each until the short one ends at 2 s; the
    /// long one then has 1500 B left at 1000 B/s: done at 3.5 s.
    func testEndingFlowFreesCapacity() throws {
        let b = FlowBench()
        let l = try b.net.addLink(name: "l", bytesPerSecond: 1000, latency: .zero)
        try b.start(1000, [l], arg: 1)
        let long = try b.start(2500, [l], arg: 2)
        XCTAssertEqual(b.net.rate(of: long), 500)
        try b.run()
        XCTAssertEqual(b.log, [E(time: 2_000_000_000, arg: 1), E(time: 3_500_000_000, arg: 2)])
    }

    /// A (3000 B) alone from 0 at 1000 B/s; B (1000 B) joins at 1 s: both at 500 B/s; B ends at
    /// 3 s, A has 1000 B left and ends at 4 s.
    func testLateStartSlowsTheFirstFlow() throws {
        let b = FlowBench()
        let l = try b.net.addLink(name: "l", bytesPerSecond: 1000, latency: .microseconds(5))
        let a = try b.start(3000, [l], arg: 1)
        XCTAssertEqual(try b.run(until: at(1)), .reachedTimeLimit)
        XCTAssertEqual(b.net.remainingBytes(of: a, at: b.sim.now), 2000)
        try b.start(1000, [l], arg: 2)
        XCTAssertEqual(b.net.rate(of: a), 500)
        try b.run()
        XCTAssertEqual(b.log, [E(time: 3_000_005_000, arg: 2), E(time: 4_000_005_000, arg: 1)])
    }

    /// A multicast flow over three links (one listed twice) counts once on each: it shares L2
    /// with a unicast flow (500 B/s each) and has L1 and L3 to itself, at 500 B/s.
    func testMulticastFlowCountsOncePerLink() throws {
        let b = FlowBench()
        let l1 = try b.net.addLink(name: "L1", bytesPerSecond: 1000, latency: .milliseconds(1))
        let l2 = try b.net.addLink(name: "L2", bytesPerSecond: 1000, latency: .milliseconds(2))
        let l3 = try b.net.addLink(name: "L3", bytesPerSecond: 1000, latency: .milliseconds(3))
        let m = try b.start(1000, [l1, l2, l2, l3], arg: 1)
        let u = try b.start(1000, [l2], arg: 2)
        let t = try b.start(1000, [l1, l3], arg: 3, latency: .milliseconds(3))  // tree depth
        XCTAssertEqual(b.net.links(of: m), [l1, l2, l3])
        XCTAssertEqual(b.net.rate(of: m), 500)
        XCTAssertEqual(b.net.rate(of: u), 500)
        XCTAssertEqual(b.net.rate(of: t), 500)
        XCTAssertEqual(b.net.statistics(of: l1, at: .zero)?.activeFlows, 2)
        XCTAssertEqual(b.net.statistics(of: l2, at: .zero)?.activeFlows, 2)
        XCTAssertEqual(b.net.statistics(of: l2, at: .zero)?.load, 1000)
        XCTAssertNil(b.net.checkInvariants())
        try b.run()
        // Latencies: m 1 + 2 + 3 ms (L2 once), u 2 ms, t 3 ms as given.
        XCTAssertEqual(b.log, [E(time: 2_002_000_000, arg: 2), E(time: 2_003_000_000, arg: 3),
                               E(time: 2_006_000_000, arg: 1)])
        XCTAssertEqual(b.net.statistics(of: l2, at: at(2))?.busyBytes, 2000)
    }

    /// Two 1000 B flows at 500 B/s each; at 1 s one is cancelled (500 B sent), so the other
    /// sends its last 500 B at 1000 B/s and ends at 1.5 s.
    func testCancellingAFlowFreesCapacity() throws {
        let b = FlowBench()
        let l = try b.net.addLink(name: "l", bytesPerSecond: 1000, latency: .zero)
        let a = try b.start(1000, [l], arg: 1)
        let c = try b.start(1000, [l], arg: 2)
        try b.run(until: at(1))
        XCTAssertTrue(try b.net.cancelFlow(a, in: b.sim))
        XCTAssertFalse(try b.net.cancelFlow(a, in: b.sim))
        XCTAssertNil(b.net.rate(of: a))
        XCTAssertEqual(b.net.rate(of: c), 1000)
        try b.run()
        XCTAssertEqual(b.log, [E(time: 1_500_000_000, arg: 2)])
        XCTAssertFalse(try b.net.cancelFlow(c, in: b.sim))  // already finished
        XCTAssertEqual(b.net.flowsCancelled.count, 1)
        XCTAssertEqual(b.net.flowsCompleted.count, 1)
        XCTAssertEqual(b.net.statistics(of: l, at: at(1.5))?.busyBytes, 1500)
    }

    func testCancellingTheOnlyFlowRemovesThePendingEvent() throws {
        let b = FlowBench()
        let l = try b.net.addLink(name: "l", bytesPerSecond: 1000, latency: .zero)
        let a = try b.start(1000, [l], arg: 1)
        XCTAssertTrue(try b.net.cancelFlow(a, in: b.sim))
        XCTAssertEqual(b.sim.queue.count, 0)
        XCTAssertEqual(try b.run(), .drained)
        XCTAssertEqual(b.log, [])
    }

    func testZeroByteFlowCompletesAfterLatencyOnly() throws {
        let b = FlowBench()
        let l1 = try b.net.addLink(name: "L1", bytesPerSecond: 1000, latency: .milliseconds(5))
        let l2 = try b.net.addLink(name: "L2", bytesPerSecond: 1000, latency: .milliseconds(2))
        let big = try b.start(1000, [l1], arg: 1)
        let z = try b.start(0, [l1, l2], arg: 2)
        XCTAssertNil(b.net.rate(of: z))
        XCTAssertFalse(try b.net.cancelFlow(z, in: b.sim))
        XCTAssertEqual(b.net.rate(of: big), 1000)  // takes no bandwidth
        XCTAssertEqual(b.net.activeFlowCount, 1)
        XCTAssertNotEqual(z, big)
        try b.run()
        XCTAssertEqual(b.log, [E(time: 7_000_000, arg: 2), E(time: 1_005_000_000, arg: 1)])
    }

    /// A flow started at the very instant another one ends, by an event that runs before the
    /// network's own: the ending flow is completed first, and the new one gets the whole link.
    func testStartAtTheInstantAnotherFlowEnds() throws {
        let b = FlowBench()
        let l = try b.net.addLink(name: "l", bytesPerSecond: 1000, latency: .zero)
        try b.start(1000, [l], arg: 1)
        b.action.body = { sim in
            let f = try b.start(1000, [l], arg: 2)
            XCTAssertEqual(b.net.rate(of: f), 1000)
        }
        try b.sim.schedule(at: at(1), target: b.act, priority: 0)
        try b.run()
        XCTAssertNil(b.action.failure)
        XCTAssertEqual(b.log, [E(time: 1_000_000_000, arg: 1), E(time: 2_000_000_000, arg: 2)])
    }

    func testBadArgumentsThrowInsteadOfTrapping() throws {
        let b = FlowBench()
        XCTAssertModelError(try b.net.addLink(name: "z", bytesPerSecond: 0, latency: .zero), "capacity")
        XCTAssertModelError(try b.net.addLink(name: "n", bytesPerSecond: -5, latency: .zero), "capacity")
        XCTAssertModelError(try b.net.addLink(name: "i", bytesPerSecond: .infinity, latency: .zero), "capacity")
        XCTAssertModelError(try b.net.addLink(name: "q", bytesPerSecond: .nan, latency: .zero), "capacity")
        XCTAssertModelError(try b.net.addLink(name: "t", bytesPerSecond: 1, latency: SimDuration(nanoseconds: -1)),
                            "latency")
        XCTAssertEqual(b.net.linkCount, 0)
        let l = try b.net.addLink(name: "ok", bytesPerSecond: 1, latency: .zero)
        XCTAssertModelError(try b.start(10, [], arg: 0), "at least one link")
        XCTAssertModelError(try b.start(10, [l, LinkID(9)], arg: 0), "unknown")
        XCTAssertModelError(try b.start(-1, [l], arg: 0), "size")
        XCTAssertModelError(try b.start(.nan, [l], arg: 0), "size")
        XCTAssertModelError(try b.start(.infinity, [l], arg: 0), "size")
        XCTAssertModelError(try b.start(1, [l], arg: 0, latency: SimDuration(nanoseconds: -3)), "latency")
        XCTAssertEqual(b.net.activeFlowCount, 0)
        XCTAssertEqual(b.sim.queue.count, 0)
        let unattached = FlowNetwork()
        let l0 = try unattached.addLink(name: "l", bytesPerSecond: 1, latency: .zero)
        XCTAssertModelError(try unattached.startFlow(bytes: 1, links: [l0], notify: 0, arg: 0, in: b.sim), "attach")
        // A transfer too long for 64-bit nanoseconds is a time overflow, not a trap.
        XCTAssertThrowsError(try b.start(1e300, [l], arg: 0)) { error in
            guard case .timeOverflow? = error as? SimulationError else { return XCTFail("\(error)") }
        }
    }

    func testStateSignatureRepeatsWithTheSharingPattern() throws {
        let b = FlowBench()
        let l1 = try b.net.addLink(name: "L1", bytesPerSecond: 1000, latency: .zero)
        let l2 = try b.net.addLink(name: "L2", bytesPerSecond: 300, latency: .zero)
        try b.start(1000, [l1], arg: 1)
        try b.start(600, [l1, l2], arg: 2)
        let sig = b.net.stateSignature
        let hash = b.net.stateHash
        XCTAssertEqual(sig, [2, 700.0.bitPattern, 1, 0, 300.0.bitPattern, 2, 0, 1])
        try b.run()
        XCTAssertNotEqual(b.net.stateHash, hash)
        // The same pattern again, with other sizes: same signature.
        try b.start(5, [l1], arg: 3)
        try b.start(9, [l1, l2], arg: 4)
        XCTAssertEqual(b.net.stateSignature, sig)
        XCTAssertEqual(b.net.stateHash, hash)
        try b.start(9, [l2], arg: 5)
        XCTAssertNotEqual(b.net.stateSignature, sig)
        XCTAssertNotEqual(b.net.stateHash, hash)
    }

    // MARK: Determinism and random workloads

    struct Outcome: Equatable {
        var log: [NotificationRecorder.Entry]
        var busyBytes: [UInt64]
        var busyTime: [Int64]
        var utilization: [UInt64]
    }

    /// 300 flows with random sizes, random start times and random sets of 1-4 of 12 links of
    /// random capacities and latencies; some are cancelled. Checks the allocation after every
    /// change and returns everything observable.
    func runRandomWorkload(seed: UInt64) throws -> Outcome {
        let b = FlowBench()
        var rng = Xoshiro256(seed: seed)
        var links: [LinkID] = []
        for i in 0..<12 {
            let capacity = 1e6 * (1 + 99 * rng.uniform())
            let latency = SimDuration(nanoseconds: Int64(rng.below(10_000)))
            links.append(try b.net.addLink(name: "L\(i)", bytesPerSecond: capacity, latency: latency))
        }
        let n = 300
        var starts: [(bytes: Double, links: [LinkID], cancelAfter: Int64?)] = []
        for _ in 0..<n {
            let hops = 1 + Int(rng.below(4))
            let path = (0..<hops).map { _ in links[Int(rng.below(12))] }
            let bytes = rng.below(10) == 0 ? 0 : (1e3 + 1e6 * rng.uniform()).rounded()
            let cancel: Int64? = rng.below(8) == 0 ? Int64(rng.below(50_000_000)) : nil
            starts.append((bytes, path, cancel))
        }
        var next = 0
        var toCancel: [(at: Int64, id: FlowID)] = []
        var violations: [String] = []
        b.action.body = { sim in
            // Start the next flow, and cancel those whose time has come.
            let s = starts[next]
            let id = try b.start(s.bytes, s.links, arg: UInt32(next))
            if let c = s.cancelAfter { toCancel.append((sim.now.nanoseconds + c, id)) }
            toCancel.removeAll { entry in
                guard entry.at <= sim.now.nanoseconds else { return false }
                _ = try? b.net.cancelFlow(entry.id, in: sim)
                return true
            }
            if let v = b.net.checkInvariants() { violations.append(v) }
            next += 1
        }
        var t: Int64 = 0
        for _ in 0..<n {
            t += Int64(1e7 * rng.exponential())  // about 100 starts per second
            try b.sim.schedule(at: SimTime(nanoseconds: t), target: b.act)
        }
        try b.run()
        XCTAssertNil(b.action.failure)
        XCTAssertEqual(violations, [])
        XCTAssertEqual(next, n)
        XCTAssertEqual(b.net.activeFlowCount, 0)
        let cancelled = Int(b.net.flowsCancelled.count)
        XCTAssertEqual(b.log.count + cancelled, n)
        XCTAssertEqual(Set(b.log.map(\.arg)).count, b.log.count)
        let end = b.sim.now
        let stats = links.map { b.net.statistics(of: $0, at: end)! }
        return Outcome(log: b.log,
                       busyBytes: stats.map(\.busyBytes.bitPattern),
                       busyTime: stats.map(\.busyTime.nanoseconds),
                       utilization: stats.map(\.averageUtilization.bitPattern))
    }

    func testSameSeedGivesIdenticalCompletionTimes() throws {
        let a = try runRandomWorkload(seed: 2024)
        let b = try runRandomWorkload(seed: 2024)
        XCTAssertEqual(a, b)
        let c = try runRandomWorkload(seed: 7)
        XCTAssertNotEqual(a.log, c.log)
    }

    /// Without cancellations, each link carries exactly the bytes of the flows crossing it (up
    /// to the sub-nanosecond rounding of completion times), and no flow is notified before its
    /// size divided by its fastest possible rate.
    func testBytesAreConservedAndNoFlowIsEarly() throws {
        let b = FlowBench()
        var rng = Xoshiro256(seed: 99)
        var links: [LinkID] = []
        for i in 0..<6 {
            links.append(try b.net.addLink(name: "L\(i)", bytesPerSecond: 1e6 * Double(1 + i),
                                           latency: .zero))
        }
        var expected = [Double](repeating: 0, count: links.count)
        var earliest: [UInt32: Int64] = [:]
        var next: UInt32 = 0
        b.action.body = { sim in
            var path: [LinkID] = []
            for l in links where rng.below(3) == 0 { path.append(l) }
            if path.isEmpty { path = [links[Int(rng.below(6))]] }
            let bytes = (1e3 + 1e5 * rng.uniform()).rounded()
            try b.start(bytes, path, arg: next)
            let fastest = path.map { b.net.capacity(of: $0)! }.min()!
            earliest[next] = sim.now.nanoseconds + Int64((bytes / fastest * 1e9).rounded(.down))
            for l in path { expected[Int(l.index)] += bytes }
            next += 1
        }
        for i in 0..<200 {
            try b.sim.schedule(at: SimTime(nanoseconds: Int64(i) * 1_000_000), target: b.act)
        }
        try b.run()
        XCTAssertNil(b.action.failure)
        XCTAssertEqual(b.log.count, 200)
        for e in b.log { XCTAssertGreaterThanOrEqual(e.time, earliest[e.arg]!, "flow \(e.arg)") }
        for (i, l) in links.enumerated() {
            let s = b.net.statistics(of: l, at: b.sim.now)!
            XCTAssertEqual(s.busyBytes, expected[i], accuracy: expected[i] * 1e-6, "link \(i)")
        }
    }

    // MARK: Transition cache

    /// A repeating pattern of starts, completions and cancellations over shared links, with the
    /// memo and transition cache on and off: every notification time, every rate and completion
    /// time after every change, and every link statistic must be bit-identical, and the cache
    /// must have answered most changes.
    func testCachedTransitionsGiveExactlyTheFreshRatesAndCompletionTimes() throws {
        struct Trace: Equatable {
            var log: [NotificationRecorder.Entry] = []
            var rates: [UInt64] = []
            var finishes: [Int64] = []
            var stats: [UInt64] = []
        }
        func run(caching: Bool) throws -> (Trace, hits: Int, misses: Int) {
            let b = FlowBench()
            b.net.core.cachingEnabled = caching
            let capacities = [1000.0, 300, 700, 450]
            let l = try capacities.enumerated().map { i, c in
                try b.net.addLink(name: "L\(i)", bytesPerSecond: c, latency: SimDuration(nanoseconds: Int64(i) * 7))
            }
            let paths = [[l[0], l[1]], [l[1], l[2]], [l[0], l[2], l[3], l[0]], [l[3]], [l[2]]]
            let sizes = [50.0, 30, 60, 20, 45]
            var trace = Trace()
            var started: [FlowID] = []
            var k = 0
            b.action.body = { sim in
                // Five starts per period of 3 s, the same paths and sizes in the same order each
                // period; the fourth start of a period cancels the oldest flow still running.
                let id = try b.start(sizes[k % sizes.count], paths[k % paths.count], arg: UInt32(k))
                started.append(id)
                if k % 5 == 3, let old = started.first(where: { b.net.isActive($0) }) {
                    _ = try b.net.cancelFlow(old, in: sim)
                }
                for f in started where b.net.isActive(f) {
                    trace.rates.append(b.net.rate(of: f)!.bitPattern)
                    trace.finishes.append(b.net.finishTime(of: f)!.nanoseconds)
                }
                k += 1
            }
            for period in 0..<60 {
                for offset in [0, 150_000, 400_000, 1_100_000, 1_900_000] {
                    try b.sim.schedule(at: SimTime(nanoseconds: Int64(period) * 3_000_000_000 + Int64(offset) * 1000),
                                       target: b.act)
                }
            }
            try b.run()
            XCTAssertNil(b.action.failure)
            XCTAssertNil(b.net.checkInvariants())
            trace.log = b.log
            for link in l {
                let s = b.net.statistics(of: link, at: b.sim.now)!
                trace.stats += [s.busyBytes.bitPattern, UInt64(s.busyTime.nanoseconds),
                                s.averageUtilization.bitPattern, s.usedFraction.max.bitPattern]
            }
            trace.stats.append(b.net.flowsCancelled.count)
            return (trace, b.net.core.transitions.hits, b.net.core.transitions.misses)
        }
        let fresh = try run(caching: false)
        let cached = try run(caching: true)
        XCTAssertEqual(fresh.hits, 0)
        XCTAssertEqual(cached.0, fresh.0)
        XCTAssertEqual(cached.0.log.count + Int(cached.0.stats.last!), 300)  // every start notified or cancelled
        XCTAssertGreaterThan(cached.0.stats.last!, 0)
        XCTAssertGreaterThan(cached.hits, 10 * cached.misses, "hits \(cached.hits), misses \(cached.misses)")
    }

    // MARK: Link classes and prepared paths

    /// Links of equal capacity crossed by the same flows share one statistics record (a link
    /// class); a path seen later splits a class while its links carry load. With classes on and
    /// off (one record per link, the eager computation), and with the paths given as lists or
    /// prepared once: every link's statistics (the used-fraction signal's compensated sum
    /// included) and every notification must be identical.
    func testLinkClassesAndPreparedPathsGiveExactlyThePerLinkStatistics() throws {
        struct Outcome: Equatable {
            var log: [NotificationRecorder.Entry] = []
            var stats: [LinkStatistics] = []
            var utilizations: [UInt64] = []
        }
        func run(classes: Bool, prepared: Bool) throws -> (Outcome, classCount: Int) {
            let b = FlowBench()
            b.net.core.classesEnabled = classes
            let capacities = [100.0, 100, 100, 50, 100, 100, 70, 100, 100]
            let l = try capacities.enumerated().map { i, c in
                try b.net.addLink(name: "L\(i)", bytesPerSecond: c, latency: SimDuration(nanoseconds: Int64(i) * 3))
            }
            // A broadcast-like path, a path sharing one of its links, a lone link, and (from the
            // tenth period on) a path that cuts the first path's class {L0, L1} and {L7, L8}.
            let lists = [[l[0], l[1], l[2], l[3], l[7], l[8]], [l[2], l[4]], [l[5]], [l[1], l[6], l[8], l[1]]]
            let ids = prepared ? try lists.map { try b.net.preparePath($0) } : []
            let sizes = [80.0, 35, 20, 55]
            var k = 0
            b.action.body = { sim in
                let period = k / 5
                let which = [0, 1, 2, 1, period >= 10 ? 3 : 0][k % 5]
                if prepared {
                    try b.net.startFlow(bytes: sizes[which], path: ids[which], notify: b.rec, arg: UInt32(k), in: sim)
                } else {
                    try b.start(sizes[which], lists[which], arg: UInt32(k))
                }
                k += 1
            }
            for period in 0..<40 {
                for offset in [0, 200_000, 450_000, 700_000, 1_300_000] {
                    try b.sim.schedule(at: SimTime(nanoseconds: Int64(period) * 2_000_000_000 + Int64(offset) * 1000),
                                       target: b.act)
                }
            }
            // Statistics read while flows are in flight, then at the end.
            var outcome = Outcome()
            try b.run(until: SimTime(nanoseconds: 21_000_500_000))
            for link in l { outcome.stats.append(b.net.statistics(of: link, at: b.sim.now)!) }
            try b.run()
            XCTAssertNil(b.action.failure)
            XCTAssertNil(b.net.checkInvariants())
            outcome.log = b.log
            for link in l {
                outcome.stats.append(b.net.statistics(of: link, at: b.sim.now)!)
                outcome.utilizations.append(b.net.utilization(of: link, until: b.sim.now)!.bitPattern)
            }
            return (outcome, b.net.core.classes.count)
        }
        let perLink = try run(classes: false, prepared: false)
        XCTAssertEqual(perLink.0.log.count, 200)
        for (classes, prepared) in [(true, false), (true, true), (false, true)] {
            let other = try run(classes: classes, prepared: prepared)
            XCTAssertEqual(other.0, perLink.0, "classes \(classes), prepared \(prepared)")
            if classes { XCTAssertLessThan(other.classCount, perLink.classCount) }
        }
    }

    /// The completion-time rounding without libm gives exactly what `rounded()` and
    /// `rounded(.up)` give, at whole, half and near-whole values and at random ones.
    func testTransferRoundingMatchesTheLibmRounding() throws {
        func reference(remaining: Double, bytes: Double, rate: Double) -> Int64 {
            let x = remaining * 1e9 / rate
            let nearest = x.rounded()
            let tolerance = bytes * 1e9 / rate * 1e-12
            let ns = Swift.abs(x - nearest) <= tolerance ? nearest : x.rounded(.up)
            return Swift.max(1, Int64(ns))
        }
        var rng = Xoshiro256(seed: 12)
        var cases: [(Double, Double, Double)] = [(0, 1, 1), (1, 1, 1e9), (1.5, 2, 1e9), (2.5, 3, 1e9), (0.5, 1, 1e9),
                                                 (4e9, 4e9, 1), (8.9e9 - 0.5, 9e9, 1), (4503599627.3704965, 5e9, 1), (7, 7, 3)]
        for _ in 0..<200_000 {
            let bytes = (rng.uniform() * 1e9).rounded() + 1
            let remaining = rng.below(4) == 0 ? bytes : bytes * rng.uniform()
            let rate = [1e9, 3e11, 7.3e8, 1.2e12][Int(rng.below(4))] * (rng.below(2) == 0 ? 1 : rng.uniform() + 0.5)
            cases.append((remaining, bytes, rate))
            // Near a whole and a half nanosecond.
            let whole = (remaining * 1e9 / rate).rounded()
            cases.append((whole * rate / 1e9, bytes, rate))
            cases.append(((whole + 0.5) * rate / 1e9, bytes, rate))
        }
        for (remaining, bytes, rate) in cases {
            let got = try FlowNetwork.Core.transferNanoseconds(remaining: remaining, bytes: bytes, rate: rate)
            XCTAssertEqual(got, reference(remaining: remaining, bytes: bytes, rate: rate), "\(remaining) \(bytes) \(rate)")
        }
    }
}

// MARK: Merged links and components

final class MergedLinksTests: XCTestCase {
    /// With statistics and caches off, merging links of equal capacity on exactly the same
    /// paths, and refilling only the components where flows changed, must give every flow the
    /// same rate and completion time, bit for bit, and the same notifications, as the plain
    /// progressive filling over every link.
    func testMergedLinksAndComponentsGiveExactlyThePlainRates() throws {
        struct Trace: Equatable {
            var log: [NotificationRecorder.Entry] = []
            var rates: [UInt64] = []
            var finishes: [Int64] = []
        }
        func run(merging: Bool) throws -> (Trace, merged: Int, full: Int, components: Int) {
            let b = FlowBench()
            b.net.cachesRates = false
            b.net.keepsStatistics = false
            b.net.mergesLinks = merging
            func link(_ name: String, _ c: Double) throws -> LinkID { try b.net.addLink(name: name, bytesPerSecond: c, latency: .zero) }
            // Two tenants: broadcasts share "out" and cross their own tree edges (equal capacity,
            // mergeable) and input port (shared with their input flows); reductions share "in".
            let out = try link("out", 100), inn = try link("in", 80)
            var paths: [[LinkID]] = []
            for t in 0..<2 {
                let e1 = try link("t\(t)-e1", 300), e2 = try link("t\(t)-e2", 300), e3 = try link("t\(t)-e3", 250)
                let port = try link("t\(t)-port", 150), feed = try link("t\(t)-feed", 40 + Double(t) * 20)
                let u1 = try link("t\(t)-u1", 90), u2 = try link("t\(t)-u2", 90)
                paths += [[out, e1, e2, e3, port], [feed, port], [u1, u2, inn]]
            }
            let ids = try paths.map { try b.net.preparePath($0) }
            var rng = Xoshiro256(seed: 11)
            var started: [FlowID] = []
            var trace = Trace()
            var k = 0
            b.action.body = { sim in
                let p = Int(rng.next() % UInt64(ids.count))
                let bytes = 5 + Double(rng.next() % 100)
                started.append(try b.net.startFlow(bytes: bytes, path: ids[p], notify: b.rec, arg: UInt32(k), in: sim))
                if k % 7 == 6, let old = started.first(where: { b.net.isActive($0) }) {
                    _ = try b.net.cancelFlow(old, in: sim)
                }
                for f in started where b.net.isActive(f) {
                    trace.rates.append(b.net.rate(of: f)!.bitPattern)
                    trace.finishes.append(b.net.finishTime(of: f)!.nanoseconds)
                }
                k += 1
            }
            for i in 0..<400 {
                try b.sim.schedule(at: SimTime(nanoseconds: Int64(i) * 137_000_000 + Int64(i % 3) * 11), target: b.act)
            }
            try b.run()
            XCTAssertNil(b.action.failure)
            trace.log = b.log
            let full = b.net.core.prepared.entries.reduce(0) { $0 + Int($1.linkCount) }
            let merged = merging ? b.net.core.prepared.entries.reduce(0) { $0 + Int(b.net.core.mergedCount[Int($1.linkStart)]) } : full
            return (trace, merged, full, b.net.core.dirtyComponent.count)
        }
        let plain = try run(merging: false)
        let merged = try run(merging: true)
        XCTAssertEqual(merged.0, plain.0)
        XCTAssertGreaterThan(plain.0.log.count, 300)
        // Per tenant, the two equal tree edges and the two equal reduction edges merged; the
        // reductions (sharing "in") are one component, the broadcasts and inputs another.
        XCTAssertEqual(merged.full - merged.merged, 2 * (1 + 1))
        XCTAssertEqual(merged.components, 2)
    }
}
