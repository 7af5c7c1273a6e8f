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
/// before anything can be scheduled into it directly, so they keep their place.
///
/// A bucket is a list of 32-event chunks from one pool (freed chunks are reused last-in first-out,
/// so they are still in cache), and its state is 24 bytes in one flat array: no per-bucket array,
/// no reference counting. When a bucket is reached its chunks are copied into one contiguous
/// buffer, sorted only if an append went back in time, and freed. Push and pop are O(1)
/// amortised; the pool grows geometrically, so steady state allocates nothing.
public struct CycleQueue {
    @usableFromInline static let chunkSize = 32
    @usableFromInline struct Bucket {
        @usableFromInline var head: Int32 = -1
        @usableFromInline var tail: Int32 = -1
        @usableFromInline var count: Int32 = 0
        @usableFromInline var unsorted: Int32 = 0
        @usableFromInline var last: Double = 0
    }
    @usableFromInline var buckets: [Bucket]
    @usableFromInline var pool: [CycleEvent] = []
    @usableFromInline var nextChunk: [Int32] = []
    @usableFromInline var freeChunk: Int32 = -1
    @usableFromInline let mask: Int
    @usableFromInline let inverseWidth: Double
    /// Absolute index of the bucket being drained, and its events (contiguous, sorted).
    @usableFromInline var current: Int = 0
    @usableFromInline var draining: [CycleEvent] = []
    @usableFromInline var position = 0
    /// Events in the ring (not counting `draining`).
    @usableFromInline var inRing = 0
    @usableFromInline var far: [(event: CycleEvent, sequence: UInt64)] = []
    @usableFromInline var farSequence: UInt64 = 0
    var scratch: [CycleEvent] = []
    var counts: [Int] = []
    /// Most events pending at once (sampled when the queue moves to a new bucket).
    public private(set) var peakPending = 0
    /// Events that went through the far heap.
    public private(set) var farEvents = 0

    /// A queue whose buckets are `width` cycles wide (a power of two is exact) and whose window
    /// holds `buckets` of them (rounded up to a power of two, at least 2).
    public init(width: Double, buckets: Int) {
        precondition(width > 0 && buckets > 0, "CycleQueue: width and buckets must be positive")
        var n = 2
        while n < buckets { n <<= 1 }
        mask = n - 1
        inverseWidth = 1 / width
        self.buckets = Array(repeating: Bucket(), count: n)
    }

    /// Events pending.
    public var count: Int { inRing + draining.count - position + far.count }

    @inlinable @inline(__always)
    func bucket(_ time: Double) -> Int { Int(time * inverseWidth) }  // times are never negative

    /// Schedules `e`, which must not be earlier than the last event popped.
    @inlinable
    public mutating func push(_ e: CycleEvent) {
        let b = bucket(e.time)
        if b <= current {
            insertIntoDraining(e)
        } else if b - current <= mask {
            append(e, to: b & mask)
        } else {
            pushFar(e)
        }
    }

    @inlinable @inline(__always)
    mutating func append(_ e: CycleEvent, to slot: Int) {
        inRing &+= 1
        let n = Int(buckets[slot].count)
        let within = n & (Self.chunkSize - 1)
        if within == 0 {
            let chunk = takeChunk()
            if n == 0 { buckets[slot].head = chunk } else { nextChunk[Int(buckets[slot].tail)] = chunk }
            buckets[slot].tail = chunk
        }
        if n > 0, e.time < buckets[slot].last { buckets[slot].unsorted = 1 }
        buckets[slot].last = e.time
        buckets[slot].count = Int32(n &+ 1)
        let at = Int(buckets[slot].tail) &* Self.chunkSize &+ within
        pool.withUnsafeMutableBufferPointer { $0[at] = e }
    }

    @inlinable @inline(__always)
    mutating func takeChunk() -> Int32 {
        if freeChunk >= 0 {
            let c = freeChunk
            freeChunk = nextChunk[Int(c)]
            nextChunk[Int(c)] = -1
            return c
        }
        return growPool()
    }

    @usableFromInline
    mutating func growPool() -> Int32 {
        let chunks = nextChunk.count
        let more = max(64, chunks)
        pool.append(contentsOf: repeatElement(CycleEvent(time: 0, core: 0, arg: 0), count: more * Self.chunkSize))
        nextChunk.append(contentsOf: repeatElement(-1, count: more))
        // Chunks chunks+1 ..< chunks+more go on the free list; `chunks` is returned.
        for c in (chunks + 1)..<(chunks + more) {
            nextChunk[c] = freeChunk
            freeChunk = Int32(c)
        }
        return Int32(chunks)
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
        var slot = 0
        while true {
            if inRing == 0 {
                guard let top = far.first else { return nil }
                current = bucket(top.event.time)
            } else {
                current += 1
            }
            while let top = far.first, bucket(top.event.time) - current <= mask {
                popFar()
                append(top.event, to: bucket(top.event.time) & mask)
            }
            slot = current & mask
            if buckets[slot].count > 0 { break }
        }
        // Move the bucket's chunks into `draining`, freeing them.
        let n = Int(buckets[slot].count)
        var c = buckets[slot].head
        var left = n
        pool.withUnsafeBufferPointer { p in
            while left > 0 {
                let take = min(left, Self.chunkSize)
                let base = Int(c) * Self.chunkSize
                draining.append(contentsOf: p[base..<(base + take)])
                left -= take
                let next = nextChunk[Int(c)]
                nextChunk[Int(c)] = freeChunk
                freeChunk = c
                c = next
            }
        }
        inRing -= n
        let unsorted = buckets[slot].unsorted != 0
        buckets[slot] = Bucket()
        if unsorted { sortDraining() }
        position = 1
        return draining[0]
    }

    /// Stable sort of the bucket by time (it is in scheduling order). Short buckets: insertion
    /// sort. Longer ones: a stable counting sort on the position inside the bucket (one sub-bucket
    /// per 4 events, at most 1,024), which leaves only neighbours out of order, then insertion
    /// sort. Both passes keep events of equal time in scheduling order.
    mutating func sortDraining() {
        let n = draining.count
        if n < 2 { return }
        if n > 16 {
            let parts = min(max(n / 4, 2), 1024)
            if counts.count < parts + 1 { counts = Array(repeating: 0, count: parts + 1) }
            if scratch.count < n { scratch = Array(repeating: CycleEvent(time: 0, core: 0, arg: 0), count: n) }
            let base = Double(current), scale = Double(parts), w = inverseWidth
            draining.withUnsafeMutableBufferPointer { a in
                scratch.withUnsafeMutableBufferPointer { out in
                    counts.withUnsafeMutableBufferPointer { k in
                        for i in 0...parts { k[i] = 0 }
                        @inline(__always) func key(_ e: CycleEvent) -> Int {
                            min(max(Int((e.time * w - base) * scale), 0), parts - 1)
                        }
                        for i in 0..<n { k[key(a[i]) + 1] += 1 }
                        for i in 0..<parts { k[i + 1] += k[i] }
                        for i in 0..<n {
                            let e = a[i], slot = key(e)
                            out[k[slot]] = e
                            k[slot] += 1
                        }
                        a.baseAddress!.update(from: out.baseAddress!, count: n)
                    }
                }
            }
        }
        draining.withUnsafeMutableBufferPointer { a in
            for i in 1..<n {
                let e = a[i]
                var k = i
                while k > 0, a[k - 1].time > e.time {
                    a[k] = a[k - 1]
                    k -= 1
                }
                a[k] = e
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
