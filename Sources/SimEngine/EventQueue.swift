import CSimPrefetch

/// The pending-event set: a calendar queue (Brown, "Calendar queues: a fast O(1) priority queue
/// implementation for the simulation event set problem", CACM 31(10), 1988) of ``Event``
/// values, ordered by (time, priority, sequence).
///
/// Time is cut into buckets of 2^`shift` nanoseconds; an event lives in bucket
/// `(time >> shift) & mask`, in an array that belongs to the bucket. An insertion appends (O(1),
/// no comparison, nothing read but the bucket's header). `pop` scans from the bucket of the
/// last event popped ("the current day") to the first bucket holding an event of the current
/// year, takes the least (time, key) among that bucket's events of the current year (a
/// branch-free pass over a few contiguous events) and fills the hole with the bucket's last
/// event; after a whole empty year it searches every event directly. The arrays are kept
/// (emptied) and grow geometrically, so steady-state operation allocates nothing.
///
/// Crowded buckets: events at one instant cannot be separated by any bucket width, and a pass
/// over k of them per pop would make k such events cost O(k^2). So a bucket that holds more than
/// ``heapAbove`` events when a pop reaches it is turned into a binary min-heap in place (O(k));
/// while it is one, pushes into it sift up and pops take its root (O(log k) each), and when it
/// drops to ``heapAbove``/2 events it simply counts as unsorted again (a heap is a valid
/// unsorted array). k events at one instant therefore cost O(k log k), and buckets of the
/// usual few events never pay for the heap. The mode is the sign of the bucket's `room`, so the
/// common push still makes one comparison against its header.
///
/// The number of buckets doubles when the queue holds more than two events per bucket and
/// halves below one per two, and the bucket width is then re-estimated from the earliest events
/// (three times their mean separation, as Brown recommends, rounded to a power of two). Between
/// resizes a feedback check keeps the width honest: when pops scan many empty buckets the width
/// doubles; when they examine many events per bucket it halves (a heap's events at the popped
/// instant do not count: no width separates them). Both checks run once per window of at least
/// as many operations as there are buckets, so their cost is O(1) amortised per event.
///
/// Complexity: `push` and `pop` O(1) expected, O(log k) with k events in one bucket; `cancel`
/// O(1) (lazy: the event is marked and discarded when it reaches the front). `popDeferred` and
/// `settle()` are kept for the run loop: a pop here is complete at once, so `settle()` does
/// nothing.
public struct EventQueue: ~Copyable {
    @usableFromInline static let minBuckets = 16
    /// Room a bucket's array gets when it first receives an event.
    @usableFromInline static let firstCapacity: Int32 = 4
    /// A bucket holding more events than this when a pop reaches it becomes a heap.
    @usableFromInline static let heapAbove: Int32 = 16

    /// One bucket: its events in storage it owns (nil until first used). `room` is the
    /// capacity, positive while the events are unsorted and negated while they form a binary
    /// min-heap by (time, key); 0 before the bucket has storage.
    @frozen @usableFromInline struct Bucket {
        @usableFromInline var events: UnsafeMutablePointer<Event>?
        @usableFromInline var count: Int32
        @usableFromInline var room: Int32
        @inlinable init() {
            events = nil
            count = 0
            room = 0
        }
        @inlinable var capacity: Int32 { room < 0 ? -room : room }
        @inlinable var isHeap: Bool { room < 0 }
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
    /// Feedback on the width: pops, empty buckets scanned and events examined beyond the one
    /// taken, since the last check.
    @usableFromInline var ops = 0
    @usableFromInline var scanned = 0
    @usableFromInline var walked = 0
    /// Work outside the window counters: heap levels moved, events heapified, events moved by
    /// rebuilds, and the window counters of earlier windows. With the window counters it makes
    /// ``work``, which tests use to check complexity without a clock.
    @usableFromInline var otherWork = 0

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

