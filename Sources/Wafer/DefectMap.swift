import SimEngine
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which physical cores of one wafer are defective: one bit per core (850,000 bits, about
/// 104 KiB), drawn from a seeded stream by geometric skips (cost proportional to the number of
/// defects, not of cores).
public struct DefectMap: Sendable, Equatable {
    /// Bit i set: core i is defective.
    public private(set) var words: [UInt64]
    /// Number of defective cores.
    public private(set) var defectCount: Int
    /// Number of physical cores covered.
    public let coreCount: Int

    /// Draws a map where each core is defective independently with probability `rate`.
    public init(cores: Int, rate: Double, rng: inout Xoshiro256) {
        coreCount = cores
        var words = [UInt64](repeating: 0, count: (cores + 63) / 64)
        var count = 0
        Self.forEachDefect(cores: cores, rate: rate, rng: &rng) { pos in
            words[pos >> 6] |= 1 << UInt64(pos & 63)
            count += 1
        }
        self.words = words
        defectCount = count
    }

    /// Calls `body` with every defective core of the map ``init(cores:rate:rng:)`` draws, in
    /// increasing order, from the same draws: the map's set bits without the map (a wafer that
    /// needs only counts per row and column skips the 104 KiB bitmap).
    @inline(__always)
    public static func forEachDefect(cores: Int, rate: Double, rng: inout Xoshiro256, _ body: (Int) -> Void) {
        guard rate > 0, cores > 0 else { return }
        if rate >= 1 {
            for i in 0..<cores { body(i) }
            return
        }
        let logq = log1p(-rate)
        var pos = -1
        while true {
            // Geometric gap: number of non-defective cores before the next defect.
            let u = rng.uniform()
            let gap = (log1p(-u) / logq).rounded(.down)
            guard gap.isFinite, gap < Double(cores) else { break }
            pos += Int(gap) + 1
            if pos >= cores { break }
            body(pos)
        }
    }

    /// Whether core `i` is defective.
    public func isDefective(_ i: Int) -> Bool {
        guard i >= 0, i < coreCount else { return false }
        return words[i >> 6] & (1 << UInt64(i & 63)) != 0
    }

    /// Memory held by the map, in bytes.
    public var footprintBytes: Int { words.count * 8 }
}
