/// splitmix64 (Steele, Lea, Flood 2014): used to seed xoshiro256** and to derive substreams.
@inlinable @inline(__always)
public func splitmix64(_ x: inout UInt64) -> UInt64 {
    x &+= 0x9e37_79b9_7f4a_7c15
    var z = x
    z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
    z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
    return z ^ (z >> 31)
}

/// xoshiro256** 1.0 (Blackman and Vigna 2018): a fast 256-bit generator, seeded from four
/// successive splitmix64 outputs. A value type: copying a generator copies its state.
///
/// Independent substreams: ``substream(_:)`` hashes a stable component name or number into a
/// new seed, so adding a component never changes the draws of the others.
public struct Xoshiro256: RandomNumberGenerator, Sendable, Equatable {
    @usableFromInline var s0, s1, s2, s3: UInt64
    /// The seed this stream was built from.
    public let seed: UInt64

    /// A generator seeded from four successive splitmix64 outputs of `seed`.
    public init(seed: UInt64) {
        self.seed = seed
        var x = seed
        s0 = splitmix64(&x); s1 = splitmix64(&x); s2 = splitmix64(&x); s3 = splitmix64(&x)
    }

    /// The next 64 random bits.
    @inlinable @inline(__always)
    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = (s3 << 45) | (s3 >> 19)
        return result
    }

    /// The generator's 256-bit state (two generators with equal states and seeds draw the same).
    public var state: (UInt64, UInt64, UInt64, UInt64) { (s0, s1, s2, s3) }

    /// Uniform in [0, 1) with 53 random bits.
    @inlinable @inline(__always)
    public mutating func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Exponential with mean 1: -log(1 - U).
    @inlinable @inline(__always)
    public mutating func exponential() -> Double { -log1mExact(uniform()) }

    /// Uniform integer in [0, n) by the multiply-high method (Lemire), no division.
    @inlinable @inline(__always)
    public mutating func below(_ n: UInt32) -> UInt32 {
        UInt32(truncatingIfNeeded: next().multipliedFullWidth(by: UInt64(n)).high)
    }

    /// A generator for the substream `index`, independent of this one's draws.
    public func substream(_ index: UInt64) -> Xoshiro256 {
        var x = seed ^ 0x5851_f42d_4c95_7f2d
        _ = splitmix64(&x)
        x ^= index &* 0x2545_f491_4f6c_dd1d
        return Xoshiro256(seed: splitmix64(&x))
    }

    /// A generator for the substream named `name` (stable across runs and platforms: FNV-1a).
    public func substream(named name: String) -> Xoshiro256 {
        substream(FNV1a.hash(name))
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// -log(1 - u) with the C library's log, as the reference PHOLD implementations compute it.
@inlinable @inline(__always)
public func log1mExact(_ u: Double) -> Double { log(1.0 - u) }
