import SimEngine

// The rate memo of ``FlowNetwork``: allocations already computed, by sharing state.

extension FlowNetwork {
    /// Max-min allocations already computed, keyed by the sharing state: the active flows'
    /// (de-duplicated) links, in start order. The allocation is a pure function of that state
    /// and the links' capacities (which never change), so a remembered allocation is exactly,
    /// bit for bit, what progressive filling would compute again. A model that repeats itself
    /// (every training step starts, shares and ends the same flows) then pays a hash, a
    /// comparison of the link lists and a copy, instead of the filling.
    ///
    /// Entries are verified link by link before use, so a hash collision only costs a
    /// recomputation. Storage is a few flat arrays reused across entries: nothing is allocated
    /// per lookup, and when the memo passes its size limit it is emptied (keeping capacity) and
    /// starts again, so memory stays bounded.
    struct RateMemo {
        struct Entry {
            var key: UInt64
            var flows: Int32
            /// Into `linkPool`: per flow, its link count and then its links.
            var linkStart: Int32
            var linkEnd: Int32
            /// Into `ratePool`: one rate per flow, in start order.
            var rateStart: Int32
            /// Into `touchedPool` and `loadPool`: the links in use, first-seen order, and loads.
            var touchedStart: Int32
            var touchedCount: Int32
        }

        /// Entries beyond this many, or pools beyond `maxPool` values, empty the memo.
        static let maxEntries = 4096
        static let maxPool = 1 << 20

        var entries: [Entry] = []
        var table = ProbeTable(maxEntries: maxEntries)
        var linkPool: [UInt32] = []
        var ratePool: [Double] = []
        var touchedPool: [UInt32] = []
        var loadPool: [Double] = []
        /// Beside each load, the link's used fraction (`min(1, load / capacity)`).
        var fractionPool: [Double] = []
        /// Lookups answered and missed (for tests and profiling).
        var hits = 0
        var misses = 0
        /// How many times the memo was emptied (its entry indices change then).
        var resets = 0

        /// A 64-bit hash of one flow's links (stable across runs; not `Hasher`). A cheap
        /// multiply-xorshift per link: collisions only cost a recomputation.
        @inline(__always)
        static func hash(of path: [UInt32]) -> UInt64 {
            var h: UInt64 = 0x9e37_79b9_7f4a_7c15 ^ UInt64(path.count)
            for l in path {
                h = (h ^ UInt64(l)) &* 0xbf58_476d_1ce4_e5b9
                h ^= h >> 29
            }
            return h
        }

        /// The sharing state's hash: the active flows' path hashes in start order.
        func key(active: [UInt32], flows: [FlowState]) -> UInt64 {
            var h: UInt64 = 0x243f_6a88_85a3_08d3 ^ UInt64(active.count)
            for slot in active {
                var x = h ^ flows[Int(slot)].pathHash
                h = splitmix64(&x)
            }
            return h
        }

        /// The entry for this exact state (links compared one by one), or nil.
        mutating func lookup(_ key: UInt64, active: [UInt32], flows: [FlowState], preparedLinks: [UInt32],
                             paths: [[UInt32]]) -> Int? {
            let found = table.first(key) { k in
                entries[k].key == key && matches(entries[k], active: active, flows: flows, preparedLinks: preparedLinks, paths: paths)
            }
            if found == nil { misses += 1 } else { hits += 1 }
            return found
        }

        func matches(_ e: Entry, active: [UInt32], flows: [FlowState], preparedLinks: [UInt32],
                     paths: [[UInt32]]) -> Bool {
            guard Int(e.flows) == active.count else { return false }
            var k = Int(e.linkStart)
            for slot in active {
                let p = FlowNetwork.Core.path(Int(slot), flows: flows, preparedLinks: preparedLinks, paths: paths)
                guard linkPool[k] == UInt32(truncatingIfNeeded: p.count) else { return false }
                k += 1
                for l in p {
                    guard linkPool[k] == l else { return false }
                    k += 1
                }
            }
            return k == Int(e.linkEnd)
        }

        /// Copies a remembered allocation into the network: flow rates into `newRate`, the
        /// links in use into `touched` (stamped) with their loads in `newLoad`.
        func restore(_ index: Int, active: [UInt32], flows: inout [FlowState], links: inout [LinkState],
                     touched: inout [UInt32], stamp: UInt64) {
            let e = entries[index]
            // Through buffer pointers: no uniqueness check per element (the indices are the
            // network's own, always in range).
            ratePool.withUnsafeBufferPointer { rates in
                flows.withUnsafeMutableBufferPointer { fl in
                    var r = Int(e.rateStart)
                    for slot in active {
                        fl[Int(slot)].newRate = rates[r]
                        r += 1
                    }
                }
            }
            let start = Int(e.touchedStart)
            let end = start + Int(e.touchedCount)
            touched.replaceSubrange(0..<touched.count, with: touchedPool[start..<end])
            touchedPool.withUnsafeBufferPointer { tp in
                loadPool.withUnsafeBufferPointer { lp in
                    fractionPool.withUnsafeBufferPointer { fp in
                        links.withUnsafeMutableBufferPointer { ls in
                            for k in start..<end {
                                let l = Int(tp[k])
                                ls[l].stamp = stamp
                                ls[l].newLoad = lp[k]
                                ls[l].newFraction = fp[k]
                            }
                        }
                    }
                }
            }
        }

