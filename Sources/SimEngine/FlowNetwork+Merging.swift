// Equivalent links for the rate computation of ``FlowNetwork`` (``FlowNetwork/mergesLinks``):
// links of equal capacity that lie on exactly the same prepared paths carry exactly the same
// flows, so in progressive filling they have the same share at every round; the first of them
// fixes their flows and the rest are then saturated and skipped. One of each such set is enough.

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
    }
}
