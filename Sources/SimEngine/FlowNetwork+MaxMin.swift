// The max-min fair rate computation of ``FlowNetwork`` and its bookkeeping: progressive
// filling, completion times, the one pending event, link statistics and the state signature.

/// A link's configuration and traffic statistics at a given time (see
/// ``FlowNetwork/statistics(of:at:)``).
public struct LinkStatistics: Sendable, Equatable {
    /// The name the link was added with.
    public var name: String
    /// Capacity in bytes per second.
    public var bytesPerSecond: Double
    /// The link's latency.
    public var latency: SimDuration
    /// Flows crossing the link now.
    public var activeFlows: Int
    /// Sum of the rates of those flows now, in bytes per second.
    public var load: Double
    /// Bytes carried so far (each flow's rate integrated over time).
    public var busyBytes: Double
    /// Time during which at least one flow crossed the link.
    public var busyTime: SimDuration
    /// The used fraction of capacity (load / capacity) as a piecewise-constant signal from
    /// time zero.
    public var usedFraction: TimeWeightedAverage
    /// The time these statistics describe.
    public var time: SimTime

    /// The time-weighted average of the used fraction over [0, ``time``].
    public var averageUtilization: Double { usedFraction.average(until: time) }
}

extension FlowNetwork {
    // MARK: Storage

    func allocateSlot() -> UInt32 {
        if let s = freeSlots.popLast() { return s }
        flows.append(FlowState())
        paths.append([])
        assert(flows.count <= Int(UInt32.max), "FlowNetwork: too many concurrent flows")
        return UInt32(truncatingIfNeeded: flows.count - 1)
    }

    /// Frees a slot (the flow must already be out of `active` and the link counts).
    func releaseSlot(_ slot: UInt32) {
        let f = Int(slot)
        flows[f].isActive = false
        flows[f].generation &+= 1
        flows[f].rate = 0
        flows[f].finish = .max
        paths[f].removeAll(keepingCapacity: true)
        freeSlots.append(slot)
    }

    /// Bytes flow `f` still has to send at time `t` at its current rate.
    func remaining(_ f: Int, at t: Int64) -> Double {
        let s = flows[f]
        let sent = s.rate * Double(t &- s.anchor) / 1e9
        return Swift.max(0, s.remaining - sent)
    }

    // MARK: Statistics

    /// Integrates the links' loads up to `now`.
    func accountLinks(until now: Int64) {
        let dt = now &- accountedUntil
        guard dt > 0 else { return }
        let ns = Double(dt)
        for l in loadedLinks {
            let i = Int(l)
            links[i].busyBytes += links[i].load * ns / 1e9
            links[i].busyNanoseconds &+= dt
        }
        accountedUntil = now
    }

    /// A link's statistics at `time` (which should not be earlier than the last change of the
    /// network; the time-weighted signal is then extended to `time`), or nil for an unknown link.
    public func statistics(of link: LinkID, at time: SimTime) -> LinkStatistics? {
        let i = Int(link.index)
        guard i < links.count else { return nil }
        let s = links[i]
        let dt = Swift.max(0, time.nanoseconds &- accountedUntil)
        let busy = s.activeFlows > 0
        return LinkStatistics(
            name: linkNames[i], bytesPerSecond: s.capacity, latency: s.latency,
            activeFlows: Int(s.activeFlows), load: s.load,
            busyBytes: s.busyBytes + (busy ? s.load * Double(dt) / 1e9 : 0),
            busyTime: SimDuration(nanoseconds: s.busyNanoseconds &+ (busy ? dt : 0)),
            usedFraction: s.usedFraction, time: time)
    }

    /// The time-weighted average of a link's used fraction over [0, `time`], or nil for an
    /// unknown link.
    public func utilization(of link: LinkID, until time: SimTime) -> Double? {
        let i = Int(link.index)
        guard i < links.count else { return nil }
        return links[i].usedFraction.average(until: time)
    }

    // MARK: Completions and the pending event

    /// Notifies and removes every flow whose last byte is sent by `now`, in start order.
    /// Returns true when any flow completed (the rates must then be recomputed).
    func completeDueFlows(now: Int64, in sim: Simulation) throws(SimulationError) -> Bool {
        guard nextFinish <= now else { return false }
        completedScratch.removeAll(keepingCapacity: true)
        var kept = 0
        for i in 0..<active.count {
            let slot = active[i]
            if flows[Int(slot)].finish <= now {
                completedScratch.append(slot)
            } else {
                active[kept] = slot
                kept += 1
            }
        }
        active.removeLast(active.count - kept)
        nextFinish = .max  // Stale until the caller reschedules.
        for slot in completedScratch {
            let f = Int(slot)
            for l in paths[f] { links[Int(l)].activeFlows -= 1 }
            let lastByte = SimTime(nanoseconds: Swift.max(flows[f].finish, now))
            let at = try lastByte.adding(flows[f].latency, "flow notification")
            try sim.schedule(at: at, target: flows[f].target, arg: flows[f].arg)
            flowsCompleted.increment()
            bytesCompleted += flows[f].bytes
            releaseSlot(slot)
        }
        return !completedScratch.isEmpty
    }

