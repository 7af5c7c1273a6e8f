/// One pending referee event: 16 bytes, no references.
@frozen
public struct CycleEvent: Sendable, Equatable {
    /// Firing time, cycles (real-valued).
    public var time: Double
    /// Grid position `r * columns + c` of the receiving core.
    public var core: UInt32
    /// The event's kind (low 2 bits) and block (the rest).
    public var arg: UInt32

    /// An event from its fields.
    @inlinable public init(time: Double, core: UInt32, arg: UInt32) {
        self.time = time
        self.core = core
        self.arg = arg
    }
}

/// The referee's pending-event set: a calendar of time buckets (a ring covering a window of
/// `buckets x width` cycles) plus a binary heap for events beyond the window.
///
/// Events fire in (time, scheduling order) order, exactly like SimEngine's `EventQueue`: a
/// bucket's events are appended in scheduling order and stably sorted by time when the bucket
/// is reached; events from the far heap move into a bucket as soon as it enters the window,
/// before anything can be scheduled into it directly, so they keep their place. Push and pop are
/// O(1) amortised (plus the sort of each bucket); the buckets keep their capacity, so steady
/// state allocates nothing.
public struct CycleQueue {
    @usableFromInline var ring: [[CycleEvent]]
    @usableFromInline let mask: Int
    @usableFromInline let inverseWidth: Double
    /// Absolute index of the bucket being drained, and that bucket (taken out of the ring).
    @usableFromInline var current: Int = 0
    @usableFromInline var draining: [CycleEvent] = []
    @usableFromInline var position = 0
    /// Events in the ring (not counting `draining`).
    @usableFromInline var inRing = 0
    @usableFromInline var far: [(event: CycleEvent, sequence: UInt64)] = []
    @usableFromInline var farSequence: UInt64 = 0
    var scratch: [CycleEvent] = []
    /// Most events pending at once.
    public private(set) var peakPending = 0
    /// Events that went through the far heap.
    public private(set) var farEvents = 0

    /// A queue whose buckets are `width` cycles wide (a power of two is exact) and whose window
    /// holds `buckets` of them (rounded up to a power of two, at least 2).
    public init(width: Double, buckets: Int) {
        var n = 2
        while n < buckets { n <<= 1 }
        mask = n - 1
        inverseWidth = 1 / width
        ring = Array(repeating: [], count: n)
    }

    /// Events pending.
    public var count: Int { inRing + draining.count - position + far.count }

    @inlinable @inline(__always)
    func bucket(_ time: Double) -> Int { Int((time * inverseWidth).rounded(.down)) }

    /// Schedules `e`, which must not be earlier than the last event popped.
    @inlinable
    public mutating func push(_ e: CycleEvent) {
        let b = bucket(e.time)
        if b <= current {
            insertIntoDraining(e)
        } else if b - current <= mask {
            ring[b & mask].append(e)
            inRing &+= 1
        } else {
            pushFar(e)
        }
    }

    @usableFromInline
    mutating func insertIntoDraining(_ e: CycleEvent) {
        // After every pending event of the bucket with time <= e.time (they were scheduled first).
        if position == draining.count || draining[draining.count - 1].time <= e.time {
            draining.append(e)
            return
        }
        var lo = position, hi = draining.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if draining[mid].time <= e.time { lo = mid + 1 } else { hi = mid }
        }
        draining.insert(e, at: lo)
    }

    /// Removes and returns the earliest event, or nil when none is pending.
    @inlinable
    public mutating func pop() -> CycleEvent? {
        if position < draining.count {
            let e = draining[position]
            position &+= 1
            return e
        }
        return advance()
    }

    @usableFromInline
    mutating func advance() -> CycleEvent? {
        let pending = count
        if pending > peakPending { peakPending = pending }
        draining.removeAll(keepingCapacity: true)
        position = 0
        while true {
            if inRing == 0 {
                guard let top = far.first else { return nil }
                current = bucket(top.event.time)
            } else {
                current += 1
            }
            while let top = far.first, bucket(top.event.time) - current <= mask {
                popFar()
                ring[bucket(top.event.time) & mask].append(top.event)
                inRing += 1
            }
            swap(&draining, &ring[current & mask])
            if !draining.isEmpty { break }
        }
        inRing -= draining.count
        sortDraining()
        position = 1
        return draining[0]
    }

    /// Stable sort of the bucket by time (it is in scheduling order): a check, then insertion
    /// sort for short runs or a merge sort.
    mutating func sortDraining() {
        let n = draining.count
        var sorted = true
        for i in 1..<max(n, 1) where draining[i].time < draining[i - 1].time {
            sorted = false
            break
        }
        if sorted { return }
        if n <= 32 {
            for i in 1..<n {
                let e = draining[i]
                var k = i
                while k > 0, draining[k - 1].time > e.time {
                    draining[k] = draining[k - 1]
                    k -= 1
                }
                draining[k] = e
            }
            return
        }
        if scratch.count < n { scratch = Array(repeating: CycleEvent(time: 0, core: 0, arg: 0), count: n) }
        draining.withUnsafeMutableBufferPointer { a in
            scratch.withUnsafeMutableBufferPointer { s in
                var src = a.baseAddress!, dst = s.baseAddress!
                var width = 1
                var inA = true
                while width < n {
                    var lo = 0
                    while lo < n {
                        let mid = min(lo + width, n), hi = min(lo + 2 * width, n)
                        var i = lo, j = mid, k = lo
                        while i < mid, j < hi {
                            if src[j].time < src[i].time { dst[k] = src[j]; j += 1 } else { dst[k] = src[i]; i += 1 }
                            k += 1
                        }
                        while i < mid { dst[k] = src[i]; i += 1; k += 1 }
                        while j < hi { dst[k] = src[j]; j += 1; k += 1 }
                        lo = hi
                    }
                    swap(&src, &dst)
                    inA.toggle()
                    width *= 2
                }
                if !inA { a.baseAddress!.update(from: src, count: n) }
            }
        }
    }

    // MARK: the far heap, ordered by (time, sequence)

    @usableFromInline
    mutating func pushFar(_ e: CycleEvent) {
        farEvents += 1
        farSequence += 1
        far.append((e, farSequence))
        var i = far.count - 1
        let x = far[i]
        while i > 0 {
            let p = (i - 1) / 2
            if !Self.before(x, far[p]) { break }
            far[i] = far[p]
            i = p
        }
        far[i] = x
    }

    mutating func popFar() {
        let last = far.removeLast()
        if far.isEmpty { return }
        var i = 0
        let n = far.count
        while true {
            var c = 2 * i + 1
            if c >= n { break }
            if c + 1 < n, Self.before(far[c + 1], far[c]) { c += 1 }
            if !Self.before(far[c], last) { break }
            far[i] = far[c]
            i = c
        }
        far[i] = last
    }

    @inline(__always)
    static func before(_ a: (event: CycleEvent, sequence: UInt64), _ b: (event: CycleEvent, sequence: UInt64)) -> Bool {
        a.event.time < b.event.time || (a.event.time == b.event.time && a.sequence < b.sequence)
    }
}
