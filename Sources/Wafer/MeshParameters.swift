/// The mesh as every wafer consumer takes it, stated once: the programmable grid, the hop and
/// detour latencies, the FMACs per core per cycle, the clock and the SRAM per core (with what the
/// runtime reserves). ``WaferSpec/mesh`` gives a wafer's; the mapping model (``WaferMapper``)
/// and the referee's problems are built from it instead of copying its fields one by one.
public struct MeshParameters: Sendable, Hashable {
    /// Rows and columns of the programmable grid.
    public var rows: Int, columns: Int
    /// Cycles for a word to cross one link, and the extra cycles of a hop into a position served
    /// by a spare core.
    public var hopLatencyCycles: Double, detourLatencyCycles: Double
    /// FP16 FMACs per core per cycle (before the kernel efficiency).
    public var fmacsPerCorePerCycle: Int
    /// Core clock, Hz.
    public var clockHz: Double
    /// SRAM per core, and the part of it code, runtime and routing buffers hold.
    public var sramBytesPerCore: Int, reservedSRAMBytesPerCore: Int

    /// Cores of the programmable grid.
    public var cores: Int { rows * columns }

    /// The WSE-2's mesh: ``WaferSpec``'s defaults (docs/model.md), the one statement of its FMAC
    /// rate, clock and SRAM that every other default of the mapping model and the referee takes.
    public static let wse2 = WaferSpec().mesh

    /// A mesh from every field; the FMAC rate, clock and SRAM left out are the WSE-2's (``wse2``),
    /// the detour latency and the reserved SRAM left out are none.
    public init(rows: Int, columns: Int, hopLatencyCycles: Double, detourLatencyCycles: Double = 0,
                fmacsPerCorePerCycle: Int = MeshParameters.wse2.fmacsPerCorePerCycle, clockHz: Double = MeshParameters.wse2.clockHz,
                sramBytesPerCore: Int = MeshParameters.wse2.sramBytesPerCore, reservedSRAMBytesPerCore: Int = 0) {
        self.rows = rows
        self.columns = columns
        self.hopLatencyCycles = hopLatencyCycles
        self.detourLatencyCycles = detourLatencyCycles
        self.fmacsPerCorePerCycle = fmacsPerCorePerCycle
        self.clockHz = clockHz
        self.sramBytesPerCore = sramBytesPerCore
        self.reservedSRAMBytesPerCore = reservedSRAMBytesPerCore
    }
}

extension WaferSpec {
    /// The wafer's mesh: its grid (rows = grid height), latencies, FMAC rate, clock and SRAM.
    /// Setting it sets those fields (the physical cores and the defect rate are left as they are).
    public var mesh: MeshParameters {
        get {
            MeshParameters(rows: gridHeight, columns: gridWidth, hopLatencyCycles: hopLatencyCycles, detourLatencyCycles: detourLatencyCycles,
                           fmacsPerCorePerCycle: fmacsPerCorePerCycle, clockHz: clockHz, sramBytesPerCore: sramBytesPerCore,
                           reservedSRAMBytesPerCore: reservedSRAMBytesPerCore)
        }
        set {
            (gridHeight, gridWidth) = (newValue.rows, newValue.columns)
            (hopLatencyCycles, detourLatencyCycles) = (newValue.hopLatencyCycles, newValue.detourLatencyCycles)
            (fmacsPerCorePerCycle, clockHz) = (newValue.fmacsPerCorePerCycle, newValue.clockHz)
            (sramBytesPerCore, reservedSRAMBytesPerCore) = (newValue.sramBytesPerCore, newValue.reservedSRAMBytesPerCore)
        }
    }
}

/// One operation on the mesh at a given mapping, as both the closed form and the core-level
/// referee take it: a GEMM on a tiling, or an attention on `stripes` x `stripes` squares.
public enum MeshOperation: Sendable, Hashable {
    case gemm(GemmShape, GemmTiling)
    /// An attention on `stripes x stripes` squares, each block in `queryChunks x keyChunks` sub-blocks.
    case attention(AttentionShape, stripes: Int, queryChunks: Int = 1, keyChunks: Int = 1)
}

/// What one operation costs on the mesh: cycles from its start to its last result, and what
/// paced it ("compute", "column link", "row link", "ingress", "merge"; the referee, which
/// simulates rather than bounds, says "simulated").
public struct MeshTiming: Sendable, Equatable {
    /// Cycles.
    public var cycles: Double
    /// What paced it.
    public var pacedBy: String

    /// A timing.
    public init(cycles: Double, pacedBy: String) {
        self.cycles = cycles
        self.pacedBy = pacedBy
    }
}

/// An operation that cannot be priced as asked (a partition the grid cannot hold, a problem the
/// referee refuses), with the reason.
public struct MeshOperationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What is wrong.
    public let message: String
    /// An error reporting `message`.
    public init(_ message: String) { self.message = message }
    /// The message.
    public var description: String { message }
}

/// Prices operations on a mesh. The mapping model's closed form (``WaferMapper``) and the
/// core-level referee (`RefereePricer`, module WaferReferee) both implement it, so the same call
/// that prices a training run's operations can price them event by event on a small grid.
public protocol MeshPricer: Sendable {
    /// The cycles `operation` takes and what paced it.
    func price(_ operation: MeshOperation) throws(MeshOperationError) -> MeshTiming
}

extension WaferMapper: MeshPricer {
    /// The closed form (docs/wafer-dataflow.md): ``estimate(_:_:)`` for a GEMM, and
    /// ``AttentionMapping/estimate(_:stripes:queryChunks:keyChunks:rows:columns:hop:costs:)`` for an attention.
    public func price(_ operation: MeshOperation) throws(MeshOperationError) -> MeshTiming {
        switch operation {
        case .gemm(let shape, let tiling):
            let e = estimate(shape, tiling)
            return MeshTiming(cycles: e.cycles, pacedBy: e.bound)
        case .attention(let shape, let p, let cq, let ck):
            guard let e = AttentionMapping.estimate(shape, stripes: p, queryChunks: cq, keyChunks: ck, rows: rows, columns: columns,
                                                    hop: hop, costs: attentionCosts) else {
                throw MeshOperationError("attention \(shape) on \(p) x \(p) squares does not fit a \(rows) x \(columns) grid")
            }
            return MeshTiming(cycles: e.cycles, pacedBy: e.bound)
        }
    }
}