    /// The work done so far: pops, empty buckets scanned, events examined, heap levels moved,
    /// events heapified and events moved by rebuilds. For tests that check complexity by
    /// counting work instead of timing it.
    var work: Int { otherWork + ops + scanned + walked }

    /// (time, key) as one integer: times are never negative, so their bit patterns order like
    /// the values, and one branch-free 128-bit compare is the (time, priority, sequence) order.
    @inlinable @inline(__always)
    static func rank(_ e: Event) -> UInt128 {
        UInt128(UInt64(bitPattern: e.time)) << 64 | UInt128(e.key)
    }

    // MARK: Insertion

    /// Inserts an event.
    @inlinable @inline(__always)
    public mutating func push(_ e: Event) {
        let v = e.time &>> shift
        if v < current { current = v }
        let b = Int(truncatingIfNeeded: v) & mask
        let bk = buckets
        let c = bk[b].count
        if c < bk[b].room {
            bk[b].events.unsafelyUnwrapped[Int(c)] = e
            bk[b].count = c &+ 1
        } else {
            pushSlow(e, into: b)
        }
        stored &+= 1
        if stored > 2 &* (mask &+ 1) { resize(buckets: 2 &* (mask &+ 1)) }
    }

    /// A push into a bucket that is full or a heap: grows the array when full, then appends
    /// (unsorted) or sifts up (heap).
    @usableFromInline @inline(never)
    mutating func pushSlow(_ e: Event, into b: Int) {
        let c = Int(buckets[b].count)
        if c == Int(buckets[b].capacity) { grow(b) }
        let ev = buckets[b].events.unsafelyUnwrapped
        buckets[b].count = Int32(truncatingIfNeeded: c + 1)
        guard buckets[b].isHeap else {
            ev[c] = e
            return
        }
        let r = Self.rank(e)
        var i = c
        while i > 0 {
            let p = (i - 1) >> 1
            if Self.rank(ev[p]) < r { break }
            ev[i] = ev[p]
            i = p
            otherWork &+= 1
        }
        ev[i] = e
    }

    /// Doubles bucket `b`'s array (or gives it its first one), keeping its mode.
    @usableFromInline @inline(never)
    mutating func grow(_ b: Int) {
        let old = buckets[b]
        let capacity = old.room == 0 ? Self.firstCapacity : old.capacity * 2
        let bigger = UnsafeMutablePointer<Event>.allocate(capacity: Int(capacity))
        if let events = old.events {
            bigger.moveInitialize(from: events, count: Int(old.count))
            events.deallocate()
        }
        buckets[b].events = bigger
        buckets[b].room = old.isHeap ? -capacity : capacity
    }

    // MARK: Removal

    /// Finds the earliest event (cancelled or not): its bucket and its index in the bucket's
    /// array, moving the scan position to it. The queue must not be empty.
    @inlinable @inline(__always)
    mutating func locateMinimum() -> (bucket: Int, index: Int) {
        let s = shift
        let m = mask
        let bk = buckets
        var v = current
        var steps = 0
        while steps <= m {
            let b = Int(truncatingIfNeeded: v) & m
            let c = Int(bk[b].count)
            if c != 0 {
                if c <= Self.heapAbove && bk[b].room > 0 {
                    let ev = bk[b].events.unsafelyUnwrapped
                    // The least (time, key) of the bucket. Every event here lies in day v or
                    // in a later year (nothing is before the scan position), and a later year
                    // is later in time, so the least is of the current day whenever any event
                    // is: one check after a plain minimum, none per event.
                    var best = 0
                    var bestKey = Self.rank(ev[0])
                    for i in 1..<c {
                        let k = Self.rank(ev[i])
                        if k < bestKey {
                            bestKey = k
                            best = i
                        }
                    }
                    if Int64(truncatingIfNeeded: UInt64(truncatingIfNeeded: bestKey >> 64)) &>> s == v {
                        // The next pop most likely reads the next bucket: its header is in a
                        // neighbouring line, but its events are elsewhere (a cache miss on
                        // every pop without this hint).
                        sim_prefetch(UnsafeRawPointer(bk[(b &+ 1) & m].events))
                        current = v
                        scanned &+= steps
                        walked &+= c &- 1
                        return (b, best)
                    }
                } else if heapRootIsDue(b, day: v) {
                    current = v
                    scanned &+= steps
                    return (b, 0)
                }
            }
            v &+= 1
            steps &+= 1
        }
        return searchAll()
    }

