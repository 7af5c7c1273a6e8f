/// One pending event: a small value type (24 bytes) with no closure or class reference, so the
/// pending-event set moves plain bytes and never retains or releases.
///
/// Events are totally ordered by (time, priority, insertion sequence): the priority (0 runs
/// first) breaks ties between events at the same instant, and the sequence number, assigned in
/// scheduling order, breaks the remaining ties first-scheduled-first. Every run is therefore
/// deterministic. `target` names the receiving component; `arg` is the component's own payload
/// (typically an event kind and an index into its own tables).
@frozen
public struct Event: Sendable, Equatable {
    /// Firing time in nanoseconds (never negative).
    public var time: Int64
    /// Priority in the top 8 bits, insertion sequence in the low 56 bits.
    public var key: UInt64
    /// The receiving component's index.
    public var target: UInt32
    /// Component-defined payload.
    public var arg: UInt32

    /// An event from its raw fields (normally only the simulation creates events).
    @inlinable
    public init(time: Int64, key: UInt64, target: UInt32, arg: UInt32) {
        self.time = time
        self.key = key
        self.target = target
        self.arg = arg
    }

    /// The firing time.
    @inlinable public var simTime: SimTime { SimTime(nanoseconds: time) }
    /// The tie-breaking priority (lower fires first among events at the same time).
    @inlinable public var priority: UInt8 { UInt8(truncatingIfNeeded: key >> 56) }
    /// The insertion sequence number.
    @inlinable public var sequence: UInt64 { key & Event.sequenceMask }

    @usableFromInline static let sequenceMask: UInt64 = (1 << 56) - 1

    /// Strict (time, priority, sequence) order.
    @inlinable @inline(__always)
    public static func precedes(_ a: Event, _ b: Event) -> Bool {
        // One branch-free 128-bit compare: times are never negative, so their bit patterns
        // order like the values.
        (UInt128(UInt64(bitPattern: a.time)) << 64 | UInt128(a.key))
            < (UInt128(UInt64(bitPattern: b.time)) << 64 | UInt128(b.key))
    }
}

/// Identifies a scheduled event so that it can be cancelled.
@frozen public struct EventHandle: Hashable, Sendable {
    /// The event's ordering key (priority and sequence).
    public let key: UInt64
    /// The event's time.
    public let time: Int64

    @inlinable init(key: UInt64, time: Int64) {
        self.key = key
        self.time = time
    }
}
