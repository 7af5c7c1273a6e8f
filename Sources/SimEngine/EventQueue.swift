/// The pending-event set: a calendar queue (Brown, "Calendar queues: a fast O(1) priority queue
/// implementation for the simulation event set problem", CACM 31(10), 1988) of ``Event``
/// values, ordered by (time, priority, sequence).
///
/// Time is cut into buckets of 2^`shift` nanoseconds; an event lives in bucket
/// `(time >> shift) & mask`, in a singly linked list kept sorted by (time, key). The lists share
/// one pool of nodes with a free list, so steady-state operation allocates nothing. `pop` scans
/// from the bucket of the last event popped ("the current day") and takes the head of the first
/// bucket whose head falls in the current year; after a whole empty year it searches the heads
/// directly. An insertion is O(1) when the event goes after the tail of its bucket (the usual
/// case, and always the case for events scheduled for the same instant in order), otherwise a
/// short walk.
///
/// The number of buckets doubles when the queue holds more than two events per bucket and
/// halves below one per two, and the bucket width is then re-estimated from the earliest events
/// (three times their mean separation, as Brown recommends, rounded to a power of two). Between
/// resizes a feedback check keeps the width honest: when pops scan many empty buckets the width
/// doubles; when insertions walk long lists it halves. Both checks run once per window of at
/// least as many operations as there are buckets, so their cost is O(1) amortised per event.
///
/// Complexity: `push` and `pop` O(1) expected; `cancel` O(1) (lazy: the event is marked and
/// discarded when it reaches the front). `popDeferred` and `settle()` are kept for the run loop:
/// a pop here is complete at once, so `settle()` does nothing.
public struct EventQueue: ~Copyable {
    @usableFromInline static let none: UInt32 = .max
    @usableFromInline static let minBuckets = 16

    @frozen @usableFromInline struct Node {
        @usableFromInline var event: Event
        @usableFromInline var next: UInt32
        @inlinable init(event: Event, next: UInt32) {
            self.event = event
            self.next = next
        }
    }

    @frozen @usableFromInline struct Bucket {
        @usableFromInline var head: UInt32
        @usableFromInline var tail: UInt32
        @inlinable init() {
            head = EventQueue.none
            tail = EventQueue.none
        }
    }

    /// Node pool: every event in the queue, plus free nodes chained through `next`. Raw
    /// storage owned by the queue (which is non-copyable), so the hot path pays no
    /// copy-on-write uniqueness checks.
    @usableFromInline var nodes: UnsafeMutablePointer<Node>
    @usableFromInline var nodeCapacity: Int
    /// Nodes handed out so far (the pool's high-water mark).
    @usableFromInline var nodesUsed = 0
    @usableFromInline var freeList: UInt32 = EventQueue.none
    @usableFromInline var buckets: UnsafeMutablePointer<Bucket>
    @usableFromInline var mask: Int
    /// Bucket width is 2^shift nanoseconds.
    @usableFromInline var shift: Int64 = 0
    /// The virtual bucket (time >> shift) of the scan position; no event lies before it.
    @usableFromInline var current: Int64 = 0
    /// Events in the lists (cancelled ones included).
    @usableFromInline var stored = 0
    /// Keys of cancelled events still in the lists.
    @usableFromInline var cancelled: Set<UInt64> = []
    /// Feedback on the width: operations, empty buckets scanned and list nodes walked since the
    /// last check.
    @usableFromInline var ops = 0
    @usableFromInline var scanned = 0
    @usableFromInline var walked = 0

    /// An empty queue with room for `n` events before its node pool grows.
    public init(reservingCapacity n: Int = 0) {
        nodeCapacity = Swift.max(16, n)
        nodes = .allocate(capacity: nodeCapacity)
        buckets = .allocate(capacity: Self.minBuckets)
        buckets.initialize(repeating: Bucket(), count: Self.minBuckets)
        mask = Self.minBuckets - 1
    }

    deinit {
        nodes.deallocate()
        buckets.deallocate()
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
        let idx: UInt32
        if freeList != Self.none {
            idx = freeList
            freeList = nodes[Int(idx)].next
        } else {
            if nodesUsed == nodeCapacity { growPool() }
            idx = UInt32(truncatingIfNeeded: nodesUsed)
            nodesUsed &+= 1
        }
        nodes[Int(idx)] = Node(event: e, next: Self.none)
        stored &+= 1
        walked &+= link(idx, e, into: Int(truncatingIfNeeded: v) & mask)
        if stored > 2 &* (mask &+ 1) { resize(buckets: 2 &* (mask &+ 1)) }
    }

    /// Doubles the node pool.
    @usableFromInline @inline(never)
    mutating func growPool() {
        precondition(nodeCapacity < Int(Self.none), "EventQueue: too many pending events")
        let capacity = Swift.min(nodeCapacity * 2, Int(Self.none))
        let bigger = UnsafeMutablePointer<Node>.allocate(capacity: capacity)
        bigger.moveInitialize(from: nodes, count: nodesUsed)
        nodes.deallocate()
        nodes = bigger
        nodeCapacity = capacity
    }

