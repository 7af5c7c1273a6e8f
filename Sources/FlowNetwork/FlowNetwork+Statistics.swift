import SimEngine

// The flow network's observation side: link statistics, the steady-state signature and the
// self-checks (the storage and completions are in FlowNetwork+State.swift).

extension FlowNetwork.Core {
    // MARK: Statistics

    /// Copies the loaded classes out of the transition cache's pool into `loadedClasses`
    /// (before anything changes them or the pool).
    mutating func materializeLoaded() {
        guard loadedPoolStart >= 0 else { return }
        let s = Int(loadedPoolStart)
        loadedClasses.removeAll(keepingCapacity: true)
        loadedClasses.append(contentsOf: transitions.loadedPool[s..<(s + Int(loadedPoolCount))])
        loadedPoolStart = -1
    }

    /// Integrates the links' loads up to `now`.
    mutating func accountLinks(until now: Int64) {
        let dt = now &- accountedUntil
        guard dt > 0, statisticsEnabled else { return }
        let ns = Double(dt)
        classes.withUnsafeMutableBufferPointer { cs in
            @inline(__always) func add(_ loaded: UnsafeBufferPointer<UInt32>) {
                for c in loaded {
                    let i = Int(c)
                    cs[i].busyBytes += cs[i].load * ns / 1e9
                    cs[i].busyNanoseconds &+= dt
                }
            }
            if loadedPoolStart >= 0 {
                let s = Int(loadedPoolStart)
                transitions.loadedPool.withUnsafeBufferPointer { lp in
                    add(UnsafeBufferPointer(rebasing: lp[s..<(s + Int(loadedPoolCount))]))
                }
            } else {
                loadedClasses.withUnsafeBufferPointer { add($0) }
            }
        }
        accountedUntil = now
    }

    func statistics(of link: LinkID, at time: SimTime) -> LinkStatistics? {
        let i = Int(link.index)
        guard i < links.count else { return nil }
        let s = classes[Int(linkClass[i])]
        let dt = Swift.max(0, time.nanoseconds &- accountedUntil)
        let activeFlows = activeFlowCount(of: i)
        let busy = activeFlows > 0
        return LinkStatistics(
            name: linkNames[i], bytesPerSecond: links[i].capacity, latency: links[i].latency,
            activeFlows: activeFlows, load: s.load,
            busyBytes: s.busyBytes + (busy ? s.load * Double(dt) / 1e9 : 0),
            busyTime: SimDuration(nanoseconds: s.busyNanoseconds &+ (busy ? dt : 0)),
            usedFraction: s.usedFraction, time: time)
    }

    // MARK: Steady-state signature

    var stateSignature: [UInt64] {
        var s: [UInt64] = [UInt64(active.count)]
        for slot in active {
            s.append(flows[Int(slot)].rate.bitPattern)
            s.append(UInt64(path(Int(slot)).count))
            for l in path(Int(slot)) { s.append(UInt64(l)) }
        }
        return s
    }

    var stateHash: UInt64 {
        var h: UInt64 = 0x243f_6a88_85a3_08d3
        @inline(__always) func mix(_ w: UInt64) {
            var x = h ^ w
            h = splitmix64(&x)
        }
        mix(UInt64(active.count))
        for slot in active {
            mix(flows[Int(slot)].rate.bitPattern)
            mix(UInt64(path(Int(slot)).count))
            for l in path(Int(slot)) { mix(UInt64(l)) }
        }
        return h
    }

    // MARK: Checks

    func checkInvariants(relativeTolerance tol: Double) -> String? {
        var sum = [Double](repeating: 0, count: links.count)
        var fastest = [Double](repeating: 0, count: links.count)
        var count = [Int32](repeating: 0, count: links.count)
        for slot in active {
            let f = flows[Int(slot)]
            guard f.isActive, f.rate > 0 else { return "flow slot \(slot) is inactive or has rate \(f.rate)" }
            for l in path(Int(slot)) {
                sum[Int(l)] += f.rate
                fastest[Int(l)] = Swift.max(fastest[Int(l)], f.rate)
                count[Int(l)] += 1
            }
        }
        for i in links.indices {
            if count[i] > 0 && classes[Int(linkClass[i])].load == 0 {
                return "link \(linkNames[i]) has \(count[i]) flows and no load"
            }
            if sum[i] > links[i].capacity * (1 + tol) {
                return "link \(linkNames[i]) carries \(sum[i]) B/s over capacity \(links[i].capacity)"
            }
        }
        for slot in active {
            let r = flows[Int(slot)].rate
            let bottlenecked = path(Int(slot)).contains { l in
                let i = Int(l)
                return sum[i] >= links[i].capacity * (1 - tol) && r >= fastest[i] * (1 - tol)
            }
            if !bottlenecked { return "flow slot \(slot) at \(r) B/s has no bottleneck link" }
        }
        return nil
    }
}
