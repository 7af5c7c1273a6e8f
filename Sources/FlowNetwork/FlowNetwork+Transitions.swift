import SimEngine

// The transition cache of ``FlowNetwork``: from a remembered sharing state and the changes made
// to the active flows since (flows added by prepared path, flows removed by position), the next
// remembered state and exactly what differs between the two.

extension FlowNetwork {
    /// Transitions between sharing states already seen.
    ///
    /// The rate memo (``RateMemo``) answers "what is the allocation of this set of active flows?"
    /// at the cost of a hash and a comparison of every active flow's links. But a model that
    /// repeats itself also repeats the *changes*: from state A, starting a flow on path P (or
    /// ending the flow at position i) always leads to the same state B. This cache remembers, per
    /// (state A, changes), the state B and the difference between A's and B's allocations: the
    /// flows (by position in start order) whose rate changed, with their new rates, and the links
    /// whose load changed, with their new loads and used fractions (by link class, see
    /// ``FlowNetwork/LinkClass``; the cache is emptied when a class splits).
    ///
    /// It is exact: a state is a memo entry (the active flows' de-duplicated links in start
    /// order, compared link by link when the entry was found or made), a change is either "add a
    /// flow on prepared path p" (the prepared path fixes the de-duplicated links) or "remove the
    /// flow at position i", so (A, changes) fixes B. A's rates and loads are a pure function of
    /// A, so the difference recorded the first time is the difference every time: applying it
    /// leaves every rate, completion time, load and link statistic bit-identical to a fresh
    /// computation. Changes that cannot be named so (a path the prepared-path table had no room
    /// for, more than ``maxOps`` changes at once) take the memo's path instead.
    ///
    /// Storage is a few flat arrays; when it passes its limits it is emptied (keeping capacity)
    /// and starts again, and it is emptied whenever the memo is (entry indices change then).
    struct Transitions {
        struct Entry {
            var key: UInt64
            var from: Int32
            var opStart: Int32
            var opCount: Int32
            /// The memo entry of the state reached.
            var next: Int32
            /// Into `flowPosition` and `flowRate`: flows whose rate changes.
            var flowStart: Int32
            var flowCount: Int32
            /// Into `classIndex`, `classLoad` and `classFraction`: link classes whose load changes.
            var classStart: Int32
            var classCount: Int32
            /// Into `loadedPool`: the link classes carrying load in the state reached.
            var loadedStart: Int32
            var loadedCount: Int32
        }

        /// Changes between two rate computations beyond this many are not cached.
        static let maxOps = 8
        static let maxEntries = 1 << 14
        static let maxPool = 1 << 20

        var entries: [Entry] = []
        var table = ProbeTable(maxEntries: maxEntries)
        var opPool: [UInt32] = []
        var flowPosition: [UInt32] = []
        var flowRate: [Double] = []
        var classIndex: [UInt32] = []
        var classLoad: [Double] = []
        var classFraction: [Double] = []
        var loadedPool: [UInt32] = []
        /// Lookups answered and missed (for tests and profiling).
        var hits = 0
        var misses = 0

        /// Operation codes: a flow added on prepared path `p`, the flow at position `i` removed.
        @inline(__always) static func add(prepared p: Int) -> UInt32 { UInt32(truncatingIfNeeded: p) << 1 | 1 }
        @inline(__always) static func remove(at i: Int) -> UInt32 { UInt32(truncatingIfNeeded: i) << 1 }

        @inline(__always)
        static func key(from: Int32, ops: UnsafeBufferPointer<UInt32>) -> UInt64 {
            var h: UInt64 = 0x6a09_e667_f3bc_c908 ^ UInt64(UInt32(bitPattern: from))
            h = (h ^ UInt64(ops.count)) &* 0xbf58_476d_1ce4_e5b9
            for o in ops {
                h = (h ^ UInt64(o)) &* 0xbf58_476d_1ce4_e5b9
                h ^= h >> 29
            }
            return h
        }

        /// The entry for (`from`, `ops`), compared exactly, or nil.
        mutating func lookup(_ key: UInt64, from: Int32, ops: UnsafeBufferPointer<UInt32>) -> Int? {
            let found = table.first(key) { k in
                let e = entries[k]
                guard e.key == key && e.from == from && Int(e.opCount) == ops.count else { return false }
                var i = Int(e.opStart)
                for o in ops {
                    if opPool[i] != o { return false }
                    i += 1
                }
                return true
            }
            if found == nil { misses += 1 } else { hits += 1 }
            return found
        }

        /// Starts recording a transition: its changes are appended by the caller (``addFlow`` and
        /// ``addLink``), then ``commit`` files it.
        mutating func begin() -> Entry? {
            if entries.count >= Self.maxEntries || flowPosition.count >= Self.maxPool
                || classIndex.count >= Self.maxPool || opPool.count >= Self.maxPool
                || loadedPool.count >= Self.maxPool {
                removeAll()
            }
            return Entry(key: 0, from: -1, opStart: 0, opCount: 0, next: -1,
                         flowStart: Int32(flowPosition.count), flowCount: 0,
                         classStart: Int32(classIndex.count), classCount: 0, loadedStart: 0, loadedCount: 0)
        }

