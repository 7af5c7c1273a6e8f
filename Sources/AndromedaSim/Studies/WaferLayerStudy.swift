import Foundation
import Reports
import SimEngine
import Training
import Wafer
import WaferReferee

/// One layer's weight-streamed GEMMs simulated core by core by the referee (module `WaferReferee`,
/// docs/referee.md) beside the mapping model's prediction for the same tiling: the work of
/// `andromeda-sim wafer`, for the command line and for library users alike.
///
/// ```swift
/// var o = WaferLayerStudy.Options(model: ModelCatalog.model(named: "genslm-1.3b")!)
/// o.microBatch = 16
/// var study = try WaferLayerStudy(o)
/// let totals = try study.simulate { g in print(g.name, g.referee.cycles, g.estimate.cycles) }
/// try study.writeHeatMap(to: "out/w.svg")
/// ```
public struct WaferLayerStudy {
    /// What to simulate.
    public struct Options: Sendable {
        /// The model (sequence length included).
        public var model: ModelSpec
        /// Layer index: 1 to layers are the blocks, layers + 1 the output head (0, the embedding, has no GEMM).
        public var layer = 1
        /// One GEMM of the layer by name (nil: all of them).
        public var op: String?
        /// Samples per micro-batch.
        public var microBatch = 1
        /// The mesh: grid, hop and detour latencies, FMAC rate, clock and SRAM (default: a
        /// WSE-2's, `WaferSpec().mesh`, 994 x 750).
        public var mesh = WaferSpec().mesh
        /// Weight ingress, 32-bit words per cycle (infinity: buffered at the edge, as training prices GEMMs).
        public var ingressWordsPerCycle = Double.infinity
        /// Kernel efficiency (default: the calibrated one).
        public var kernelEfficiency = EfficiencyModel().kernelEfficiency
        /// Fraction of grid positions defective, and the seed that places them.
        public var defectRate = 0.001, seed: UInt64 = 42
        /// Overrides of the chosen tiling's columns per group, column groups and block columns.
        public var pk: Int?, pn: Int?, nb: Int?
        /// Record a Chrome/Perfetto trace of this corner of cores (rows x columns from the north-west), or nil.
        public var traceCorner: (rows: Int, columns: Int)?

        /// The defaults for `model`.
        public init(model: ModelSpec) { self.model = model }
    }

    /// Why a study cannot run.
    public enum Failure: Error, CustomStringConvertible {
        /// The grid (and its defects) cannot be built.
        case grid(String)
        /// A GEMM has no tiling that fits the SRAM left.
        case unmappable(String)
        /// The referee refused the problem of GEMM `gemm`; `parameter` names the problem field.
        case problem(gemm: String, parameter: String, message: String)

        public var description: String {
            switch self {
            case .grid(let m), .unmappable(let m): return m
            case .problem(let g, _, let m): return "\(g): \(m)"
            }
        }
    }

    /// One GEMM: its shape, the mapping model's estimate and the referee's run.
    public struct GemmOutcome {
        /// The GEMM's name in the layer ("ffn-up").
        public let name: String
        /// Its shape.
        public let shape: GemmShape
        /// The mapping model's tiling and time.
        public let estimate: GemmEstimate
        /// The referee's run of that tiling.
        public let referee: GemmSimulationResult
        /// Wall-clock seconds of the referee run.
        public let wallSeconds: Double
    }

    /// Sums over the GEMMs simulated.
    public struct Totals: Sendable {
        /// Referee cycles, mapping model cycles, referee nanoseconds.
        public var refereeCycles = 0.0, modelCycles = 0.0, refereeNanoseconds: Int64 = 0
        /// GEMMs simulated.
        public var gemms = 0
    }

    /// Largest grid the referee simulates.
    public static let maxGridCores = GemmProblem.maxGridCores
    /// Largest traced corner.
    public static let maxTraceCores = GemmTraceRequest.maxCores

    /// The options.
    public let options: Options
    /// The resolved wafer (grid, latencies, defect rate).
    public let wafer: WaferSpec
    /// Defective grid positions.
    public var defectCount: Int { defects.defectCount }
    /// Tokens of the micro-batch.
    public let tokens: Int
    /// SRAM left per core for GEMM tiles after the stored layer inputs and the block's working set.
    public let freeBytesPerCore: Int
    /// SRAM per core left for the attention's squares (the feed-forward's intermediate not live).
    public let attentionFreeBytesPerCore: Int
    /// The GEMMs simulated (the layer's, or the one of ``Options/op``).
    public let gemms: [(name: String, shape: GemmShape)]

    private let defects: DefectMap
    private let mapper: WaferMapper
    private let stored: Int, working: Int
    private var busy: [Double]
    private var totals = Totals()
    /// The trace being recorded, when ``Options/traceCorner`` is set.
    public let trace: ChromeTrace?

