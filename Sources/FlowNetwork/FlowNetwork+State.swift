import SimEngine

// The state of ``FlowNetwork``: flow and link storage, starting and ending flows, completion
// times and the one pending event. The max-min rate computation is in FlowNetwork+MaxMin.swift;
// link statistics, the state signature and the checks in FlowNetwork+Statistics.swift.

extension FlowNetwork {
    /// Per-link state (index = `LinkID.index`). A plain value, so arrays of it need no ARC.
    struct LinkState {
        var capacity: Double
        var latency: SimDuration
        /// Active flows crossing the link: scratch, counted by each progressive filling (see
        /// ``FlowNetwork/Core/activeFlowCount(of:)`` for the current count).
        var activeFlows: Int32 = 0
        // The link's load and statistics are its class's (`FlowNetwork+LinkClasses.swift`).
        // Scratch for startFlow's de-duplication and the rate computation.
        var stamp: UInt64 = 0
        var order: UInt32 = 0
        var offset: Int32 = 0
        var fill: Int32 = 0
        var unfixed: Int32 = 0
        var remaining: Double = 0
        var newLoad: Double = 0
        /// `min(1, newLoad / capacity)`, the used fraction to record (kept in the rate memo,
        /// so that a remembered allocation costs no division).
        var newFraction: Double = 0

        init(capacity: Double, latency: SimDuration) {
            self.capacity = capacity
            self.latency = latency
        }
    }

    /// Per-flow state (index = `FlowID.index`). A plain value; the path is kept apart.
    struct FlowState {
        var generation: UInt32 = 0
        var isActive = false
        var target: UInt32 = 0
        var arg: UInt32 = 0
        var bytes: Double = 0
        /// Bytes left at time `anchor`.
        var remaining: Double = 0
        var anchor: Int64 = 0
        /// Current rate (bytes/s); 0 until the first rate computation.
        var rate: Double = 0
        /// Time of the last byte at the current rate.
        var finish: Int64 = .max
        var latency: SimDuration = .zero
        /// Scratch for the rate computation (negative: not fixed yet).
        var newRate: Double = 0
        /// A hash of the flow's (de-duplicated) links, for the rate memo.
        var pathHash: UInt64 = 0
        /// The flow's (de-duplicated) links: `paths[slot]` when `ownPath`, else
        /// `prepared.links[pathStart ..< pathStart + pathCount]`.
        var pathStart: Int32 = 0
        var pathCount: Int32 = 0
        var ownPath = false
    }

    /// A candidate bottleneck: a link's fair share when pushed, and the link's position in the
    /// rate computation's link list (the tie-breaker, so the order is deterministic).
    struct ShareEntry {
        var share: Double
        var order: UInt32

        @inline(__always)
        static func precedes(_ a: ShareEntry, _ b: ShareEntry) -> Bool {
            a.share < b.share || (a.share == b.share && a.order < b.order)
        }
    }

    /// Everything a ``FlowNetwork`` holds, as one value (see ``FlowNetwork/core``).
    struct Core {
        var id: UInt32?
        var links: [LinkState] = []
        var linkNames: [String] = []
        var flows: [FlowState] = []
        /// The links of a flow whose path is not in the prepared-path table (`ownPath`),
        /// de-duplicated, in the order given; kept (emptied) for reuse.
        var paths: [[UInt32]] = []
        var freeSlots: [UInt32] = []
        /// Active flow slots in start order.
        var active: [UInt32] = []

