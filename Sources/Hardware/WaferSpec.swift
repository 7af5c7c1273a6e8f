import SimEngine

/// Parameters of one wafer (WSE-2 by default; ``wse3`` for a CS-3): the programmable 2D mesh of
/// cores, each with its SRAM, FMAC datapath and router. Every default cites docs/model.md (and
/// through it the shared reference `cerebras-andromeda.md`).
///
/// The mesh model follows docs/wafer-dataflow.md: a link moves one 32-bit word per cycle in each
/// direction, a hop costs ``hopLatencyCycles``, and a grid position whose core is defective is
/// served by a spare through a detour that costs ``detourLatencyCycles`` more per hop into it.
public struct WaferSpec: Sendable, Equatable {
    /// Physical cores on the wafer, spares included (850,000: AnandTech WSE-2 table).
    public var physicalCores: Int = 850_000
    /// Width (columns) of the core grid programs see (750: Cerebras csl-examples).
    public var gridWidth: Int = 750
    /// Height (rows) of the core grid programs see (994: Cerebras csl-examples).
    public var gridHeight: Int = 994
    /// SRAM per core in bytes (48 KiB: AnandTech, ALCF).
    public var sramBytesPerCore: Int = 48 * 1024
    /// FP16 fused multiply-adds per core per cycle (4: 3.4 M FPUs / 850 k cores, derived).
    public var fmacsPerCorePerCycle: Int = 4
    /// Clock in Hz (1.1 GHz design clock; SDK scripts assume 850 MHz: uncertain).
    public var clockHz: Double = 1.1e9
    /// Fraction of physical cores that are defective (no WSE-2 figure published: assumed).
    public var defectRate: Double = 0.001
    /// Cycles for a word to cross one mesh link, router included (2: measured per hop on WSE-3
    /// silicon, which keeps the WSE-2 network; Luczynski et al. HPDC'24 model a 2-cycle ramp).
    public var hopLatencyCycles: Double = 2
    /// Extra cycles on a hop into a grid position served by a spare core (assumed: one extra hop
    /// each way around the defective core, 2 x 2 cycles).
    public var detourLatencyCycles: Double = 4
    /// SRAM per core held by code, the runtime and routing buffers, bytes (assumed: 4 KiB).
    public var reservedSRAMBytesPerCore: Int = 4 * 1024
    /// 32-bit words a mesh link carries per cycle in each direction (1: WaferLLM section 7, Cerebras
    /// SDK). Not settable: the dataflow assumes one word per cycle.
    public var linkWordsPerCycle: Int { 1 }

    /// A WSE-2 with the default values (docs/model.md).
    public init() {}

    /// The WSE-3 of a CS-3 (docs/model.md, "CS-3 preset"): 900,000 active of 970,000 physical
    /// cores, a 755 x 1,170 programmable grid inside its 762 x 1,172 fabric, 44 GB of SRAM (48 KiB
    /// per core), an 8-wide FP16 SIMD datapath, the same mesh network.
    public static var wse3: WaferSpec {
        var s = WaferSpec()
        s.physicalCores = 970_000
        s.gridWidth = 755
        s.gridHeight = 1170
        s.fmacsPerCorePerCycle = 8
        return s
    }

    /// Cores in the full programmable grid.
    public var gridCores: Int { gridWidth * gridHeight }
    /// Cores available to replace defective grid cores.
    public var spareCores: Int { max(0, physicalCores - gridCores) }
    /// FLOPs per core per cycle (two per FMAC).
    public var flopsPerCorePerCycle: Double { Double(2 * fmacsPerCorePerCycle) }
    /// Dense 16-bit peak of the whole wafer (all physical cores), FLOP/s: the published 7.5 PF.
    public var physicalPeakFLOPS: Double { Double(physicalCores) * flopsPerCorePerCycle * clockHz }
    /// Dense 16-bit peak of the programmable grid, FLOP/s.
    public var gridPeakFLOPS: Double { Double(gridCores) * flopsPerCorePerCycle * clockHz }
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

/// One wafer after its defect map is applied. Physical core `r * gridWidth + c` serves grid
/// position (r, c); the cores past the grid are spares. A defective grid core is replaced by a
/// healthy spare and reached through a detour (``WaferSpec/detourLatencyCycles`` per hop into it),
/// so programs always see the full grid, as on a real CS-2. When the defects inside the grid
/// outnumber the healthy spares the wafer cannot present its grid: ``presentsFullGrid`` is false
/// and a training plan refuses it (such a wafer fails manufacturing test and is never shipped:
/// Cerebras, "100x defect tolerance", 2025; see docs/model.md).
public struct Wafer: Sendable, Equatable {
    /// The wafer's parameters.
    public let spec: WaferSpec
    /// Its defective cores.
    public let defects: DefectMap
    /// Defective grid positions (each served by a spare through a detour).
    public let remappedPositions: Int
    /// Healthy spare cores.
    public let healthySpares: Int
    /// Per grid column: defective positions in rows 1 and below (the hops a column broadcast
    /// from the north edge pays a detour on).
    public let defectsPerColumn: [UInt16]
    /// Per grid row: defective positions in columns 1 and beyond (the hops a west-to-east row
    /// reduction pays a detour on).
    public let defectsPerRow: [UInt16]

    /// Builds wafer `index` with defects drawn from `rng`'s substream for that index, so that
    /// adding a wafer does not change the defects of the others.
    public init(spec: WaferSpec, index: Int, rng: Xoshiro256) {
        self.spec = spec
        var stream = rng.substream(named: "wafer-defects-\(index)")
        let map = DefectMap(cores: spec.physicalCores, rate: spec.defectRate, rng: &stream)
        defects = map
        let w = max(0, spec.gridWidth), h = max(0, spec.gridHeight)
        let grid = min(w * h, spec.physicalCores)
        var cols = [UInt16](repeating: 0, count: w), rows = [UInt16](repeating: 0, count: h)
        var inGrid = 0
        // Walk only the set bits (cost proportional to the defects).
        for (wi, word) in map.words.enumerated() where word != 0 {
            var bits = word
            while bits != 0 {
                let i = wi * 64 + bits.trailingZeroBitCount
                bits &= bits - 1
                guard i < grid else { continue }
                inGrid += 1
                let r = i / w, c = i % w
                if r > 0 { cols[c] &+= 1 }
                if c > 0 { rows[r] &+= 1 }
            }
        }
        remappedPositions = inGrid
        healthySpares = max(0, spec.physicalCores - grid) - (map.defectCount - inGrid)
        defectsPerColumn = cols
        defectsPerRow = rows
    }

    /// Whether the spares cover every defective grid position (programs see the whole grid).
    public var presentsFullGrid: Bool { remappedPositions <= healthySpares && spec.physicalCores >= spec.gridCores }
    /// Cores of the programmable grid (the whole grid: defects are hidden by spares).
    public var usableCores: Int { presentsFullGrid ? spec.gridCores : 0 }
    /// SRAM of the programmable grid, bytes.
    public var usableSRAMBytes: Double { Double(usableCores) * Double(spec.sramBytesPerCore) }
    /// Peak FLOP/s of the programmable grid.
    public var usablePeakFLOPS: Double { Double(usableCores) * spec.flopsPerCorePerCycle * spec.clockHz }
    /// The largest number of detours on one column's path from the north edge (rows 1...).
    public var worstColumnDetours: Int { Int(defectsPerColumn.max() ?? 0) }
    /// The largest number of detours on one row's west-to-east path (columns 1...).
    public var worstRowDetours: Int { Int(defectsPerRow.max() ?? 0) }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
