/// The pending-event set: a calendar queue (Brown, "Calendar queues: a fast O(1) priority queue
/// implementation for the simulation event set problem", CACM 31(10), 1988) of ``Event``
/// values, ordered by (time, priority, sequence).
///
/// Time is cut into buckets of 2^`shift` nanoseconds; an event lives in bucket
/// `(time >> shift) & mask`, in an unsorted array that belongs to the bucket. An insertion
/// appends (O(1), no comparison). `pop` scans from the bucket of the last event popped ("the
/// current day") to the first bucket holding an event of the current year, takes the least
/// (time, key) among that bucket's events of the current year (a branch-free pass over a few
/// contiguous events) and fills the hole with the bucket's last event; after a whole empty year
/// it searches every event directly. The arrays are kept (emptied) and grow geometrically, so
/// steady-state operation allocates nothing.
///
/// The number of buckets doubles when the queue holds more than two events per bucket and
/// halves below one per two, and the bucket width is then re-estimated from the earliest events
/// (three times their mean separation, as Brown recommends, rounded to a power of two). Between
/// resizes a feedback check keeps the width honest: when pops scan many empty buckets the width
/// doubles; when they examine many events per bucket it halves. Both checks run once per window
/// of at least as many operations as there are buckets, so their cost is O(1) amortised per
/// event.
///
/// Complexity: `push` and `pop` O(1) expected; `cancel` O(1) (lazy: the event is marked and
/// discarded when it reaches the front). `popDeferred` and `settle()` are kept for the run loop:
/// a pop here is complete at once, so `settle()` does nothing.
public struct EventQueue: ~Copyable {
    @usableFromInline static let minBuckets = 16
    /// Room a bucket's array gets when it first receives an event.
    @usableFromInline static let firstCapacity: Int32 = 4

    /// One bucket: its events, unsorted, in storage it owns (nil until first used).
    @frozen @usableFromInline struct Bucket {
        @usableFromInline var events: UnsafeMutablePointer<Event>?
        @usableFromInline var count: Int32
        @usableFromInline var capacity: Int32
        @inlinable init() {
            events = nil
            count = 0
            capacity = 0
        }
    }

    @usableFromInline var buckets: UnsafeMutablePointer<Bucket>
    @usableFromInline var mask: Int
    /// Bucket width is 2^shift nanoseconds.
    @usableFromInline var shift: Int64 = 0
    /// The virtual bucket (time >> shift) of the scan position; no event lies before it.
    @usableFromInline var current: Int64 = 0
    /// Events in the buckets (cancelled ones included).
    @usableFromInline var stored = 0
    /// Keys of cancelled events still in the buckets.
    @usableFromInline var cancelled: Set<UInt64> = []
    /// Feedback on the width: operations, empty buckets scanned and events examined beyond
    /// the one taken, since the last check.
    @usableFromInline var ops = 0
    @usableFromInline var scanned = 0
    @usableFromInline var walked = 0

    /// An empty queue. (`n` is accepted for the API; bucket arrays grow on demand.)
    public init(reservingCapacity n: Int = 0) {
        buckets = .allocate(capacity: Self.minBuckets)
        buckets.initialize(repeating: Bucket(), count: Self.minBuckets)
        mask = Self.minBuckets - 1
    }

    deinit {
        Self.release(buckets, count: mask + 1)
    }

    /// Frees a bucket table and every bucket's array.
    @usableFromInline static func release(_ table: UnsafeMutablePointer<Bucket>, count: Int) {
        for b in 0..<count { table[b].events?.deallocate() }
        table.deallocate()
    }

    /// Events still to fire (cancelled ones excluded).
    @inlinable public var count: Int { stored - cancelled.count }
    /// True when nothing is pending.
    @inlinable public var isEmpty: Bool { count == 0 }

    // MARK: Insertion

    /// Inserts an event.
    @inlinable @inline(__always)
    public mutating func push(_ e: Event) {
        let v = e.time >> shift
        if v < current { current = v }
        append(e, to: Int(truncatingIfNeeded: v) & mask)
        stored &+= 1
        if stored > 2 &* (mask &+ 1) { resize(buckets: 2 &* (mask &+ 1)) }
    }

    /// Appends `e` to bucket `b`'s array.
    @inlinable @inline(__always)
    mutating func append(_ e: Event, to b: Int) {
        let bk = buckets
        let c = bk[b].count
        if c == bk[b].capacity { grow(b) }
        bk[b].events.unsafelyUnwrapped[Int(c)] = e
        bk[b].count = c &+ 1
    }

