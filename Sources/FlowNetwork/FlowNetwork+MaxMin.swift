import SimEngine

/// Max-min fair rates by progressive filling (Bertsekas and Gallager, Data Networks, section 6.5;
/// the precedent is SimGrid's LMM solver): the most constrained link fixes the rate of its flows,
/// their share is removed from every link they cross, and so on.
extension FlowNetwork.Core {
    // MARK: Max-min fair rates (progressive filling)

    /// Recomputes every active flow's max-min fair rate, then the completion times of the
    /// flows whose rate changed, and the links' loads and used-fraction signals.
    ///
    /// Progressive filling (Bertsekas and Gallager, *Data Networks*, 2nd ed., chapter 6):
    /// with every flow unfixed, find the link whose remaining capacity divided by its number
    /// of unfixed flows (its fair share) is smallest; fix each unfixed flow crossing it at
    /// that share, and subtract the share from every link those flows cross. Repeat until all
    /// flows are fixed. The candidate links sit in a binary min-heap keyed by (share,
    /// first-seen position). A link's share never decreases as flows are fixed elsewhere, so
    /// its entry is left in place when it changes; an entry found out of date at the top is
    /// put back with the link's current share, and one whose link is saturated is dropped.
    /// An up-to-date entry at the top is therefore the true minimum. Ties go to the link
    /// seen first in flow start order, so the result is deterministic. Cost: O(P + (L + R) log L)
    /// for the P link crossings of the active flows, the L links in use and R heap
    /// re-insertions (at most one per link per bottleneck round, typically few).
    mutating func recomputeRates(now: Int64) throws(SimulationError) {
        // 0. From a known state by changes the transition cache can name: when this transition
        //    was seen before, apply its difference (bit-identical; FlowNetwork+Transitions.swift).
        let from = state
        let named = cachingEnabled && from >= 0 && opCount <= FlowNetwork.Transitions.maxOps
        var transitionKey: UInt64 = 0
        if named {
            let found = ops.withUnsafeBufferPointer { (o) -> Int? in
                let opsDone = UnsafeBufferPointer(rebasing: o[0..<opCount])
                transitionKey = FlowNetwork.Transitions.key(from: from, ops: opsDone)
                return transitions.lookup(transitionKey, from: from, ops: opsDone)
            }
            if let t = found {
                opCount = 0
                try applyTransition(t, now: now)
                return
            }
        }
        let opsDone = opCount
        opCount = 0
        materializeLoaded()

        // 1-2. The allocation: from the memo when this exact sharing state was seen before
        //      (the allocation is a pure function of the active flows' links in start order and
        //      the links' capacities, so a remembered one is bit-identical), else computed.
        let memoResets = memo.resets
        let key = cachingEnabled ? memo.key(active: active, flows: flows) : 0
        if cachingEnabled, let entry = memo.lookup(key, active: active, flows: flows, preparedLinks: prepared.links, paths: paths) {
            stamp &+= 1
            memo.restore(entry, active: active, flows: &flows, links: &links, touched: &touched, stamp: stamp)
            state = Int32(entry)
        } else {
            try progressiveFilling()
            for l in touched {
                let i = Int(l)
                links[i].newFraction = Swift.min(1, links[i].newLoad / links[i].capacity)
            }
            if cachingEnabled {
                memo.store(key, active: active, preparedLinks: prepared.links, paths: paths, flows: flows, links: links, touched: touched)
                state = Int32(memo.entries.count - 1)
            } else {
                state = -1
            }
        }
        if memo.resets != memoResets { transitions.removeAll() }

        // Record the transition: the flows whose rate changes (the same test as step 3 below)
        // and, in step 4, the link classes whose load changes.
        let recording = named && memo.resets == memoResets
        let started = recording ? transitions.begin() : nil
        if started != nil {
            for (position, slot) in active.enumerated() {
                let r = flows[Int(slot)].newRate
                if r != flows[Int(slot)].rate { transitions.addFlow(position: position, rate: r) }
            }
        }

        // 3. New completion times, only for flows whose rate changed (bit for bit), so that
        //    an unaffected flow keeps its completion time exactly.
        //    (Through buffer pointers: one uniqueness check per loop, not one per flow; the
        //    slots are the network's own, always in range.)
        try active.withUnsafeBufferPointer { (act) throws(SimulationError) in
            try flows.withUnsafeMutableBufferPointer { (fl) throws(SimulationError) in
                for slot in act {
                    let f = Int(slot)
                    let r = fl[f].newRate
                    if r == fl[f].rate { continue }
                    try Self.setRate(r, of: &fl[f], slot: slot, now: now)
                }
            }
        }

        // 4. Link loads and used-fraction signals, once per link class (its links have the
        //    same new load; FlowNetwork+LinkClasses.swift); classes no longer in use drop to zero.
        // (Without statistics, nothing else reads the loads unless a transition is being recorded.)
        if !statisticsEnabled && started == nil { return }
        let time = SimTime(nanoseconds: now)
        classStamp &+= 1
        let cstamp = classStamp
        let record = started != nil
        classScratch.removeAll(keepingCapacity: true)
        for l in touched {
            let c = Int(linkClass[Int(l)])
            if classes[c].stamp == cstamp { continue }
            classes[c].stamp = cstamp
            classScratch.append(UInt32(truncatingIfNeeded: c))
            let load = links[Int(l)].newLoad
            if load == classes[c].load { continue }
            let fraction = links[Int(l)].newFraction
            if record { transitions.addClass(UInt32(truncatingIfNeeded: c), load: load, fraction: fraction) }
            classes[c].load = load
            classes[c].usedFraction.record(fraction, at: time)
        }
        for c in loadedClasses where classes[Int(c)].stamp != cstamp {
            if record { transitions.addClass(c, load: 0, fraction: 0) }
            classes[Int(c)].load = 0
            classes[Int(c)].usedFraction.record(0, at: time)
        }
        swap(&loadedClasses, &classScratch)
        if let started {
            ops.withUnsafeBufferPointer { o in
                transitions.commit(started, key: transitionKey, from: from,
                                   ops: UnsafeBufferPointer(rebasing: o[0..<opsDone]), next: state,
                                   loaded: loadedClasses)
            }
        }
    }

