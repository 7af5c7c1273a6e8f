import SimEngine

/// Parameters of one WSE-2 wafer. Every default cites docs/model.md (and through it the shared
/// reference `cerebras-andromeda.md`).
public struct WaferSpec: Sendable, Equatable {
    /// Physical cores on the wafer, spares included (850,000: AnandTech WSE-2 table).
    public var physicalCores: Int = 850_000
    /// Width of the core grid programs see (750: Cerebras csl-examples).
    public var gridWidth: Int = 750
    /// Height of the core grid programs see (994: Cerebras csl-examples).
    public var gridHeight: Int = 994
    /// SRAM per core in bytes (48 KB: AnandTech, ALCF).
    public var sramBytesPerCore: Int = 48 * 1024
    /// FP16 fused multiply-adds per core per cycle (4: 3.4 M FPUs / 850 k cores, derived).
    public var fmacsPerCorePerCycle: Int = 4
    /// Clock in Hz (1.1 GHz design clock; SDK scripts assume 850 MHz: uncertain).
    public var clockHz: Double = 1.1e9
    /// Fraction of physical cores that are defective (no WSE-2 figure published: assumed).
    public var defectRate: Double = 0.001
    /// Fraction of the usable grid's SRAM a layer's activations may use; the rest holds streamed
    /// weights, code and buffers (assumed).
    public var activationSRAMFraction: Double = 0.8

    /// A WSE-2 with the default values (docs/model.md).
    public init() {}

    /// Cores in the full programmable grid.
    public var gridCores: Int { gridWidth * gridHeight }
    /// Cores available to replace defective grid cores.
    public var spareCores: Int { max(0, physicalCores - gridCores) }
    /// FLOPs per core per cycle (two per FMAC).
    public var flopsPerCorePerCycle: Double { Double(2 * fmacsPerCorePerCycle) }
    /// Dense 16-bit peak of the whole wafer (all physical cores), FLOP/s: the published 7.5 PF.
    public var physicalPeakFLOPS: Double { Double(physicalCores) * flopsPerCorePerCycle * clockHz }
}

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
        words = Array(repeating: 0, count: (cores + 63) / 64)
        defectCount = 0
        guard rate > 0, cores > 0 else { return }
        if rate >= 1 {
            for i in 0..<cores { words[i >> 6] |= 1 << UInt64(i & 63) }
            defectCount = cores
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
            words[pos >> 6] |= 1 << UInt64(pos & 63)
            defectCount += 1
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

/// One wafer after its defect map is applied: defective cores are replaced by spares; when the
/// spares run out, whole rows of the grid are retired and the usable grid shrinks.
public struct Wafer: Sendable, Equatable {
    /// The wafer's parameters.
    public let spec: WaferSpec
    /// Its defective cores.
    public let defects: DefectMap
    /// Rows of the programmable grid that remain usable.
    public let usableRows: Int

    /// Builds wafer `index` with defects drawn from `rng`'s substream for that index, so that
    /// adding a wafer does not change the defects of the others.
    public init(spec: WaferSpec, index: Int, rng: Xoshiro256) {
        self.spec = spec
        var stream = rng.substream(named: "wafer-defects-\(index)")
        defects = DefectMap(cores: spec.physicalCores, rate: spec.defectRate, rng: &stream)
        let shortfall = max(0, defects.defectCount - spec.spareCores)
        let rowsLost = spec.gridWidth > 0 ? (shortfall + spec.gridWidth - 1) / spec.gridWidth : spec.gridHeight
        usableRows = max(0, spec.gridHeight - rowsLost)
    }

    /// Cores of the usable grid.
    public var usableCores: Int { usableRows * spec.gridWidth }
    /// SRAM of the usable grid, bytes.
    public var usableSRAMBytes: Double { Double(usableCores) * Double(spec.sramBytesPerCore) }
    /// SRAM a layer's activations may use, bytes.
    public var activationBudgetBytes: Double { usableSRAMBytes * spec.activationSRAMFraction }
    /// Peak FLOP/s of the usable grid.
    public var usablePeakFLOPS: Double { Double(usableCores) * spec.flopsPerCorePerCycle * spec.clockHz }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