    /// Doubles bucket `b`'s array (or gives it its first one).
    @usableFromInline @inline(never)
    mutating func grow(_ b: Int) {
        let old = buckets[b]
        let capacity = old.capacity == 0 ? Self.firstCapacity : old.capacity * 2
        let bigger = UnsafeMutablePointer<Event>.allocate(capacity: Int(capacity))
        if let events = old.events {
            bigger.moveInitialize(from: events, count: Int(old.count))
            events.deallocate()
        }
        buckets[b].events = bigger
        buckets[b].capacity = capacity
    }

    // MARK: Removal

    /// Finds the earliest event (cancelled or not): its bucket and its index in the bucket's
    /// array, moving the scan position to it. The queue must not be empty.
    @inlinable @inline(__always)
    mutating func locateMinimum() -> (bucket: Int, index: Int) {
        let start = current
        let s = shift
        let m = mask
        let bk = buckets
        var v = start
        var steps = 0
        while steps <= m {
            let b = Int(truncatingIfNeeded: v) & m
            let c = Int(bk[b].count)
            if c != 0 {
                let ev = bk[b].events.unsafelyUnwrapped
                // The least (time, key) among this bucket's events of the current year; events
                // of later years get the largest key and lose every comparison.
                var best = -1
                var bestKey = UInt128.max
                for i in 0..<c {
                    let t = ev[i].time
                    let k = (UInt128(UInt64(bitPattern: t)) << 64 | UInt128(ev[i].key))
                    if t >> s == v && k < bestKey {
                        bestKey = k
                        best = i
                    }
                }
                if best >= 0 {
                    current = v
                    scanned &+= steps
                    walked &+= c &- 1
                    return (b, best)
                }
            }
            v &+= 1
            steps &+= 1
        }
        return searchAll()
    }

    /// After a whole empty year: the earliest event, by a direct search.
    @usableFromInline @inline(never)
    mutating func searchAll() -> (bucket: Int, index: Int) {
        var best = (bucket: -1, index: -1)
        var bestEvent: Event?
        for b in 0...mask {
            let bucket = buckets[b]
            for i in 0..<Int(bucket.count) {
                let e = bucket.events.unsafelyUnwrapped[i]
                if bestEvent == nil || Event.precedes(e, bestEvent!) {
                    bestEvent = e
                    best = (b, i)
                }
            }
        }
        current = bestEvent!.time >> shift
        scanned &+= mask &+ 1
        return best
    }

    /// Removes the event at `index` of bucket `b` (the bucket's last event fills the hole),
    /// returning it.
    @inlinable @inline(__always)
    mutating func take(_ b: Int, _ index: Int) -> Event {
        let bk = buckets
        let ev = bk[b].events.unsafelyUnwrapped
        let last = Int(bk[b].count) &- 1
        let e = ev[index]
        ev[index] = ev[last]
        bk[b].count = Int32(truncatingIfNeeded: last)
        stored &-= 1
        ops &+= 1
        if ops > mask &+ 64 { checkWidth() }
        return e
    }

    /// Removes and returns the earliest live event. Returns nil when empty.
    @inlinable @inline(__always)
    public mutating func pop() -> Event? {
        while stored > 0 {
            let (b, i) = locateMinimum()
            let e = take(b, i)
            if !cancelled.isEmpty, cancelled.remove(e.key) != nil { continue }
            return e
        }
        return nil
    }

    /// Removes and returns the earliest live event (the run loop's entry point; the removal is
    /// complete at once, so ``settle()`` has nothing to do). Returns nil when empty.
    @inlinable @inline(__always)
    public mutating func popDeferred() -> Event? { pop() }

    /// Completes a deferred pop (a no-op for this queue, kept for the run loop's protocol).
    @inlinable
    public mutating func settle() {}

    /// The earliest live event without removing it.
    @inlinable
    public mutating func peek() -> Event? {
        while stored > 0 {
            let (b, i) = locateMinimum()
            let e = buckets[b].events.unsafelyUnwrapped[i]
            if !cancelled.isEmpty, cancelled.contains(e.key) {
                _ = take(b, i)
                cancelled.remove(e.key)
                continue
            }
            return e
        }
        return nil
    }

    /// Marks a pending event as cancelled. The caller must only cancel events that have not
    /// fired yet (debug builds check this).
    public mutating func cancel(_ handle: EventHandle) {
        assert(contains(key: handle.key, time: handle.time), "cancel: event \(handle) is not pending")
        cancelled.insert(handle.key)
    }

