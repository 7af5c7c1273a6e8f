import SimEngine
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
    /// The substream the wafer's defects are drawn from (``defects`` draws the map from it).
    public let defectStream: Xoshiro256
    /// Defective physical cores (grid and spares).
    public let defectCount: Int
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
    /// adding a wafer does not change the defects of the others. Only the counts a plan needs
    /// are kept; ``defects`` draws the bitmap again from the same stream when asked.
    public init(spec: WaferSpec, index: Int, rng: Xoshiro256) {
        self.spec = spec
        let origin = rng.substream(named: "wafer-defects-\(index)")
        defectStream = origin
        var stream = origin
        let w = max(0, spec.gridWidth), h = max(0, spec.gridHeight)
        let grid = min(w * h, spec.physicalCores)
        var cols = [UInt16](repeating: 0, count: w), rows = [UInt16](repeating: 0, count: h)
        var inGrid = 0, count = 0
        // The defects in increasing order, as the map's set bits (cost proportional to the defects).
        cols.withUnsafeMutableBufferPointer { cols in
            rows.withUnsafeMutableBufferPointer { rows in
                DefectMap.forEachDefect(cores: spec.physicalCores, rate: spec.defectRate, rng: &stream) { i in
                    count += 1
                    guard i < grid else { return }
                    inGrid += 1
                    let r = i / w, c = i % w
                    if r > 0 { cols[c] &+= 1 }
                    if c > 0 { rows[r] &+= 1 }
                }
            }
        }
        defectCount = count
        remappedPositions = inGrid
        healthySpares = max(0, spec.physicalCores - grid) - (count - inGrid)
        defectsPerColumn = cols
        defectsPerRow = rows
    }

    /// Its defective cores: the bitmap, grid width cores per row, drawn from ``defectStream``
    /// (about 104 KiB; built on each access, so a caller that needs it several times keeps a copy).
    public var defects: DefectMap {
        var stream = defectStream
        return DefectMap(cores: spec.physicalCores, columns: spec.gridWidth, rate: spec.defectRate, rng: &stream)
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