        // Scratch buffers, stored so that the hot paths allocate nothing once warmed up.
        var stamp: UInt64 = 0
        var pathScratch: [UInt32] = []
        /// Link lists already given to `startFlow`, validated and de-duplicated (see
        /// ``PreparedPaths``).
        var prepared = PreparedPaths()
        /// Scratch for `completeDueFlows`: one place per flow slot.
        var completedScratch: [UInt32] = []
        /// Links in use, in first-seen order (built by each rate computation).
        var touched: [UInt32] = []
        /// Each link's class (index = `LinkID.index`; 0: never crossed), and the classes, which
        /// hold the links' loads and statistics (see ``FlowNetwork/LinkClass``).
        var linkClass: [Int32] = []
        var classes = [FlowNetwork.LinkClass(capacity: 0)]
        /// Classes that carried load after the last rate computation, and scratch for the next.
        /// After a cached transition they are read in place from the transition cache's pool
        /// (`loadedPoolStart` >= 0, no copy) until something needs the array
        /// (``materializeLoaded()``).
        var loadedClasses: [UInt32] = []
        var loadedPoolStart: Int32 = -1
        var loadedPoolCount: Int32 = 0
        var classScratch: [UInt32] = []
        var classStamp: UInt64 = 0
        var refineStamp: UInt64 = 0
        var refineNew: [UInt32] = []
        /// Off: every link crossed is a class of its own (for tests that compare).
        var classesEnabled = true
        /// For each link in use, the flows crossing it (CSR layout, offsets in `LinkState`).
        var adjacency: [UInt32] = []
        var heap: [ShareEntry] = []
        /// Allocations already computed, by sharing state (see `FlowNetwork+Memo.swift`).
        var memo = RateMemo()
        /// Transitions between remembered states (see `FlowNetwork+Transitions.swift`).
        var transitions = Transitions()
        /// The memo entry of the current sharing state (-1: none yet).
        var state: Int32 = -1
        /// Changes to the active flows since the last rate computation, as transition operation
        /// codes (`opCount` past ``Transitions/maxOps``: changes the cache cannot name).
        var ops = [UInt32](repeating: 0, count: Transitions.maxOps)
        var opCount = 0
        /// Off: every rate computation is a fresh progressive filling (for tests that compare).
        var cachingEnabled = true
        /// Off: link loads and statistics are not kept (rates and completions are unchanged).
        var statisticsEnabled = true
        /// On: equivalent links are merged in the rate computation (FlowNetwork+Merging.swift).
        var mergesLinks = false
        /// Whether a flow has ever been started on its own link list (not a prepared path).
        var sawOwnPath = false
        /// Per position of `prepared.links`: the merged paths, and at each path's start its
        /// merged length; computed for the first `mergedEntries` prepared paths.
        var merged: [UInt32] = []
        var mergedCount: [Int32] = []
        var mergedEntries = 0
        /// Per position of `prepared.links`, at each path's start: its component (paths that
        /// share a link, transitively); per component, whether a flow on it changed since the
        /// last rate computation; and whether every component must be recomputed.
        var componentOfStart: [Int32] = []
        var dirtyComponent: [Bool] = []
        var allDirty = true

        /// Time up to which link statistics have been accumulated.
        var accountedUntil: Int64 = 0
        /// The earliest completion among active flows (`.max` when none).
        var nextFinish: Int64 = .max
        /// The network's one pending event.
        var pending: EventHandle?

        var flowsStarted = Counter()
        var flowsCompleted = Counter()
        var flowsCancelled = Counter()
        var bytesCompleted: Double = 0

        // MARK: Links

        mutating func addLink(name: String, bytesPerSecond: Double, latency: SimDuration) throws(SimulationError) -> LinkID {
            guard bytesPerSecond.isFinite, bytesPerSecond > 0 else {
                throw .model("FlowNetwork: link '\(name)' capacity \(bytesPerSecond) B/s must be finite and positive")
            }
            guard latency >= .zero else {
                throw .model("FlowNetwork: link '\(name)' latency \(latency) must not be negative")
            }
            guard links.count < Int(UInt32.max) else {
                throw .model("FlowNetwork: too many links")
            }
            links.append(LinkState(capacity: bytesPerSecond, latency: latency))
            linkClass.append(0)
            classes[0].members += 1
            linkNames.append(name)
            return LinkID(UInt32(links.count - 1))
        }

        // MARK: Flows

        /// The links of flow slot `f` (de-duplicated, in the order given).
        @inline(__always)
        func path(_ f: Int) -> ArraySlice<UInt32> {
            Self.path(f, flows: flows, preparedLinks: prepared.links, paths: paths)
        }

