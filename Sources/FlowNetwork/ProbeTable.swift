import SimEngine

/// The index of a cache whose entries live in the caller's own arrays: open addressing with
/// linear probing over a power-of-two table whose slots hold entry index + 1 (0: empty). It never
/// grows: it is allocated on first insert with room for twice the caller's entry limit (so
/// probes stay short), and emptied with the cache, keeping its capacity. The flow network's rate
/// memo, prepared paths and transition cache use it; each keeps its own entries and says what
/// "the same entry" means.
struct ProbeTable {
    private var slots: [Int32] = []
    private let slotCount: Int

    /// A table for at most `maxEntries` entries (allocated on first insert).
    init(maxEntries: Int) {
        var n = 1
        while n < 2 * maxEntries { n <<= 1 }
        slotCount = n
    }

    /// The first entry filed under `key` for which `matches` holds, or nil.
    @inline(__always)
    func first(_ key: UInt64, where matches: (Int) -> Bool) -> Int? {
        guard !slots.isEmpty else { return nil }
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: key) & mask
        while true {
            let t = Int(slots[i])
            if t == 0 { return nil }
            if matches(t - 1) { return t - 1 }
            i = (i + 1) & mask
        }
    }

    /// Files `entry` under `key` (the caller keeps at most `maxEntries`).
    @inline(__always)
    mutating func insert(_ key: UInt64, entry: Int) {
        if slots.isEmpty { slots = Array(repeating: 0, count: slotCount) }
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: key) & mask
        while slots[i] != 0 { i = (i + 1) & mask }
        slots[i] = Int32(truncatingIfNeeded: entry + 1)
    }

    /// Forgets every entry (keeping capacity).
    mutating func removeAll() {
        for i in slots.indices { slots[i] = 0 }
    }
}