    /// The weight-streamed GEMMs of `layer` at `samples` per micro-batch, as training prices
    /// them (LayerOps): blocks 1...layers, the head at layers + 1; the embedding has none.
    public static func gemms(of m: ModelSpec, layer: Int, samples: Int) -> [(name: String, shape: GemmShape)] {
        let kind: LayerCost.Kind = layer == 0 ? .embedding : layer <= m.layers ? .block : .head
        return LayerOps.forward(m, kind: kind, samples: samples).compactMap {
            if case .gemm(let name, let shape) = $0 { return (name, shape) }
            return nil
        }
    }

    /// Builds the wafer's defects (grid position (r, c) is physical core r * columns + c) and the
    /// mapping model for it, as a training run builds them, and the SRAM the micro-batch holds on
    /// every core before any GEMM tile.
    public init(_ o: Options) throws(Failure) {
        options = o
        var ws = WaferSpec()
        ws.mesh = o.mesh
        ws.physicalCores = max(ws.physicalCores, o.mesh.cores)
        ws.defectRate = o.defectRate
        wafer = ws
        let rho = o.ingressWordsPerCycle
        let w = Wafer(spec: ws, index: 0, rng: Xoshiro256(seed: o.seed))
        mapper = WaferMapper(wafer: w, kernelEfficiency: o.kernelEfficiency,
                             ingressBytesPerSecond: rho.isInfinite ? nil : rho * 4 * ws.clockHz)
        do { defects = try DefectMap.grid(rows: ws.gridHeight, columns: ws.gridWidth, reading: w.defects) } catch { throw .grid("\(error)") }
        let m = o.model
        let tokens = Double(o.microBatch) * Double(m.seqLen), cores = Double(o.mesh.cores)
        self.tokens = Int(tokens)
        stored = Int((tokens * Double(LayerOps.storedLayerInputs(blocks: m.layers)) * 2 * Double(m.dModel) / cores).rounded(.up))
        working = Int((tokens * LayerOps.workingBytesPerToken(m) / cores).rounded(.up))
        // The one SRAM budget training uses (LayerOps), on this grid's cores.
        freeBytesPerCore = LayerOps.freeBytesPerCore(m, samples: o.microBatch, gridCores: o.mesh.cores,
                                                     sramBytesPerCore: ws.sramBytesPerCore, reservedBytesPerCore: ws.reservedSRAMBytesPerCore)
        attentionFreeBytesPerCore = LayerOps.freeBytesPerCore(m, samples: o.microBatch, gridCores: o.mesh.cores,
                                                              sramBytesPerCore: ws.sramBytesPerCore,
                                                              reservedBytesPerCore: ws.reservedSRAMBytesPerCore, attention: true)
        gemms = Self.gemms(of: m, layer: o.layer, samples: o.microBatch).filter { o.op == nil || $0.name == o.op }
        busy = [Double](repeating: 0, count: o.mesh.cores)
        trace = o.traceCorner.map { _ in ChromeTrace() }
    }

    /// Simulates every GEMM in turn (the chosen tiling, or the overridden one), calling `each`
    /// after each, and returns the sums.
    public mutating func simulate(each: (GemmOutcome) -> Void) throws(Failure) -> Totals {
        let o = options, ws = wafer, free = freeBytesPerCore
        for (name, shape) in gemms {
            let estimate: GemmEstimate
            if o.pk != nil || o.pn != nil || o.nb != nil {
                let best = mapper.bestTiling(shape, freeBytesPerCore: max(free, 0))
                let tiling = GemmTiling(rowsUsed: min(o.mesh.rows, shape.tokens),
                                        columnsPerGroup: o.pk ?? best?.tiling.columnsPerGroup ?? 1,
                                        groups: o.pn ?? best?.tiling.groups ?? 1, blockColumns: o.nb ?? best?.tiling.blockColumns ?? 1)
                estimate = mapper.estimate(shape, tiling)
            } else {
                guard let best = mapper.bestTiling(shape, freeBytesPerCore: free) else {
                    throw .unmappable("\(o.model.name) layer \(o.layer) \(name) (GEMM \(shape)) cannot be mapped: no tiling fits the \(free) bytes per core left")
                }
                estimate = best
            }
            let t = estimate.tiling
            // The study's wafer (the options' mesh) as one mesh, like the mapper's.
            let problem = GemmProblem(mesh: ws.mesh, kernelEfficiency: o.kernelEfficiency, ingressWordsPerCycle: o.ingressWordsPerCycle,
                                      storedBytesPerCore: stored, workingBytesPerCore: working,
                                      tokens: shape.tokens, dIn: shape.dIn, dOut: shape.dOut,
                                      tiling: GemmTiling(rowsUsed: t.rowsUsed, columnsPerGroup: t.columnsPerGroup,
                                                         groups: t.groups, blockColumns: t.blockColumns),
                                      defects: defects.defectCount > 0 ? defects : nil)
            let request = trace.flatMap { chrome in
                o.traceCorner.map {
                    GemmTraceRequest(sink: chrome.group("wafer \(name)"), rows: 0..<min($0.rows, o.mesh.rows), columns: 0..<min($0.columns, o.mesh.columns))
                }
            }
            let clock = ContinuousClock()
            let t0 = clock.now
            let r: GemmSimulationResult
            do { r = try GemmReferee.simulate(problem, trace: request) } catch {
                throw .problem(gemm: name, parameter: error.parameter, message: "\(error)")
            }
            let wall = clock.now - t0
            for i in 0..<busy.count { busy[i] += r.busyCycles[i] }
            totals.refereeCycles += r.cycles
            totals.modelCycles += estimate.cycles
            totals.refereeNanoseconds += r.nanoseconds
            totals.gemms += 1
            each(GemmOutcome(name: name, shape: shape, estimate: estimate, referee: r,
                             wallSeconds: Double(wall.components.seconds) + Double(wall.components.attoseconds) * 1e-18))
        }
        return totals
    }