    /// Steps 1 and 2 of ``recomputeRates(now:)``: the links in use and progressive filling,
    /// leaving each active flow's rate in `newRate`, each link's load in `newLoad`, and the
    /// links in use, in first-seen order, in `touched` (stamped with the new `stamp`).
    mutating func progressiveFilling() throws(SimulationError) {
        // The arrays are moved out of `self` for the duration (O(1) swaps, put back on every
        // exit) so that the loops run on buffer pointers: no bounds, uniqueness or retain
        // traffic per link crossing. The arithmetic and its order are those of the plain loops.
        let merging = useMergedLinks
        if merging && mergedEntries != prepared.entries.count { computeMergedLinks() }
        // Only the components where flows changed (FlowNetwork+Merging.swift).
        let partial = merging && !allDirty
        // Moved out like the arrays below (no copy), and cleared for the next computation.
        var dirty: [Bool] = []
        swap(&dirty, &dirtyComponent)
        defer {
            if merging {
                for c in dirty.indices { dirty[c] = false }
                allDirty = false
            }
            swap(&dirty, &dirtyComponent)
        }
        let componentOf = componentOfStart
        stamp &+= 1
        let st = stamp
        var linkArray: [FlowNetwork.LinkState] = [], flowArray: [FlowNetwork.FlowState] = []
        var touchedArray: [UInt32] = [], adjacencyArray: [UInt32] = [], heapArray: [FlowNetwork.ShareEntry] = []
        swap(&linkArray, &links); swap(&flowArray, &flows); swap(&touchedArray, &touched)
        swap(&adjacencyArray, &adjacency); swap(&heapArray, &heap)
        defer {
            swap(&linkArray, &links); swap(&flowArray, &flows); swap(&touchedArray, &touched)
            swap(&adjacencyArray, &adjacency); swap(&heapArray, &heap)
        }
        touchedArray.removeAll(keepingCapacity: true)
        heapArray.removeAll(keepingCapacity: true)
        let ownPaths = paths
        let preparedLinks = merging ? merged : prepared.links
        let lengths: [Int32] = merging ? mergedCount : []
        let activeFlows = active

        // 1. The links in use, in first-seen order, with the flows crossing each (CSR).
        var total: Int32 = 0
        linkArray.withUnsafeMutableBufferPointer { lk in
            flowArray.withUnsafeBufferPointer { fl in
                preparedLinks.withUnsafeBufferPointer { pl in lengths.withUnsafeBufferPointer { ml in
                    for slot in activeFlows {
                        if partial && !dirty[Int(componentOf[Int(fl[Int(slot)].pathStart)])] { continue }
                        Self.forEachLink(of: Int(slot), flows: fl, prepared: pl, lengths: merging ? ml : nil, own: ownPaths) { i in
                            if lk[i].stamp != st {
                                lk[i].stamp = st
                                lk[i].activeFlows = 0
                                touchedArray.append(UInt32(truncatingIfNeeded: i))
                            }
                            lk[i].activeFlows += 1
                        }
                    }
                } }
            }
            for (k, l) in touchedArray.enumerated() {
                let i = Int(l)
                let n = lk[i].activeFlows
                assert(n > 0, "FlowNetwork: link in use without flows")
                lk[i].order = UInt32(truncatingIfNeeded: k)
                lk[i].offset = total
                lk[i].fill = total
                lk[i].unfixed = n
                lk[i].remaining = lk[i].capacity
                lk[i].newLoad = 0
                total += n
            }
        }
        if adjacencyArray.count < Int(total) {
            adjacencyArray.append(contentsOf: repeatElement(0, count: Int(total) - adjacencyArray.count))
        }

        // 2. Progressive filling.
        var failed = 0
        linkArray.withUnsafeMutableBufferPointer { lk in
            flowArray.withUnsafeMutableBufferPointer { fl in
                adjacencyArray.withUnsafeMutableBufferPointer { adj in
                    preparedLinks.withUnsafeBufferPointer { pl in lengths.withUnsafeBufferPointer { ml in
                        var unfixedFlows = 0
                        for slot in activeFlows {
                            if partial && !dirty[Int(componentOf[Int(fl[Int(slot)].pathStart)])] {
                                // Untouched component: its rates stand.
                                fl[Int(slot)].newRate = fl[Int(slot)].rate
                                continue
                            }
                            unfixedFlows += 1
                            fl[Int(slot)].newRate = -1
                            Self.forEachLink(of: Int(slot), flows: UnsafeBufferPointer(fl), prepared: pl, lengths: merging ? ml : nil, own: ownPaths) { i in
                                adj[Int(lk[i].fill)] = slot
                                lk[i].fill += 1
                            }
                        }
                        for l in touchedArray {
                            let i = Int(l)
                            Self.push(FlowNetwork.ShareEntry(share: lk[i].capacity / Double(lk[i].unfixed), order: lk[i].order),
                                      into: &heapArray)
                        }
                        while unfixedFlows > 0 {
                            guard let e = Self.pop(&heapArray) else {
                                failed = unfixedFlows
                                return
                            }
                            let b = Int(touchedArray[Int(e.order)])
                            let u = lk[b].unfixed
                            if u == 0 { continue }  // Saturated already.
                            let share = Swift.max(0, lk[b].remaining) / Double(u)
                            if share != e.share {
                                // Stale: fixing other flows changed this link. Shares only grow, so
                                // put it back at its current share rather than pushing every change.
                                Self.push(FlowNetwork.ShareEntry(share: share, order: e.order), into: &heapArray)
                                continue
                            }
                            let lo = Int(lk[b].offset)
                            let hi = lo + Int(lk[b].activeFlows)
                            for k in lo..<hi {
                                let slot = Int(adj[k])
                                if fl[slot].newRate >= 0 { continue }
                                fl[slot].newRate = share
                                unfixedFlows -= 1
                                Self.forEachLink(of: slot, flows: UnsafeBufferPointer(fl), prepared: pl, lengths: merging ? ml : nil, own: ownPaths) { j in
                                    lk[j].remaining -= share
                                    lk[j].unfixed -= 1
                                    lk[j].newLoad += share
                                }
                            }
                        }
                    } }
                }
            }
        }
        if failed > 0 {
            throw .model("FlowNetwork: internal error: \(failed) flows left without a bottleneck")
        }
    }