    func contains(key: UInt64, time: Int64) -> Bool {
        if cancelled.contains(key) { return false }
        let bucket = buckets[Int(truncatingIfNeeded: time >> shift) & mask]
        for i in 0..<Int(bucket.count) {
            let e = bucket.events.unsafelyUnwrapped[i]
            if e.key == key && e.time == time { return true }
        }
        return false
    }

    /// Removes every event.
    public mutating func removeAll() {
        Self.release(buckets, count: mask + 1)
        buckets = .allocate(capacity: Self.minBuckets)
        buckets.initialize(repeating: Bucket(), count: Self.minBuckets)
        mask = Self.minBuckets - 1
        shift = 0
        current = 0
        stored = 0
        cancelled.removeAll()
        ops = 0; scanned = 0; walked = 0
    }

    // MARK: Width and size

    /// Once per window of operations: doubles the width when pops scanned more than four empty
    /// buckets each on average, halves it when pops examined more than four other events each,
    /// and shrinks the calendar when it holds fewer than one event per two buckets.
    @usableFromInline @inline(never)
    mutating func checkWidth() {
        let window = ops
        let s = scanned, w = walked
        ops = 0; scanned = 0; walked = 0
        let size = mask + 1
        if stored < size / 2 && size > Self.minBuckets {
            resize(buckets: size / 2)
        } else if s > 4 * window && shift < 62 {
            rebuild(buckets: size, shift: shift + 1)
        } else if w > 4 * window && shift > 0 {
            rebuild(buckets: size, shift: shift - 1)
        }
    }

    /// Changes the number of buckets and re-estimates the width from the earliest events:
    /// three times their mean separation (gaps over twice the mean left out), as a power of two.
    @usableFromInline @inline(never)
    mutating func resize(buckets size: Int) {
        // The (up to) 64 earliest times, by a bounded insertion into a sorted array.
        let m = 64
        var earliest: [Int64] = []
        earliest.reserveCapacity(m)
        for b in 0...mask {
            let bucket = buckets[b]
            for i in 0..<Int(bucket.count) {
                let t = bucket.events.unsafelyUnwrapped[i].time
                if earliest.count == m, t >= earliest[m - 1] { continue }
                var k = earliest.count
                if k == m { earliest.removeLast(); k -= 1 }
                while k > 0 && earliest[k - 1] > t { k -= 1 }
                earliest.insert(t, at: k)
            }
        }
        var newShift = shift
        if earliest.count >= 2 {
            let span = Double(earliest[earliest.count - 1] - earliest[0])
            let mean = span / Double(earliest.count - 1)
            var sum = 0.0, c = 0
            for k in 1..<earliest.count {
                let g = Double(earliest[k] - earliest[k - 1])
                if g <= 2 * mean { sum += g; c += 1 }
            }
            let gap = c > 0 ? sum / Double(c) : mean
            let width = 3 * gap
            newShift = width < 2 ? 0 : Int64(Swift.min(62, 63 - UInt64(width).leadingZeroBitCount))
        }
        rebuild(buckets: size, shift: newShift)
    }

    /// Redistributes every event into `size` buckets of width 2^`newShift`.
    @usableFromInline @inline(never)
    mutating func rebuild(buckets size: Int, shift newShift: Int64) {
        var all: [Event] = []
        all.reserveCapacity(stored)
        for b in 0...mask {
            let bucket = buckets[b]
            for i in 0..<Int(bucket.count) { all.append(bucket.events.unsafelyUnwrapped[i]) }
            buckets[b].count = 0
        }
        if size != mask + 1 {
            Self.release(buckets, count: mask + 1)
            buckets = .allocate(capacity: size)
            buckets.initialize(repeating: Bucket(), count: size)
            mask = size - 1
        }
        shift = newShift
        current = .max
        for e in all {
            let v = e.time >> shift
            if v < current { current = v }
            append(e, to: Int(truncatingIfNeeded: v) & mask)
        }
        if all.isEmpty { current = 0 }
        ops = 0; scanned = 0; walked = 0
    }

    /// Checks the structure (used by tests and debug builds): every event in its bucket, none
    /// before the scan position, the count right.
    public func checkInvariants() -> Bool {
        var seen = 0
        for b in 0...mask {
            let bucket = buckets[b]
            if bucket.count < 0 || bucket.count > bucket.capacity { return false }
            for i in 0..<Int(bucket.count) {
                let v = bucket.events.unsafelyUnwrapped[i].time >> shift
                if Int(truncatingIfNeeded: v) & mask != b || v < current { return false }
                seen += 1
            }
        }
        return seen == stored
    }
}
