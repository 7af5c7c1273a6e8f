/// The records of the jobs a ``ClusterSimulation`` holds now: those that have arrived and not
/// yet finished or been rejected. A record lives in a reusable slot and is reached by its job
/// index (4 bytes per job of the workload), so a long workload keeps only its live jobs' records.
struct JobTable {
    /// Per job index: its slot, or -1 (not arrived yet, or settled and freed).
    private(set) var slotOf: [Int32]
    private var slots: [JobRecord] = []
    private var free: [Int32] = []

    /// A table for `count` jobs, none arrived.
    init(count: Int) { slotOf = Array(repeating: -1, count: count) }

    /// Jobs in the workload.
    var count: Int { slotOf.count }
    /// Whether job `i` has a live record.
    @inline(__always) func isLive(_ i: Int) -> Bool { i >= 0 && i < slotOf.count && slotOf[i] >= 0 }

    @inline(__always) subscript(i: Int) -> JobRecord {
        _read { yield slots[Int(slotOf[i])] }
        _modify { yield &slots[Int(slotOf[i])] }
    }

    /// Gives job `r.index` a live record.
    mutating func insert(_ r: JobRecord) {
        if let s = free.popLast() {
            slots[Int(s)] = r
            slotOf[r.index] = s
        } else {
            slotOf[r.index] = Int32(slots.count)
            slots.append(r)
        }
    }

    /// Frees job `i`'s record.
    mutating func remove(_ i: Int) {
        let s = slotOf[i]
        slotOf[i] = -1
        // Drop what the record holds (spec, segments) now rather than when the slot is reused.
        slots[Int(s)] = JobRecord.empty
        free.append(s)
    }
}
