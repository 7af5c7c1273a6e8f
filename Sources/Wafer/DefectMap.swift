import SimEngine
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which cores of a row-major grid are defective: one bit per core, core `r * columns + c` at
/// grid position (r, c). A whole wafer's map covers its physical cores (850,000 bits, about
/// 104 KiB; the cores past the programmable grid are its spares); the referee's map covers its
/// `rows x columns` grid exactly. Drawn from a seeded stream by geometric skips (cost
/// proportional to the number of defects, not of cores), or marked position by position.
public struct DefectMap: Sendable, Equatable {
    /// Bit i set: core i is defective.
    public private(set) var words: [UInt64]
    /// Number of defective cores.
    public private(set) var defectCount: Int
    /// Number of cores covered.
    public let coreCount: Int
    /// Cores per row when the map is read as a grid (core `r * columns + c` is position (r, c)).
    public let columns: Int

    /// Full rows of the grid: `coreCount / columns` (a wafer's spares past the grid count too).
    public var rows: Int { coreCount / columns }

    /// Draws a map of `cores` cores (`columns` per row; default one row of all of them) where each
    /// core is defective independently with probability `rate`.
    public init(cores: Int, columns: Int? = nil, rate: Double, rng: inout Xoshiro256) {
        self.init(cores: cores, columns: columns)
        Self.forEachDefect(cores: coreCount, rate: rate, rng: &rng) { insert($0) }
    }

    /// A map of `rows x columns` positions (each at least 1) with none defective.
    public init(rows: Int, columns: Int) {
        self.init(cores: max(1, rows) * max(1, columns), columns: columns)
    }

    /// The first `rows x columns` cores of `map` read as a row-major `rows x columns` grid (cores
    /// past the map's end count as good): how a wafer's drawn map becomes the defects of a grid
    /// whose every defective position is served by a spare.
    public init(rows: Int, columns: Int, reading map: DefectMap) {
        self.init(rows: rows, columns: columns)
        for i in 0..<min(coreCount, map.coreCount) where map.isDefective(i) { insert(i) }
    }

    private init(cores: Int, columns: Int?) {
        coreCount = max(0, cores)
        self.columns = max(1, columns ?? coreCount)
        words = [UInt64](repeating: 0, count: (coreCount + 63) / 64)
        defectCount = 0
    }

    /// Calls `body` with every defective core of the map ``init(cores:columns:rate:rng:)`` draws,
    /// in increasing order, from the same draws: the map's set bits without the map (a wafer that
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

    /// Marks core `i` defective (no-op if already marked; cores outside the map are ignored).
    public mutating func insert(_ i: Int) {
        guard i >= 0, i < coreCount else { return }
        let bit: UInt64 = 1 << UInt64(i & 63)
        if words[i >> 6] & bit == 0 {
            words[i >> 6] |= bit
            defectCount += 1
        }
    }

    /// Marks position (row, column) defective (no-op if already marked; positions outside the
    /// grid are ignored).
    public mutating func insert(row: Int, column: Int) {
        guard (0..<rows).contains(row), (0..<columns).contains(column) else { return }
        insert(row * columns + column)
    }

    /// Whether core `i` is defective (false outside the map).
    public func isDefective(_ i: Int) -> Bool {
        guard i >= 0, i < coreCount else { return false }
        return words[i >> 6] & (1 << UInt64(i & 63)) != 0
    }

    /// Whether position (row, column) is defective (false outside the grid).
    public func isDefective(row: Int, column: Int) -> Bool {
        guard (0..<rows).contains(row), (0..<columns).contains(column) else { return false }
        return isDefective(row * columns + column)
    }

    /// Memory held by the map, in bytes.
    public var footprintBytes: Int { words.count * 8 }
}