    /// For a crowded bucket: makes it a heap if it is not one yet, and tells whether its root
    /// (its least event) lies in virtual bucket `day`.
    @usableFromInline @inline(never)
    mutating func heapRootIsDue(_ b: Int, day: Int64) -> Bool {
        if !buckets[b].isHeap {
            heapify(b)
        }
        return buckets[b].events.unsafelyUnwrapped[0].time &>> shift == day
    }

    /// Turns bucket `b`'s unsorted array into a binary min-heap (Floyd's bottom-up build, O(k)).
    @usableFromInline @inline(never)
    mutating func heapify(_ b: Int) {
        let ev = buckets[b].events.unsafelyUnwrapped
        let c = Int(buckets[b].count)
        var start = c / 2 - 1
        while start >= 0 {
            siftDown(ev, count: c, from: start, ev[start])
            start -= 1
        }
        buckets[b].room = -buckets[b].room
        otherWork &+= c
    }

    /// Places `e` at `i` or below in the heap `ev[0..<count]` (whose slot `i` is free),
    /// moving smaller children up. Returns the levels moved.
    @usableFromInline @discardableResult
    mutating func siftDown(_ ev: UnsafeMutablePointer<Event>, count c: Int, from i0: Int,
                           _ e: Event) -> Int {
        let r = Self.rank(e)
        var i = i0
        var levels = 0
        while true {
            let l = 2 * i + 1
            if l >= c { break }
            var m = l
            if l + 1 < c && Self.rank(ev[l + 1]) < Self.rank(ev[l]) { m = l + 1 }
            if r < Self.rank(ev[m]) { break }
            ev[i] = ev[m]
            i = m
            levels += 1
        }
        ev[i] = e
        otherWork &+= levels + 1
        return levels
    }

    /// Removes the event at `index` of bucket `b`, returning it: from an unsorted bucket the
    /// last event fills the hole; from a heap (index 0) the last event sifts down from the root.
    @inlinable @inline(__always)
    mutating func take(_ b: Int, _ index: Int) -> Event {
        let bk = buckets
        let e: Event
        if bk[b].room > 0 {
            let ev = bk[b].events.unsafelyUnwrapped
            let last = Int(bk[b].count) &- 1
            e = ev[index]
            ev[index] = ev[last]
            bk[b].count = Int32(truncatingIfNeeded: last)
        } else {
            e = takeRoot(b)
        }
        stored &-= 1
        ops &+= 1
        if ops > mask &+ 64 { checkWidth() }
        return e
    }

    /// Removes a heap bucket's root; the bucket counts as unsorted again once it is down to
    /// half the heap threshold.
    @usableFromInline @inline(never)
    mutating func takeRoot(_ b: Int) -> Event {
        let ev = buckets[b].events.unsafelyUnwrapped
        let e = ev[0]
        let c = Int(buckets[b].count) - 1
        buckets[b].count = Int32(truncatingIfNeeded: c)
        if c > 0 {
            let levels = siftDown(ev, count: c, from: 0, ev[c])
            // Crowding by distinct times is what a narrower width would fix; events at the
            // instant just popped are not.
            if ev[0].time != e.time { walked &+= levels + 1 }
        }
        if c <= Int(Self.heapAbove / 2) { buckets[b].room = -buckets[b].room }
        return e
    }