        /// Remembers the allocation just computed for this state.
        mutating func store(_ key: UInt64, active: [UInt32], preparedLinks: [UInt32], paths: [[UInt32]], flows: [FlowState],
                            links: [LinkState], touched: [UInt32]) {
            if entries.count >= Self.maxEntries || linkPool.count >= Self.maxPool || touchedPool.count >= Self.maxPool {
                removeAll()
            }
            let linkStart = linkPool.count
            for slot in active {
                let p = FlowNetwork.Core.path(Int(slot), flows: flows, preparedLinks: preparedLinks, paths: paths)
                linkPool.append(UInt32(truncatingIfNeeded: p.count))
                linkPool.append(contentsOf: p)
            }
            let rateStart = ratePool.count
            for slot in active { ratePool.append(flows[Int(slot)].newRate) }
            let touchedStart = touchedPool.count
            for l in touched {
                touchedPool.append(l)
                loadPool.append(links[Int(l)].newLoad)
                fractionPool.append(links[Int(l)].newFraction)
            }
            entries.append(Entry(key: key, flows: Int32(active.count), linkStart: Int32(linkStart),
                                 linkEnd: Int32(linkPool.count), rateStart: Int32(rateStart),
                                 touchedStart: Int32(touchedStart), touchedCount: Int32(touched.count)))
            table.insert(key, entry: entries.count - 1)
        }

        /// Forgets everything (keeping capacity).
        mutating func removeAll() {
            resets += 1
            entries.removeAll(keepingCapacity: true)
            table.removeAll()
            linkPool.removeAll(keepingCapacity: true)
            ratePool.removeAll(keepingCapacity: true)
            touchedPool.removeAll(keepingCapacity: true)
            loadPool.removeAll(keepingCapacity: true)
            fractionPool.removeAll(keepingCapacity: true)
        }
    }
}

extension FlowNetwork {
    /// Link lists already given to ``FlowNetwork/startFlow(bytes:links:notify:arg:latency:in:)``,
    /// each with its validated, de-duplicated links, their summed latency and the memo's path
    /// hash. A model starts the same few paths over and over; this turns the per-link checks
    /// (and the cache misses on the link table) into a hash and a comparison of the list. At
    /// most ``maxEntries`` lists are kept; later new ones take the ordinary path.
    struct PreparedPaths {
        struct Entry {
            var key: UInt64
            var inputStart: Int32
            var inputCount: Int32
            var linkStart: Int32
            var linkCount: Int32
            var latency: SimDuration
            var pathHash: UInt64
        }

        static let maxEntries = 1024
        static let maxPool = 1 << 20

        var entries: [Entry] = []
        var table = ProbeTable(maxEntries: maxEntries)
        /// The lists as given, and their de-duplicated links.
        var inputs: [UInt32] = []
        var links: [UInt32] = []

        @inline(__always)
        static func hash(of path: [LinkID]) -> UInt64 {
            var h: UInt64 = 0x9e37_79b9_7f4a_7c15 ^ UInt64(path.count)
            for l in path {
                h = (h ^ UInt64(l.index)) &* 0xbf58_476d_1ce4_e5b9
                h ^= h >> 29
            }
            return h
        }

        func lookup(_ key: UInt64, _ path: [LinkID]) -> Int? {
            table.first(key) { k in
                let e = entries[k]
                guard e.key == key && Int(e.inputCount) == path.count else { return false }
                var i = Int(e.inputStart)
                for l in path {
                    if inputs[i] != l.index { return false }
                    i += 1
                }
                return true
            }
        }

        /// Remembers a list; returns its entry, or nil when the table is full.
        @discardableResult
        mutating func insert(_ key: UInt64, _ path: [LinkID], links deduplicated: [UInt32], latency: SimDuration,
                             pathHash: UInt64, force: Bool = false) -> Int? {
            let room = entries.count < Self.maxEntries && inputs.count + path.count <= Self.maxPool
            guard room || force else { return nil }
            let e = Entry(key: key, inputStart: Int32(inputs.count), inputCount: Int32(path.count),
                          linkStart: Int32(links.count), linkCount: Int32(deduplicated.count),
                          latency: latency, pathHash: pathHash)
            for l in path { inputs.append(l.index) }
            links.append(contentsOf: deduplicated)
            entries.append(e)
            // Past the table's size an (explicitly prepared) entry is kept but not findable by
            // its list: its caller names it by index.
            guard room else { return entries.count - 1 }
            table.insert(key, entry: entries.count - 1)
            return entries.count - 1
        }
    }
}
