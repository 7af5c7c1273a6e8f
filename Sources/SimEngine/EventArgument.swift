/// An event's ``Event/arg`` read as a kind and a payload: the kind's raw value in the top 4 bits
/// (0...15), the payload in the low 28 bits (0...268,435,455). Components define their event
/// kinds as a `UInt32` enum and pack and unpack `arg` only through this type, so the layout is
/// written once:
///
/// ```swift
/// enum Kind: UInt32 { case arrival = 1, done }
/// try sim.schedule(after: .seconds(1), target: id, arg: EventArgument(Kind.done, job).raw)
/// // in handle(_:in:)
/// let a = EventArgument<Kind>(raw: event.arg)
/// switch a.kind { case .done: finish(a.payload) ... }
/// ```
///
/// A payload of two fields (``init(_:high:low:lowBits:)``) puts `low` in the low `lowBits`
/// bits and `high` above it, still within the 28 payload bits.
@frozen
public struct EventArgument<Kind: RawRepresentable>: Sendable, Equatable where Kind.RawValue == UInt32 {
    /// Payloads are below this (2^28): callers with larger indexes must refuse them first.
    public static var payloadLimit: Int { 1 << payloadBits }
    @usableFromInline static var payloadBits: Int { 28 }
    @usableFromInline static var payloadMask: UInt32 { 0x0fff_ffff }

    /// The packed value, as scheduled.
    public let raw: UInt32

    /// `kind` and `payload` (0 ..< ``payloadLimit``; higher bits are dropped).
    @inlinable @inline(__always)
    public init(_ kind: Kind, _ payload: Int) {
        raw = kind.rawValue << 28 | UInt32(truncatingIfNeeded: payload) & Self.payloadMask
    }

    /// `kind` and a two-field payload: `low` (0 ..< 2^lowBits) and `high` above it.
    @inlinable @inline(__always)
    public init(_ kind: Kind, high: Int, low: Int, lowBits: Int) {
        self.init(kind, high << lowBits | low & (1 << lowBits - 1))
    }

    /// The value of an event's `arg`.
    @inlinable @inline(__always)
    public init(raw: UInt32) { self.raw = raw }

    /// The kind (nil when the top bits name no case).
    @inlinable public var kind: Kind? { Kind(rawValue: raw >> 28) }
    /// The payload (the low 28 bits).
    @inlinable public var payload: Int { Int(raw & Self.payloadMask) }
    /// The `high` field of a two-field payload.
    @inlinable public func high(lowBits: Int) -> Int { payload >> lowBits }
    /// The `low` field of a two-field payload.
    @inlinable public func low(lowBits: Int) -> Int { payload & (1 << lowBits - 1) }
}
