/// The 64-bit FNV-1a hash, fed in pieces: stable across runs, processes and platforms (random
/// substream names, sweep fingerprints, auxiliary folder names, benchmark checksums).
public struct FNV1a: Sendable {
    /// The hash of everything added so far.
    public private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    /// An empty hash.
    public init() {}

    /// Adds `bytes`.
    public mutating func add<S: Sequence>(_ bytes: S) where S.Element == UInt8 {
        for b in bytes { value = (value ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
    }

    /// Adds the UTF-8 bytes of `text`.
    public mutating func add(_ text: String) { add(text.utf8) }

    /// The hash of the UTF-8 bytes of `text`.
    public static func hash(_ text: String) -> UInt64 {
        var h = FNV1a()
        h.add(text)
        return h.value
    }
}
