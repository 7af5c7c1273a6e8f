import Wafer
import Wafer

/// One weight-streamed GEMM `Y[T x N] = X[T x K] . W[K x N]` on an `R x C` mesh, with every
/// parameter of docs/wafer-dataflow.md. Plain values: ``GemmReferee/simulate(_:trace:)`` checks
/// every field and throws ``GemmProblemError`` naming the first one out of range.
public struct GemmProblem: Sendable, Equatable {
    /// Grid rows `R` (994 on a WSE-2): 1 to 16,384; rows x columns at most 4,194,304.
    public var rows: Int
    /// Grid columns `C` (750 on a WSE-2): 1 to 16,384.
    public var columns: Int
    /// Per-hop latency `h`, cycles: 0 to 1e6.
    public var hopLatencyCycles: Double
    /// Extra latency `d` of a link into a defective position, cycles: 0 to 1e9.
    public var detourLatencyCycles: Double
    /// FP16 FMACs per core per cycle `F` (4 on a WSE-2): above 0, at most 1,024.
    public var fmacsPerCycle: Double
    /// Kernel efficiency `eta`: above 0, at most 1.
    public var kernelEfficiency: Double
    /// Weight ingress at the north edge `rho`, 32-bit words per cycle: above 0; `.infinity` means
    /// the weights are already buffered at the edge.
    public var ingressWordsPerCycle: Double
    /// Core clock, Hz (only converts cycles to nanoseconds): 1e6 to 1e11.
    public var clockHz: Double
    /// SRAM per core, bytes (48 KiB on a WSE-2): 1 to 2^40. Only compared against, never limits.
    public var sramBytesPerCore: Int
    /// Activations kept for the backward pass, spread evenly over the grid, bytes per core: 0 to 2^40.
    public var storedBytesPerCore: Int
    /// The running layer's live activations (its input X and outputs included), spread evenly
    /// over the grid, bytes per core: 0 to 2^40.
    public var workingBytesPerCore: Int
    /// Code and runtime, bytes per core: 0 to 2^40.
    public var reservedBytesPerCore: Int
    /// Tokens `T` (micro-batch x sequence length): 1 to 2^40.
    public var tokens: Int
    /// Input dimension `K` (d_in): 1 to 2^30.
    public var dIn: Int
    /// Output dimension `N` (d_out): 1 to 2^30.
    public var dOut: Int
    /// The tiling.
    public var tiling: GemmTiling
    /// Defective grid positions (links into them cost `h + d`); nil: none. Must be rows x columns.
    public var defects: DefectMap?

    /// A problem on `mesh` (its grid, latencies, FMAC rate, clock, SRAM and reserved bytes), the
    /// activations' bytes per core and the GEMM given.
    public init(mesh: MeshParameters, kernelEfficiency: Double = 1, ingressWordsPerCycle: Double = .infinity,
                storedBytesPerCore: Int = 0, workingBytesPerCore: Int = 0, tokens: Int, dIn: Int, dOut: Int, tiling: GemmTiling,
                defects: DefectMap? = nil) {
        self.init(rows: mesh.rows, columns: mesh.columns, hopLatencyCycles: mesh.hopLatencyCycles,
                  detourLatencyCycles: mesh.detourLatencyCycles, fmacsPerCycle: Double(mesh.fmacsPerCorePerCycle),
                  kernelEfficiency: kernelEfficiency, ingressWordsPerCycle: ingressWordsPerCycle, clockHz: mesh.clockHz,
                  sramBytesPerCore: mesh.sramBytesPerCore, storedBytesPerCore: storedBytesPerCore, workingBytesPerCore: workingBytesPerCore,
                  reservedBytesPerCore: mesh.reservedSRAMBytesPerCore, tokens: tokens, dIn: dIn, dOut: dOut, tiling: tiling, defects: defects)
    }

