import SimEngine

/// Parameters of one wafer (WSE-2 by default; ``wse3`` for a CS-3): the programmable 2D mesh of
/// cores, each with its SRAM, FMAC datapath and router. Every default cites docs/model.md (and
/// through it the shared reference `cerebras-andromeda.md`).
///
/// The mesh model follows docs/wafer-dataflow.md: a link moves one 32-bit word per cycle in each
/// direction, a hop costs ``hopLatencyCycles``, and a grid position whose core is defective is
/// served by a spare through a detour that costs ``detourLatencyCycles`` more per hop into it.
public struct WaferSpec: Sendable, Hashable {
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