    /// The block's attention as the mapping model prices it, and the attention referee's run of
    /// the same partition (`AttentionReferee`; not run, with the reason, beyond its size limit).
    public struct AttentionOutcome {
        public let shape: AttentionShape
        public let estimate: AttentionEstimate
        public let referee: Result<AttentionSimulationResult, GemmProblemError>
        public let wallSeconds: Double
    }

    /// The attention of the study's layer (a block) at its micro-batch, in the SRAM left.
    public func attention() throws(Failure) -> AttentionOutcome {
        let m = options.model, ws = wafer
        let shape = AttentionShape(instances: options.microBatch * m.heads, sequence: m.seqLen,
                                   headWidth: max(1, m.dModel / max(1, m.heads)), causal: m.causal)
        let costs = mapper.attentionCosts
        guard let best = mapper.bestAttention(shape, freeBytesPerCore: attentionFreeBytesPerCore) else {
            throw .unmappable("\(m.name) layer \(options.layer) attention (\(shape)) cannot be mapped: no square's stripes fit the "
                + "\(attentionFreeBytesPerCore) bytes per core left")
        }
        let problem = AttentionProblem(mesh: ws.mesh, costs: costs, shape: shape, stripes: best.stripes,
                                       queryChunks: best.queryChunks, keyChunks: best.keyChunks)
        let clock = ContinuousClock()
        let t0 = clock.now
        let r: Result<AttentionSimulationResult, GemmProblemError>
        do { r = .success(try AttentionReferee.simulate(problem)) } catch { r = .failure(error) }
        let wall = clock.now - t0
        return AttentionOutcome(shape: shape, estimate: best, referee: r,
                                wallSeconds: Double(wall.components.seconds) + Double(wall.components.attoseconds) * 1e-18)
    }

    /// Writes the per-core utilisation heat map (SVG) of the GEMMs simulated so far to `path`,
    /// titled with the model, layer, operation and grid. An SVG carries no mark of its writer, so
    /// `path` must be new (`SingleFileOutput` of module Reports): an existing file is refused
    /// (`OutputRefused`), never replaced.
    public func writeHeatMap(to path: String) throws {
        let o = options
        let map = UtilizationHeatMap(busyCycles: busy, gridRows: o.mesh.rows, gridColumns: o.mesh.columns, totalCycles: totals.refereeCycles)
        let title = "\(o.model.name) layer \(o.layer) \(o.op ?? "all GEMMs"): compute utilisation per core, \(o.mesh.rows) x \(o.mesh.columns) grid"
        try Self.heatMapOutput(path).write(Data(map.svg(title: title).utf8))
    }

    /// Writes the recorded trace to `path` (nothing when none was recorded): a new path, or a
    /// trace the program wrote, else `OutputRefused`.
    public func writeTrace(to path: String) throws {
        try trace?.write(to: Self.traceOutput(path))
    }

    /// Checks the paths ``writeHeatMap(to:)`` and ``writeTrace(to:)`` will be given, before the
    /// simulation: each by the rule of `SingleFileOutput` (module Reports), and not the same file.
    public static func checkOutputs(heatMap: String?, trace: String?) throws(OutputRefused) {
        let outputs = [heatMap.map(heatMapOutput), trace.map(traceOutput)].compactMap { $0 }
        try SingleFileOutput.checkDistinct(outputs)
        for output in outputs { try OutputSafety.checkSingleFile(output, inputs: []) }
    }

    static func heatMapOutput(_ path: String) -> SingleFileOutput { SingleFileOutput(path, parameter: .heatmap, format: .svg) }
    static func traceOutput(_ path: String) -> SingleFileOutput { SingleFileOutput(path, parameter: .trace, format: .perfettoTrace) }
}