        @inline(__always)
        static func path(_ f: Int, flows: [FlowNetwork.FlowState], preparedLinks: [UInt32],
                         paths: [[UInt32]]) -> ArraySlice<UInt32> {
            let s = flows[f]
            if s.ownPath { return paths[f][...] }
            return preparedLinks[Int(s.pathStart)..<Int(s.pathStart + s.pathCount)]
        }

        /// The number of active flows crossing link `l` (counted; not for hot paths).
        func activeFlowCount(of l: Int) -> Int {
            var n = 0
            for slot in active where path(Int(slot)).contains(UInt32(truncatingIfNeeded: l)) { n += 1 }
            return n
        }

        func isActive(_ flow: FlowID) -> Bool {
            let f = Int(flow.index)
            return f < flows.count && flows[f].isActive && flows[f].generation == flow.generation
        }

        /// Bytes flow `f` still has to send at time `t` at its current rate.
        func remaining(_ f: Int, at t: Int64) -> Double {
            let sent = flows[f].rate * Double(t &- flows[f].anchor) / 1e9
            return Swift.max(0, flows[f].remaining - sent)
        }

        /// Validates and de-duplicates `path` into `pathScratch` and sums its links' latencies;
        /// returns the latency and the memo's path hash.
        mutating func resolve(_ path: [LinkID]) throws(SimulationError) -> (SimDuration, UInt64) {
            var pathLatency = SimDuration.zero
            stamp &+= 1
            pathScratch.removeAll(keepingCapacity: true)
            for link in path {
                let l = Int(link.index)
                guard l < links.count else {
                    throw .model("FlowNetwork: flow uses unknown \(link) (\(links.count) links)")
                }
                if links[l].stamp == stamp { continue }
                links[l].stamp = stamp
                pathScratch.append(link.index)
                pathLatency = try pathLatency.adding(links[l].latency, "flow latency")
            }
            refineClasses(by: pathScratch)
            return (pathLatency, RateMemo.hash(of: pathScratch))
        }

        /// The prepared path for `path` (validated, de-duplicated), made now if new; `force`
        /// keeps it even past the table's size (explicitly prepared paths, which callers keep).
        mutating func preparePath(_ path: [LinkID], force: Bool) throws(SimulationError) -> Int? {
            guard !path.isEmpty else { throw .model("FlowNetwork: a path needs at least one link") }
            let inputHash = PreparedPaths.hash(of: path)
            if let e = prepared.lookup(inputHash, path) { return e }
            let (pathLatency, pathHash) = try resolve(path)
            let e = prepared.insert(inputHash, path, links: pathScratch, latency: pathLatency, pathHash: pathHash,
                                    force: force)
            return e
        }

        mutating func startFlow(bytes: Double, links path: [LinkID], target: UInt32, arg: UInt32,
                                latency: SimDuration?, in sim: Simulation) throws(SimulationError) -> FlowID
        {
            guard id != nil else {
                throw .model("FlowNetwork: attach(id:) or register(in:) before starting flows")
            }
            guard bytes.isFinite, bytes >= 0 else {
                throw .model("FlowNetwork: flow size \(bytes) bytes must be finite and not negative")
            }
            guard !path.isEmpty else {
                throw .model("FlowNetwork: a flow needs at least one link (target \(target) arg \(arg))")
            }
            // A link list seen before is taken ready-made (links are never removed and their
            // latencies never change, so the result is the same); a new one is validated,
            // de-duplicated and remembered, or (table full) kept in `pathScratch`.
            if let e = try preparePath(path, force: false) {
                return try startFlow(bytes: bytes, prepared: e, target: target, arg: arg, latency: latency, in: sim)
            }
            let (pathLatency, pathHash) = try resolve(path)
            return try startFlow(bytes: bytes, prepared: nil, pathLatency: pathLatency, pathHash: pathHash,
                                 target: target, arg: arg, latency: latency, in: sim)
        }

        mutating func startFlow(bytes: Double, prepared e: Int, target: UInt32, arg: UInt32,
                                latency: SimDuration?, in sim: Simulation) throws(SimulationError) -> FlowID
        {
            guard id != nil else {
                throw .model("FlowNetwork: attach(id:) or register(in:) before starting flows")
            }
            guard bytes.isFinite, bytes >= 0 else {
                throw .model("FlowNetwork: flow size \(bytes) bytes must be finite and not negative")
            }
            guard e >= 0, e < prepared.entries.count else {
                throw .model("FlowNetwork: unknown prepared path \(e)")
            }
            let p = prepared.entries[e]
            return try startFlow(bytes: bytes, prepared: e, pathLatency: p.latency, pathHash: p.pathHash,
                                 target: target, arg: arg, latency: latency, in: sim)
        }