    /// A problem from every field; the FMAC rate, clock and SRAM left out are the WSE-2's
    /// (`MeshParameters.wse2`).
    public init(rows: Int, columns: Int, hopLatencyCycles: Double, detourLatencyCycles: Double = 0,
                fmacsPerCycle: Double = Double(MeshParameters.wse2.fmacsPerCorePerCycle), kernelEfficiency: Double = 1,
                ingressWordsPerCycle: Double = .infinity, clockHz: Double = MeshParameters.wse2.clockHz,
                sramBytesPerCore: Int = MeshParameters.wse2.sramBytesPerCore, storedBytesPerCore: Int = 0,
                workingBytesPerCore: Int = 0, reservedBytesPerCore: Int = 0, tokens: Int, dIn: Int, dOut: Int, tiling: GemmTiling,
                defects: DefectMap? = nil) {
        self.rows = rows
        self.columns = columns
        self.hopLatencyCycles = hopLatencyCycles
        self.detourLatencyCycles = detourLatencyCycles
        self.fmacsPerCycle = fmacsPerCycle
        self.kernelEfficiency = kernelEfficiency
        self.ingressWordsPerCycle = ingressWordsPerCycle
        self.clockHz = clockHz
        self.sramBytesPerCore = sramBytesPerCore
        self.storedBytesPerCore = storedBytesPerCore
        self.workingBytesPerCore = workingBytesPerCore
        self.reservedBytesPerCore = reservedBytesPerCore
        self.tokens = tokens
        self.dIn = dIn
        self.dOut = dOut
        self.tiling = tiling
        self.defects = defects
    }

    /// Largest grid accepted (rows x columns), so per-core state stays well under 1 GiB.
    public static let maxGridCores = 4_194_304
    /// Largest number of (core, block) pairs accepted: about three events each.
    public static let maxCoreBlocks = 4_000_000_000