    /// After a whole empty year: the earliest event, by a direct search. When the window's
    /// pops have scanned more than a year beyond four buckets each, the calendar no longer fits
    /// what is left (typically a burst at one instant has drained, leaving a few events far
    /// apart in buckets of the burst's width), so it is resized and re-estimated at once
    /// rather than at the end of the window: otherwise each of up to a window's pops could
    /// scan a whole year, O(buckets^2).
    @usableFromInline @inline(never)
    mutating func searchAll() -> (bucket: Int, index: Int) {
        scanned &+= mask &+ 1
        if scanned > 4 &* ops &+ mask &+ 1 {
            var size = mask + 1
            while size > Self.minBuckets && stored < size / 2 { size /= 2 }
            resize(buckets: size)
        }
        var best = (bucket: -1, index: -1)
        var bestEvent: Event?
        for b in 0...mask {
            let bucket = buckets[b]
            // A heap's least event is its root.
            let n = bucket.isHeap ? Swift.min(1, Int(bucket.count)) : Int(bucket.count)
            for i in 0..<n {
                let e = bucket.events.unsafelyUnwrapped[i]
                if bestEvent == nil || Event.precedes(e, bestEvent!) {
                    bestEvent = e
                    best = (b, i)
                }
            }
            otherWork &+= n
        }
        current = bestEvent!.time >> shift
        return best
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
        otherWork = work
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
        otherWork &+= ops &+ scanned &+ walked
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
    /// three times the mean separation of the earliest distinct times (gaps over twice the
    /// mean left out), as a power of two. Distinct times, so that a pile of events at one
    /// instant (which no width separates) does not shrink the width to nothing for the events
    /// after it; with no two distinct times the width is kept.
    @usableFromInline @inline(never)
    mutating func resize(buckets size: Int) {
        // The (up to) 64 earliest distinct times, by a bounded insertion into a sorted array.
        let m = 64
        var earliest: [Int64] = []
        earliest.reserveCapacity(m)
        for b in 0...mask {
            let bucket = buckets[b]
            for i in 0..<Int(bucket.count) {
                let t = bucket.events.unsafelyUnwrapped[i].time
                if earliest.count == m, t >= earliest[m - 1] { continue }
                var k = earliest.count
                while k > 0 && earliest[k - 1] > t { k -= 1 }
                if k > 0 && earliest[k - 1] == t { continue }
                if earliest.count == m { earliest.removeLast() }
                earliest.insert(t, at: k)
            }
        }
        otherWork &+= stored
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

    /// Redistributes every event into `size` buckets of width 2^`newShift` (all unsorted).
    @usableFromInline @inline(never)
    mutating func rebuild(buckets size: Int, shift newShift: Int64) {
        var all: [Event] = []
        all.reserveCapacity(stored)
        for b in 0...mask {
            let bucket = buckets[b]
            for i in 0..<Int(bucket.count) { all.append(bucket.events.unsafelyUnwrapped[i]) }
            buckets[b].count = 0
            buckets[b].room = bucket.capacity
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
            let b = Int(truncatingIfNeeded: v) & mask
            if buckets[b].count == buckets[b].room { grow(b) }
            buckets[b].events.unsafelyUnwrapped[Int(buckets[b].count)] = e
            buckets[b].count += 1
        }
        if all.isEmpty { current = 0 }
        otherWork &+= ops &+ scanned &+ walked &+ all.count
        ops = 0; scanned = 0; walked = 0
    }

    /// Checks the structure (used by tests and debug builds): every event in its bucket, none
    /// before the scan position, every heap bucket a heap, the count right.
    public func checkInvariants() -> Bool {
        var seen = 0
        for b in 0...mask {
            let bucket = buckets[b]
            if bucket.count < 0 || bucket.count > bucket.capacity { return false }
            for i in 0..<Int(bucket.count) {
                let ev = bucket.events.unsafelyUnwrapped
                let v = ev[i].time >> shift
                if Int(truncatingIfNeeded: v) & mask != b || v < current { return false }
                if bucket.isHeap && i > 0 && Self.rank(ev[i]) < Self.rank(ev[(i - 1) / 2]) { return false }
                seen += 1
            }
        }
        return seen == stored
    }
}