        /// Starts a flow on prepared path `preparedIndex`, or (nil) on the links in `pathScratch`.
        @inline(__always)
        mutating func startFlow(bytes: Double, prepared preparedIndex: Int?, pathLatency: SimDuration, pathHash: UInt64,
                                target: UInt32, arg: UInt32,
                                latency: SimDuration?, in sim: Simulation) throws(SimulationError) -> FlowID
        {
            let delay = latency ?? pathLatency
            guard delay >= .zero else {
                throw .model("FlowNetwork: flow latency \(delay) must not be negative")
            }
            let now = sim.now.nanoseconds
            let zeroByteNotification = bytes == 0 ? try sim.now.adding(delay, "zero-byte flow notification") : nil

            // Bring statistics and completions up to now before anything changes.
            accountLinks(until: now)
            var changed = try completeDueFlows(now: now, in: sim)

            let slot = allocateSlot()
            let fid = FlowID(index: slot, generation: flows[Int(slot)].generation)
            flowsStarted.increment()
            if let at = zeroByteNotification {
                // Nothing to send: the notification comes after the latency alone.
                try sim.schedule(at: at, target: target, arg: arg)
                flowsCompleted.increment()
                releaseSlot(slot)
            } else {
                let f = Int(slot)
                flows[f].isActive = true
                flows[f].target = target
                flows[f].arg = arg
                flows[f].bytes = bytes
                flows[f].remaining = bytes
                flows[f].anchor = now
                flows[f].rate = 0
                flows[f].finish = .max
                flows[f].latency = delay
                flows[f].pathHash = pathHash
                if let preparedIndex {
                    // The flow's links stay in the prepared-path table: no copy.
                    let p = prepared.entries[preparedIndex]
                    flows[f].pathStart = p.linkStart
                    flows[f].pathCount = p.linkCount
                    flows[f].ownPath = false
                } else {
                    paths[f].append(contentsOf: pathScratch)
                    flows[f].ownPath = true
                    sawOwnPath = true
                }
                active.append(slot)
                markChanged(slot)
                noteChange(preparedIndex.map { Transitions.add(prepared: $0) })
                changed = true
            }
            if changed {
                try recomputeRates(now: now)
                try reschedule(in: sim)
            }
            return fid
        }

        mutating func cancelFlow(_ flow: FlowID, in sim: Simulation) throws(SimulationError) -> Bool {
            guard isActive(flow) else { return false }
            let now = sim.now.nanoseconds
            accountLinks(until: now)
            let changed = try completeDueFlows(now: now, in: sim)
            guard isActive(flow) else {
                // It sent its last byte at this instant and has been notified.
                if changed {
                    try recomputeRates(now: now)
                    try reschedule(in: sim)
                }
                return false
            }
            let slot = flow.index
            if let i = active.firstIndex(of: slot) {
                active.remove(at: i)
                markChanged(slot)
                noteChange(Transitions.remove(at: i))
            }
            releaseSlot(slot)
            flowsCancelled.increment()
            try recomputeRates(now: now)
            try reschedule(in: sim)
            return true
        }

        mutating func handle(_ event: Event, in sim: Simulation) throws(SimulationError) {
            guard let p = pending, p.key == event.key else {
                throw .model("FlowNetwork: unexpected event (arg \(event.arg)) at \(event.simTime)")
            }
            pending = nil
            let now = sim.now.nanoseconds
            accountLinks(until: now)
            if try completeDueFlows(now: now, in: sim) {
                try recomputeRates(now: now)
            }
            try reschedule(in: sim)
        }

        // MARK: Storage