        @inline(__always)
        mutating func addFlow(position: Int, rate: Double) {
            flowPosition.append(UInt32(truncatingIfNeeded: position))
            flowRate.append(rate)
        }

        @inline(__always)
        mutating func addClass(_ c: UInt32, load: Double, fraction: Double) {
            classIndex.append(c)
            classLoad.append(load)
            classFraction.append(fraction)
        }

        /// Files the transition begun with ``begin()`` from `from` by `ops` to memo entry `next`.
        mutating func commit(_ started: Entry, key: UInt64, from: Int32, ops: UnsafeBufferPointer<UInt32>, next: Int32,
                             loaded: [UInt32]) {
            var e = started
            e.key = key
            e.from = from
            e.next = next
            e.opStart = Int32(opPool.count)
            e.opCount = Int32(ops.count)
            opPool.append(contentsOf: ops)
            e.flowCount = Int32(flowPosition.count) - e.flowStart
            e.classCount = Int32(classIndex.count) - e.classStart
            e.loadedStart = Int32(loadedPool.count)
            e.loadedCount = Int32(loaded.count)
            loadedPool.append(contentsOf: loaded)
            entries.append(e)
            table.insert(key, entry: entries.count - 1)
        }

        /// Forgets everything (keeping capacity).
        mutating func removeAll() {
            entries.removeAll(keepingCapacity: true)
            table.removeAll()
            opPool.removeAll(keepingCapacity: true)
            flowPosition.removeAll(keepingCapacity: true)
            flowRate.removeAll(keepingCapacity: true)
            classIndex.removeAll(keepingCapacity: true)
            classLoad.removeAll(keepingCapacity: true)
            classFraction.removeAll(keepingCapacity: true)
            loadedPool.removeAll(keepingCapacity: true)
        }
    }
}

extension FlowNetwork.Core {
    /// Notes a change to the active flows since the last rate computation (for the transition
    /// cache): an operation code of ``FlowNetwork/Transitions``, or nil for a change it cannot
    /// name (the next computation then takes the memo's path).
    @inline(__always)
    mutating func noteChange(_ op: UInt32?) {
        guard let op, opCount < FlowNetwork.Transitions.maxOps else {
            opCount = FlowNetwork.Transitions.maxOps + 1
            return
        }
        ops[opCount] = op
        opCount += 1
    }

    /// Applies a cached transition: the new rates of the flows whose rate changes (and their
    /// completion times), the new loads and used fractions of the links whose load changes, and
    /// the new state's links in use.
    mutating func applyTransition(_ index: Int, now: Int64) throws(SimulationError) {
        let t = transitions.entries[index]
        try active.withUnsafeBufferPointer { (act) throws(SimulationError) in
            try flows.withUnsafeMutableBufferPointer { (fl) throws(SimulationError) in
                try transitions.flowPosition.withUnsafeBufferPointer { (pos) throws(SimulationError) in
                    try transitions.flowRate.withUnsafeBufferPointer { (rates) throws(SimulationError) in
                        let start = Int(t.flowStart)
                        for k in start..<(start + Int(t.flowCount)) {
                            let slot = act[Int(pos[k])]
                            try Self.setRate(rates[k], of: &fl[Int(slot)], slot: slot, now: now)
                        }
                    }
                }
            }
        }
        let time = SimTime(nanoseconds: now)
        classes.withUnsafeMutableBufferPointer { cs in
            transitions.classIndex.withUnsafeBufferPointer { ci in
                transitions.classLoad.withUnsafeBufferPointer { cl in
                    transitions.classFraction.withUnsafeBufferPointer { cf in
                        let start = Int(t.classStart)
                        for k in start..<(start + Int(t.classCount)) {
                            let i = Int(ci[k])
                            cs[i].load = cl[k]
                            cs[i].usedFraction.record(cf[k], at: time)
                        }
                    }
                }
            }
        }
        // The new state's loaded classes, read in place from the pool (see `materializeLoaded`).
        loadedPoolStart = t.loadedStart
        loadedPoolCount = t.loadedCount
        state = t.next
    }

    /// A flow's new rate `r` from `now` on: its bytes left, anchor, rate and completion time.
    @inline(__always)
    static func setRate(_ r: Double, of flow: inout FlowNetwork.FlowState, slot: UInt32, now: Int64) throws(SimulationError) {
        guard r > 0 else {
            throw .model("FlowNetwork: internal error: flow slot \(slot) got rate \(r)")
        }
        // remaining(f, at: now), inlined.
        let sent = flow.rate * Double(now &- flow.anchor) / 1e9
        let left = Swift.max(0, flow.remaining - sent)
        let ns = try transferNanoseconds(remaining: left, bytes: flow.bytes, rate: r)
        let (finish, overflow) = now.addingReportingOverflow(ns)
        if overflow {
            throw .timeOverflow("FlowNetwork: flow completion at \(SimTime(nanoseconds: now)) + \(ns) ns")
        }
        flow.remaining = left
        flow.anchor = now
        flow.rate = r
        flow.finish = finish
    }
}