    /// Moves the network's pending event to the earliest completion (or removes it).
    func reschedule(in sim: Simulation) throws(SimulationError) {
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

    /// Whole nanoseconds to send `remaining` bytes at `rate`, rounded up, at least 1. A value
    /// within floating-point noise of an integer (1e-12 of the time the whole flow of `bytes`
    /// takes at this rate) is taken as that integer, so exact cases stay exact.
    static func transferNanoseconds(remaining: Double, bytes: Double, rate: Double)
        throws(SimulationError) -> Int64
    {
        let x = remaining * 1e9 / rate
        guard x < 9.0e18 else {  // Also rejects NaN and infinity.
            throw .timeOverflow("FlowNetwork: \(remaining) bytes at \(rate) B/s exceed the largest simulated duration")
        }
        let nearest = x.rounded()
        let tolerance = bytes * 1e9 / rate * 1e-12
        let ns = Swift.abs(x - nearest) <= tolerance ? nearest : x.rounded(.up)
        return Swift.max(1, Int64(ns))
    }

    // MARK: Max-min fair rates (progressive filling)

    /// Recomputes every active flow's max-min fair rate, then the completion times of the flows
    /// whose rate changed, and the links' loads and used-fraction signals.
    ///
    /// Progressive filling (Bertsekas and Gallager, *Data Networks*, section 6.5.2): with every
    /// flow unfixed, find the link whose remaining capacity divided by its unfixed flows (its
    /// fair share) is smallest; fix each unfixed flow crossing it at that share, and subtract the
    /// share from every link those flows cross. Repeat until all flows are fixed. Each round
    /// fixes at least one flow; a round costs O(links in use), fixing costs O(path length), so a
    /// computation is O(B x L + sum of path lengths) for B bottleneck rounds and L loaded links.
    /// Ties go to the link seen first, in flow start order: deterministic.
    func recomputeRates(now: Int64) throws(SimulationError) {
        // 1. The links in use, in first-seen order, with the flows crossing each (a CSR table).
        stamp &+= 1
        touched.removeAll(keepingCapacity: true)
        for slot in active {
            for l in paths[Int(slot)] where links[Int(l)].stamp != stamp {
                links[Int(l)].stamp = stamp
                touched.append(l)
            }
        }
        var total: Int32 = 0
        for l in touched {
            let i = Int(l)
            let n = links[i].activeFlows
            assert(n > 0, "FlowNetwork: link in use without flows")
            links[i].offset = total
            links[i].fill = total
            links[i].unfixed = n
            links[i].remaining = links[i].capacity
            links[i].newLoad = 0
            total += n
        }
        if adjacency.count < Int(total) {
            adjacency.append(contentsOf: repeatElement(0, count: Int(total) - adjacency.count))
        }
        for slot in active {
            flows[Int(slot)].newRate = -1
            for l in paths[Int(slot)] {
                let i = Int(l)
                adjacency[Int(links[i].fill)] = slot
                links[i].fill += 1
            }
        }

        // 2. Progressive filling.
        candidates.removeAll(keepingCapacity: true)
        candidates.append(contentsOf: touched)
        var unfixedFlows = active.count
        while unfixedFlows > 0 {
            // Find the bottleneck; drop saturated links from the candidates (stable order).
            var best = -1
            var bestShare = Double.infinity
            var kept = 0
            for k in 0..<candidates.count {
                let l = candidates[k]
                let u = links[Int(l)].unfixed
                if u == 0 { continue }
                candidates[kept] = l
                kept += 1
                let share = Swift.max(0, links[Int(l)].remaining) / Double(u)
                if share < bestShare {
                    bestShare = share
                    best = Int(l)
                }
            }
            candidates.removeLast(candidates.count - kept)
            guard best >= 0 else {
                throw .model("FlowNetwork: internal error: \(unfixedFlows) flows cross no link")
            }
            let lo = Int(links[best].offset)
            let hi = lo + Int(links[best].activeFlows)
            for k in lo..<hi {
                let slot = Int(adjacency[k])
                if flows[slot].newRate >= 0 { continue }
                flows[slot].newRate = bestShare
                unfixedFlows -= 1
                for m in paths[slot] {
                    let j = Int(m)
                    links[j].remaining -= bestShare
                    links[j].unfixed -= 1
                    links[j].newLoad += bestShare
                }
            }
        }

        // 3. New completion times, only for flows whose rate changed (bit for bit), so that an
        //    unaffected flow keeps its completion time exactly.
        for slot in active {
            let f = Int(slot)
            let r = flows[f].newRate
            if r == flows[f].rate { continue }
            guard r > 0 else {
                throw .model("FlowNetwork: internal error: \(FlowID(index: slot, generation: flows[f].generation)) got rate \(r)")
            }
            let left = remaining(f, at: now)
            let ns = try Self.transferNanoseconds(remaining: left, bytes: flows[f].bytes, rate: r)
            let (finish, overflow) = now.addingReportingOverflow(ns)
            if overflow {
                throw .timeOverflow("FlowNetwork: flow completion at \(SimTime(nanoseconds: now)) + \(ns) ns")
            }
            flows[f].remaining = left
            flows[f].anchor = now
            flows[f].rate = r
            flows[f].finish = finish
        }

        // 4. Link loads and used-fraction signals; links no longer in use drop to zero.
        let time = SimTime(nanoseconds: now)
        for l in loadedLinks where links[Int(l)].stamp != stamp {
            links[Int(l)].load = 0
            links[Int(l)].usedFraction.record(0, at: time)
        }
        for l in touched {
            let i = Int(l)
            let load = links[i].newLoad
            if load == links[i].load { continue }
            links[i].load = load
            links[i].usedFraction.record(Swift.min(1, load / links[i].capacity), at: time)
        }
        swap(&loadedLinks, &touched)
    }

    // MARK: Steady-state signature

    /// A description of the sharing state: for each transferring flow, in start order, the bit
    /// pattern of its rate, the number of its links and their indices (flow identities, sizes
    /// and targets are left out). Two equal signatures mean the same link sets at bit-identical
    /// rates, which lets a model detect a steady state. Allocates; see ``stateHash`` for a
    /// cheap check.
    public var stateSignature: [UInt64] {
        var s: [UInt64] = [UInt64(active.count)]
        for slot in active {
            s.append(flows[Int(slot)].rate.bitPattern)
            s.append(UInt64(paths[Int(slot)].count))
            for l in paths[Int(slot)] { s.append(UInt64(l)) }
        }
        return s
    }

    /// A 64-bit hash of ``stateSignature``, computed without allocating and stable across runs
    /// and processes (unlike `Hasher`, which is seeded per process). Equal states give equal
    /// hashes; compare the signatures to rule out a collision.
    public var stateHash: UInt64 {
        var h: UInt64 = 0x243f_6a88_85a3_08d3
        @inline(__always) func mix(_ w: UInt64) {
            var x = h ^ w
            h = splitmix64(&x)
        }
        mix(UInt64(active.count))
        for slot in active {
            mix(flows[Int(slot)].rate.bitPattern)
            mix(UInt64(paths[Int(slot)].count))
            for l in paths[Int(slot)] { mix(UInt64(l)) }
        }
        return h
    }

    // MARK: Checks

    /// Checks the allocation (for tests and debugging): no link carries more than its capacity,
    /// every flow has a positive rate and a bottleneck (a saturated link on which no flow is
    /// faster), and the link flow counts match. Returns a description of the first violation,
    /// or nil. Allocates; not for hot paths.
    public func checkInvariants(relativeTolerance tol: Double = 1e-9) -> String? {
        var sum = [Double](repeating: 0, count: links.count)
        var fastest = [Double](repeating: 0, count: links.count)
        var count = [Int32](repeating: 0, count: links.count)
        for slot in active {
            let f = flows[Int(slot)]
            guard f.isActive, f.rate > 0 else { return "flow slot \(slot) is inactive or has rate \(f.rate)" }
            for l in paths[Int(slot)] {
                sum[Int(l)] += f.rate
                fastest[Int(l)] = Swift.max(fastest[Int(l)], f.rate)
                count[Int(l)] += 1
            }
        }
        for i in links.indices {
            if count[i] != links[i].activeFlows {
                return "link \(linkNames[i]) counts \(links[i].activeFlows) flows, \(count[i]) cross it"
            }
            if sum[i] > links[i].capacity * (1 + tol) {
                return "link \(linkNames[i]) carries \(sum[i]) B/s over capacity \(links[i].capacity)"
            }
        }
        for slot in active {
            let r = flows[Int(slot)].rate
            let bottlenecked = paths[Int(slot)].contains { l in
                let i = Int(l)
                return sum[i] >= links[i].capacity * (1 - tol) && r >= fastest[i] * (1 - tol)
            }
            if !bottlenecked { return "flow slot \(slot) at \(r) B/s has no bottleneck link" }
        }
        return nil
    }
}