        mutating func allocateSlot() -> UInt32 {
            if let s = freeSlots.popLast() { return s }
            flows.append(FlowState())
            paths.append([])
            completedScratch.append(0)
            assert(flows.count <= Int(UInt32.max), "FlowNetwork: too many concurrent flows")
            return UInt32(truncatingIfNeeded: flows.count - 1)
        }

        /// Frees a slot (the flow must already be out of `active` and the link counts).
        mutating func releaseSlot(_ slot: UInt32) {
            let f = Int(slot)
            flows[f].isActive = false
            flows[f].generation &+= 1
            flows[f].rate = 0
            flows[f].finish = .max
            if flows[f].ownPath {
                paths[f].removeAll(keepingCapacity: true)
                flows[f].ownPath = false
            }
            freeSlots.append(slot)
        }

        // MARK: Completions and the pending event

        /// Notifies and removes every flow whose last byte is sent by `now`, in start order.
        /// Returns true when any flow completed (the rates must then be recomputed).
        mutating func completeDueFlows(now: Int64, in sim: Simulation) throws(SimulationError) -> Bool {
            guard nextFinish <= now else { return false }
            // `completedScratch` has a place per slot: the completed ones are counted, not
            // appended (no generic array calls per event).
            var done = 0
            var kept = 0
            for i in 0..<active.count {
                let slot = active[i]
                if flows[Int(slot)].finish <= now {
                    // Its position once the flows before it that complete are removed.
                    noteChange(Transitions.remove(at: i - done))
                    markChanged(slot)
                    completedScratch[done] = slot
                    done += 1
                } else {
                    active[kept] = slot
                    kept += 1
                }
            }
            while active.count > kept { active.removeLast() }
            nextFinish = .max  // Stale until the caller reschedules.
            for k in 0..<done {
                let slot = completedScratch[k]
                let f = Int(slot)
                let lastByte = SimTime(nanoseconds: Swift.max(flows[f].finish, now))
                let at = try lastByte.adding(flows[f].latency, "flow notification")
                try sim.schedule(at: at, target: flows[f].target, arg: flows[f].arg)
                flowsCompleted.increment()
                bytesCompleted += flows[f].bytes
                releaseSlot(slot)
            }
            return done > 0
        }

        /// Moves the network's pending event to the earliest completion (or removes it).
        mutating func reschedule(in sim: Simulation) throws(SimulationError) {
            var next = Int64.max
            for slot in active {
                let t = flows[Int(slot)].finish
                if t < next { next = t }
            }
            nextFinish = next
            if let p = pending {
                if p.time == next { return }
                sim.cancel(p)
                pending = nil
            }
            guard next != .max, let id else { return }
            pending = try sim.schedule(at: SimTime(nanoseconds: next), target: id, arg: 0)
        }

        /// Whole nanoseconds to send `remaining` bytes at `rate`, rounded up, at least 1. A
        /// value within floating-point noise of an integer (1e-12 of the time the whole flow of
        /// `bytes` takes at this rate) is taken as that integer, so exact cases stay exact.
        @inline(__always)
        static func transferNanoseconds(remaining: Double, bytes: Double, rate: Double)
            throws(SimulationError) -> Int64
        {
            let x = remaining * 1e9 / rate
            guard x < 9.0e18 else {  // Also rejects NaN and infinity.
                throw transferOverflow(remaining: remaining, rate: rate)
            }
            // `x.rounded()` and `x.rounded(.up)` without libm's `round` and `ceil`: x is in
            // [0, 9e18) (remaining >= 0, rate > 0), so `Int64(x)` truncates it exactly, and the
            // fraction `x - Double(t)` is exact (0 once x is past 2^52, where doubles are whole).
            let t = Int64(x)
            let fraction = x - Double(t)
            let nearest = Double(fraction >= 0.5 ? t + 1 : t)
            let tolerance = bytes * 1e9 / rate * 1e-12
            if Swift.abs(x - nearest) <= tolerance { return Swift.max(1, Int64(nearest)) }
            return Swift.max(1, fraction > 0 ? t + 1 : t)
        }

        @inline(never)
        static func transferOverflow(remaining: Double, rate: Double) -> SimulationError {
            .timeOverflow("FlowNetwork: \(remaining) bytes at \(rate) B/s exceed the largest simulated duration")
        }
    }
}
