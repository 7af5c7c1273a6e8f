import SimEngine

// Equivalent links for the rate computation of ``FlowNetwork`` (``FlowNetwork/mergesLinks``):
// links of equal capacity that lie on exactly the same prepared paths carry exactly the same
// flows, so in progressive filling they have the same share at every round; the first of them
// fixes their flows and the rest are then saturated and skipped. One of each such set is enough.
// Likewise, paths that share no link (even transitively) are independent components of the
// allocation: a change of flows in one leaves the others' rates exactly as they were, so only
// the components where flows started or ended are filled again.

extension FlowNetwork.Core {
    /// Whether this rate computation may use the merged paths: merging is on, nothing else
    /// reads per-link loads (no statistics, no caches), and every flow ever started ran on a
    /// prepared path (a flow with its own link list could cross part of a merged set).
    var useMergedLinks: Bool { mergesLinks && !statisticsEnabled && !cachingEnabled && !sawOwnPath }

    /// Recomputes ``merged`` and ``mergedCount`` for the paths prepared so far: per prepared
    /// path, at its own start position, the links that stand for their sets, in path order.
    mutating func computeMergedLinks() {
        let pl = prepared.links
        var members: [UInt32: [Int32]] = [:]
        for (e, entry) in prepared.entries.enumerated() {
            for k in Int(entry.linkStart)..<Int(entry.linkStart + entry.linkCount) {
                members[pl[k], default: []].append(Int32(truncatingIfNeeded: e))
            }
        }
        struct SetKey: Hashable {
            let paths: [Int32]
            let capacity: UInt64
        }
        var standIn: [SetKey: UInt32] = [:]
        var standsFor: [UInt32: UInt32] = [:]
        for entry in prepared.entries {
            for k in Int(entry.linkStart)..<Int(entry.linkStart + entry.linkCount) {
                let l = pl[k]
                if standsFor[l] != nil { continue }
                let key = SetKey(paths: members[l] ?? [], capacity: links[Int(l)].capacity.bitPattern)
                if let r = standIn[key] {
                    standsFor[l] = r
                } else {
                    standIn[key] = l
                    standsFor[l] = l
                }
            }
        }
        merged = pl
        mergedCount = [Int32](repeating: 0, count: pl.count)
        for entry in prepared.entries {
            let start = Int(entry.linkStart)
            var n = 0
            for k in start..<(start + Int(entry.linkCount)) where standsFor[pl[k]] == pl[k] {
                merged[start + n] = pl[k]
                n += 1
            }
            mergedCount[start] = Int32(truncatingIfNeeded: n)
        }
        mergedEntries = prepared.entries.count
        // Components: union-find over links, each path uniting its links.
        var parent: [UInt32: UInt32] = [:]
        func find(_ x: UInt32) -> UInt32 {
            var r = x
            while let p = parent[r], p != r { r = p }
            var y = x
            while let p = parent[y], p != r { parent[y] = r; y = p }
            return r
        }
        for entry in prepared.entries {
            let start = Int(entry.linkStart)
            guard entry.linkCount > 0 else { continue }
            let first = pl[start]
            if parent[first] == nil { parent[first] = first }
            for k in (start + 1)..<(start + Int(entry.linkCount)) {
                let l = pl[k]
                if parent[l] == nil { parent[l] = l }
                let a = find(first), b = find(l)
                if a != b { parent[b] = a }
            }
        }
        var ids: [UInt32: Int32] = [:]
        componentOfStart = [Int32](repeating: 0, count: pl.count)
        for entry in prepared.entries where entry.linkCount > 0 {
            let root = find(pl[Int(entry.linkStart)])
            if ids[root] == nil { ids[root] = Int32(truncatingIfNeeded: ids.count) }
            componentOfStart[Int(entry.linkStart)] = ids[root]!
        }
        dirtyComponent = [Bool](repeating: true, count: max(1, ids.count))
        allDirty = true
    }

    /// Notes that flow `slot` started or ended: its component must be filled again (all of them
    /// when merging is off or the components are out of date).
    @inline(__always)
    mutating func markChanged(_ slot: UInt32) {
        guard mergesLinks else { return }
        let f = flows[Int(slot)]
        if f.ownPath || mergedEntries != prepared.entries.count {
            allDirty = true
        } else {
            dirtyComponent[Int(componentOfStart[Int(f.pathStart)])] = true
        }
    }
}
