/// The pending-event set: an implicit 4-ary min-heap of ``Event`` values in one contiguous
/// buffer, ordered by (time, priority, sequence).
///
/// Complexity: `push` and `pop` O(log n); `cancel` O(1) (lazy: the event is marked and
/// discarded when it reaches the top, so the heap never holds a live reference).
/// `popDeferred` leaves a hole at the root that the next `push` fills with a single sift-down
/// (pop + push fused into "replace top", the classic trick for hold-model workloads such as
/// PHOLD); `settle()` completes the pop when the handler scheduled nothing.
/// The buffer grows geometrically and is reused, so steady-state operation allocates nothing.
public struct EventQueue {
    @usableFromInline var heap: [Event] = []
    @usableFromInline var hole = false
    /// Keys of cancelled events still in the heap.
    @usableFromInline var cancelled: Set<UInt64> = []

    /// An empty queue with room for `n` events before it grows.
    public init(reservingCapacity n: Int = 0) {
        heap.reserveCapacity(n)
    }

    /// Events still to fire (cancelled ones excluded).
    @inlinable public var count: Int { heap.count - (hole ? 1 : 0) - cancelled.count }
    /// True when nothing is pending.
    @inlinable public var isEmpty: Bool { count == 0 }

    @inlinable @inline(__always)
    mutating func siftUp(_ start: Int, _ e: Event) {
        var i = start
        heap.withUnsafeMutableBufferPointer { h in
            let b = h.baseAddress.unsafelyUnwrapped
            while i > 0 {
                let p = (i &- 1) >> 2
                if !Event.precedes(e, b[p]) { break }
                b[i] = b[p]
                i = p
            }
            b[i] = e
        }
    }

    @inlinable @inline(__always)
    mutating func siftDown(_ start: Int, _ e: Event) {
        var i = start
        heap.withUnsafeMutableBufferPointer { h in
            let b = h.baseAddress.unsafelyUnwrapped
            let n = h.count
            while true {
                var c = 4 &* i &+ 1
                if c >= n { break }
                if c &+ 4 <= n {
                    let x = c &+ (Event.precedes(b[c &+ 1], b[c]) ? 1 : 0)
                    let y = c &+ 2 &+ (Event.precedes(b[c &+ 3], b[c &+ 2]) ? 1 : 0)
                    c = Event.precedes(b[y], b[x]) ? y : x
                } else {
                    var k = c &+ 1
                    while k < n {
                        if Event.precedes(b[k], b[c]) { c = k }
                        k &+= 1
                    }
                }
                if !Event.precedes(b[c], e) { break }
                b[i] = b[c]
                i = c
            }
            b[i] = e
        }
    }

    /// Inserts an event.
    @inlinable
    public mutating func push(_ e: Event) {
        if hole {
            hole = false
            siftDown(0, e)
            return
        }
        heap.append(e)
        siftUp(heap.count &- 1, e)
    }

    /// Completes a deferred pop if no push filled the hole.
    @inlinable
    public mutating func settle() {
        if hole {
            hole = false
            let last = heap.removeLast()
            if !heap.isEmpty { siftDown(0, last) }
        }
    }

    /// Removes and returns the earliest live event, leaving the removal half-done until the
    /// next `push` or `settle()`. Returns nil when empty.
    @inlinable
    public mutating func popDeferred() -> Event? {
        guard let top = peek() else { return nil }
        hole = true
        return top
    }

    /// Removes and returns the earliest live event.
    @inlinable
    public mutating func pop() -> Event? {
        let e = popDeferred()
        settle()
        return e
    }

    /// The earliest live event without removing it.
    @inlinable
    public mutating func peek() -> Event? {
        settle()
        while let top = heap.first {
            if !cancelled.isEmpty, cancelled.remove(top.key) != nil {
                hole = true
                settle()
                continue
            }
            return top
        }
        return nil
    }

    /// Marks a pending event as cancelled. The caller must only cancel events that have not
    /// fired yet (debug builds check this).
    public mutating func cancel(_ handle: EventHandle) {
        assert(heap.contains { $0.key == handle.key && $0.time == handle.time },
               "cancel: event \(handle) is not pending")
        cancelled.insert(handle.key)
    }

    /// Removes every event.
    public mutating func removeAll() {
        heap.removeAll(keepingCapacity: true)
        hole = false
        cancelled.removeAll()
    }

    /// Checks the heap property (used by tests and debug builds).
    public func checkInvariants() -> Bool {
        let start = hole ? 1 : 0
        for i in start..<heap.count where i > 0 {
            let p = (i - 1) / 4
            if p >= start && Event.precedes(heap[i], heap[p]) { return false }
        }
        return true
    }
}