    /// Calls `body` with each link of flow `f`, in path order.
    @inline(__always)
    static func forEachLink(of f: Int, flows: UnsafeBufferPointer<FlowNetwork.FlowState>, prepared: UnsafeBufferPointer<UInt32>,
                            lengths: UnsafeBufferPointer<Int32>?, own: [[UInt32]], _ body: (Int) -> Void) {
        let s = flows[f]
        if s.ownPath {
            for l in own[f] { body(Int(l)) }
            return
        }
        let start = Int(s.pathStart)
        let count = lengths.map { Int($0[start]) } ?? Int(s.pathCount)
        for k in start..<(start + count) { body(Int(prepared[k])) }
    }

    @inline(__always)
    static func push(_ e: FlowNetwork.ShareEntry, into heap: inout [FlowNetwork.ShareEntry]) {
        heap.append(e)
        heap.withUnsafeMutableBufferPointer { h in
            var i = h.count - 1
            while i > 0 {
                let p = (i - 1) >> 1
                if !FlowNetwork.ShareEntry.precedes(e, h[p]) { break }
                h[i] = h[p]
                i = p
            }
            h[i] = e
        }
    }

    @inline(__always)
    static func pop(_ heap: inout [FlowNetwork.ShareEntry]) -> FlowNetwork.ShareEntry? {
        guard let last = heap.popLast() else { return nil }
        if heap.isEmpty { return last }
        return heap.withUnsafeMutableBufferPointer { h in
            let top = h[0]
            let n = h.count
            var i = 0
            while true {
                var c = 2 * i + 1
                if c >= n { break }
                if c + 1 < n && FlowNetwork.ShareEntry.precedes(h[c + 1], h[c]) { c += 1 }
                if !FlowNetwork.ShareEntry.precedes(h[c], last) { break }
                h[i] = h[c]
                i = c
            }
            h[i] = last
            return top
        }
    }
}
