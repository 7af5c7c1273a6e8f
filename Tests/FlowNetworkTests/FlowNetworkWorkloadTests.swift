import XCTest
@testable import FlowNetwork
@testable import SimEngine

/// The flow network under random workloads, its memo and transition cache, link classes and
/// prepared paths, and the transfer rounding: every result identical with each device on or off.
final class FlowNetworkWorkloadTests: XCTestCase {

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
