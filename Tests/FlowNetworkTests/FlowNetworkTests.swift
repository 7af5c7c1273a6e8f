import XCTest
@testable import FlowNetwork
@testable import SimEngine


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
}