    /// Links node `idx` (holding `e`, `next` unset) into bucket `b` in (time, key) order and
    /// returns the number of nodes walked past.
    @inlinable @inline(__always)
    mutating func link(_ idx: UInt32, _ e: Event, into b: Int) -> Int {
        do {
                let n = nodes
                let bk = buckets
                let head = bk[b].head
                if head == Self.none {
                    n[Int(idx)].next = Self.none
                    bk[b].head = idx
                    bk[b].tail = idx
                    return 0
                }
                let tail = bk[b].tail
                if !Event.precedes(e, n[Int(tail)].event) {
                    n[Int(idx)].next = Self.none
                    n[Int(tail)].next = idx
                    bk[b].tail = idx
                    return 0
                }
                if Event.precedes(e, n[Int(head)].event) {
                    n[Int(idx)].next = head
                    bk[b].head = idx
                    return 0
                }
                // head <= e < tail: the position is strictly inside the list.
                var prev = head
                var steps = 1
                while true {
                    let next = n[Int(prev)].next
                    if Event.precedes(e, n[Int(next)].event) { break }
                    prev = next
                    steps &+= 1
                }
                n[Int(idx)].next = n[Int(prev)].next
                n[Int(prev)].next = idx
                return steps
        }
    }

    // MARK: Removal

    /// Finds the bucket whose head is the earliest event (cancelled or not), moving the scan
    /// position to it. The queue must not be empty.
    @inlinable @inline(__always)
    mutating func locateMinimum() -> Int {
        let start = current
        let s = shift
        let m = mask
        let (found, steps): (Int, Int) = { (n: UnsafeMutablePointer<Node>, bk: UnsafeMutablePointer<Bucket>) in
                var v = start
                var steps = 0
                while steps <= m {
                    let b = Int(truncatingIfNeeded: v) & m
                    let h = bk[b].head
                    if h != Self.none, n[Int(h)].event.time >> s <= v { return (b, steps) }
                    v &+= 1
                    steps &+= 1
                }
                return (-1, steps)
        }(nodes, buckets)
        if found < 0 { return searchHeads() }
        current = start &+ Int64(steps)
        scanned &+= steps
        return found
    }

    /// After a whole empty year: the bucket whose head is the earliest, by a direct search.
    @usableFromInline @inline(never)
    mutating func searchHeads() -> Int {
        var best = -1
        for b in 0...mask {
            let h = buckets[b].head
            if h == Self.none { continue }
            if best < 0 || Event.precedes(nodes[Int(h)].event, nodes[Int(buckets[best].head)].event) { best = b }
        }
        current = nodes[Int(buckets[best].head)].event.time >> shift
        scanned &+= mask &+ 1
        return best
    }

    /// Unlinks and frees the head of bucket `b`, returning its event.
    @inlinable @inline(__always)
    mutating func unlinkHead(_ b: Int) -> Event {
        let free = freeList
        let (e, h): (Event, UInt32) = { (n: UnsafeMutablePointer<Node>, bk: UnsafeMutablePointer<Bucket>) in
                let h = bk[b].head
                let next = n[Int(h)].next
                bk[b].head = next
                if next == Self.none { bk[b].tail = Self.none }
                n[Int(h)].next = free
                return (n[Int(h)].event, h)
        }(nodes, buckets)
        freeList = h
        stored &-= 1
        ops &+= 1
        if ops > mask &+ 64 { checkWidth() }
        return e
    }

    /// Removes and returns the earliest live event. Returns nil when empty.
    @inlinable @inline(__always)
    public mutating func pop() -> Event? {
        while stored > 0 {
            let e = unlinkHead(locateMinimum())
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
            let b = locateMinimum()
            let e = nodes[Int(buckets[b].head)].event
            if !cancelled.isEmpty, cancelled.contains(e.key) {
                _ = unlinkHead(b)
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
        var i = buckets[Int(truncatingIfNeeded: time >> shift) & mask].head
        while i != Self.none {
            if nodes[Int(i)].event.key == key && nodes[Int(i)].event.time == time { return true }
            i = nodes[Int(i)].next
        }
        return false
    }

    /// Removes every event.
    public mutating func removeAll() {
        nodesUsed = 0
        freeList = Self.none
        buckets.deallocate()
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
    /// buckets each on average, halves it when insertions walked more than four nodes each, and
    /// shrinks the calendar when it holds fewer than one event per two buckets.
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
            var i = buckets[b].head
            while i != Self.none {
                let t = nodes[Int(i)].event.time
                i = nodes[Int(i)].next
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

    /// Re-links every node into `size` buckets of width 2^`newShift`.
    @usableFromInline @inline(never)
    mutating func rebuild(buckets size: Int, shift newShift: Int64) {
        var all: [UInt32] = []
        all.reserveCapacity(stored)
        for b in 0...mask {
            var i = buckets[b].head
            while i != Self.none {
                all.append(i)
                i = nodes[Int(i)].next
            }
        }
        buckets.deallocate()
        buckets = .allocate(capacity: size)
        buckets.initialize(repeating: Bucket(), count: size)
        mask = size - 1
        shift = newShift
        current = .max
        for i in all {
            let e = nodes[Int(i)].event
            let v = e.time >> shift
            if v < current { current = v }
            _ = link(i, e, into: Int(truncatingIfNeeded: v) & mask)
        }
        if all.isEmpty { current = 0 }
        ops = 0; scanned = 0; walked = 0
    }

    /// Checks the structure (used by tests and debug builds): every list sorted and in its
    /// bucket, no event before the scan position, the count right.
    public func checkInvariants() -> Bool {
        var seen = 0
        for b in 0...mask {
            let bucket = buckets[b]
            var i = bucket.head
            var last: Event?
            var lastIndex = Self.none
            while i != Self.none {
                let e = nodes[Int(i)].event
                let v = e.time >> shift
                if Int(truncatingIfNeeded: v) & mask != b || v < current { return false }
                if let l = last, Event.precedes(e, l) { return false }
                last = e
                lastIndex = i
                seen += 1
                i = nodes[Int(i)].next
            }
            if lastIndex != bucket.tail { return false }
        }
        return seen == stored
    }
}