    /// Throws the first parameter out of its documented range; does not allocate.
    public func validate() throws(GemmProblemError) {
        func need(_ ok: Bool, _ name: String, _ range: String, _ value: String) throws(GemmProblemError) {
            if !ok { throw GemmProblemError(parameter: name, message: "must be \(range) (got \(value))") }
        }
        try need((1...16_384).contains(rows), "rows", "1 to 16384", "\(rows)")
        try need((1...16_384).contains(columns), "columns", "1 to 16384", "\(columns)")
        try need(rows * columns <= Self.maxGridCores, "rows x columns", "at most \(Self.maxGridCores)", "\(rows * columns)")
        try need(hopLatencyCycles >= 0 && hopLatencyCycles <= 1e6, "hopLatencyCycles", "0 to 1e6", "\(hopLatencyCycles)")
        try need(detourLatencyCycles >= 0 && detourLatencyCycles <= 1e9, "detourLatencyCycles", "0 to 1e9", "\(detourLatencyCycles)")
        try need(fmacsPerCycle > 0 && fmacsPerCycle <= 1024, "fmacsPerCycle", "in (0, 1024]", "\(fmacsPerCycle)")
        try need(kernelEfficiency > 0 && kernelEfficiency <= 1, "kernelEfficiency", "in (0, 1]", "\(kernelEfficiency)")
        try need(ingressWordsPerCycle > 0 && !ingressWordsPerCycle.isNaN, "ingressWordsPerCycle",
                 "above 0 (infinity allowed)", "\(ingressWordsPerCycle)")
        try need(clockHz >= 1e6 && clockHz <= 1e11, "clockHz", "1e6 to 1e11", "\(clockHz)")
        let maxBytes = 1 << 40
        try need((1...maxBytes).contains(sramBytesPerCore), "sramBytesPerCore", "1 to 2^40", "\(sramBytesPerCore)")
        try need((0...maxBytes).contains(storedBytesPerCore), "storedBytesPerCore", "0 to 2^40", "\(storedBytesPerCore)")
        try need((0...maxBytes).contains(workingBytesPerCore), "workingBytesPerCore", "0 to 2^40", "\(workingBytesPerCore)")
        try need((0...maxBytes).contains(reservedBytesPerCore), "reservedBytesPerCore", "0 to 2^40", "\(reservedBytesPerCore)")
        try need((1...(1 << 40)).contains(tokens), "tokens", "1 to 2^40", "\(tokens)")
        try need((1...(1 << 30)).contains(dIn), "dIn", "1 to 2^30", "\(dIn)")
        try need((1...(1 << 30)).contains(dOut), "dOut", "1 to 2^30", "\(dOut)")
        let t = tiling
        try need((1...min(rows, tokens)).contains(t.rowsUsed), "tiling.rowsUsed", "1 to min(rows, tokens) = \(min(rows, tokens))", "\(t.rowsUsed)")
        try need((1...min(columns, dIn)).contains(t.columnsPerGroup), "tiling.columnsPerGroup",
                 "1 to min(columns, dIn) = \(min(columns, dIn))", "\(t.columnsPerGroup)")
        let maxGroups = min(columns / t.columnsPerGroup, dOut)
        try need((1...maxGroups).contains(t.groups), "tiling.groups", "1 to min(columns / columnsPerGroup, dOut) = \(maxGroups)", "\(t.groups)")
        try need((1...dOut).contains(t.blockColumns), "tiling.blockColumns", "1 to dOut = \(dOut)", "\(t.blockColumns)")
        // Work of one (core, block) must stay exact in a Double: Tr * Kc * Nb < 2^50.
        let tr = Double((tokens + t.rowsUsed - 1) / t.rowsUsed)
        let kc = Double((dIn + t.columnsPerGroup - 1) / t.columnsPerGroup)
        try need(tr * kc * Double(t.blockColumns) < 0x1p50, "tiling.blockColumns",
                 "such that ceil(T/pt) x ceil(K/pk) x Nb < 2^50", "\(t.blockColumns)")
        let nn = (dOut + t.groups - 1) / t.groups
        let blocks = (nn + t.blockColumns - 1) / t.blockColumns
        try need(blocks < (1 << 29), "tiling.blockColumns", "such that blocks per group < 2^29", "\(blocks) blocks")
        let coreBlocks = Double(t.rowsUsed) * Double(t.columnsPerGroup * t.groups) * Double(blocks)
        try need(coreBlocks <= Double(Self.maxCoreBlocks), "tiling", "at most \(Self.maxCoreBlocks) (core, block) pairs",
                 "\(Int64(coreBlocks))")
        // Every event time must stay an exact integer-capable Double (and fit an Int): bound the
        // end time by ingress + blocks x (q + compute + P) + (pt + pk) x (h + d) + q + P.
        let q = kc * Double(t.blockColumns), pw = tr * Double(t.blockColumns)
        let ingress = ingressWordsPerCycle == .infinity ? 0 : Double(dIn) * Double(dOut) / ingressWordsPerCycle
        let bound = ingress + Double(blocks) * (q + tr * kc * Double(t.blockColumns) / (fmacsPerCycle * kernelEfficiency) + pw)
            + Double(t.rowsUsed + t.columnsPerGroup) * (hopLatencyCycles + detourLatencyCycles) + q + pw
        try need(bound < 0x1p53, "problem size", "at most 2^53 cycles long (tokens, dIn, dOut, rates)", "a bound of \(bound) cycles")
        if let d = defects {
            try need(d.rows == rows && d.columns == columns, "defects", "a \(rows) x \(columns) grid", "\(d.rows) x \(d.columns)")
        }
    }
}

/// A parameter of a ``GemmProblem`` (or a referee option) out of its allowed range.
public struct GemmProblemError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The parameter's name, as in ``GemmProblem``.
    public let parameter: String
    /// What is wrong and the allowed range.
    public let message: String

    /// An error about `parameter`.
    public init(parameter: String, message: String) {
        self.parameter = parameter
        self.message = message
    }

    /// "parameter: message".
    public var description: String { "\(parameter): \(message)" }
}
