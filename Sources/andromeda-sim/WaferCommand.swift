import AndromedaSim
import ArgumentParser
import Foundation
import Training

/// `andromeda-sim wafer`: one layer's weight-streamed GEMMs simulated by the core-level referee,
/// beside the mapping model's prediction.
struct WaferCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wafer",
        abstract: "Simulate one layer's GEMMs and attention core by core on the wafer mesh (the referees of the mapping model).",
        discussion: """
            Every core of the grid is an entity; weights stream in from the north edge, cores compute, partial \
            sums reduce west to east (docs/wafer-dataflow.md). Layers: 0 is the embedding (no GEMM), 1 to L the \
            transformer blocks, L+1 the output head. Ops of a block: qkv, proj, ffn-up, ffn-down (and \
            modulation for DiT), and attention (its own referee: squares of cores, docs/wafer-dataflow.md); of the head: vocab. Each GEMM's tiling and predicted time come from the mapping \
            model (WaferMapper, as training runs use it); the referee simulates that tiling.
            Example: andromeda-sim wafer --model genslm-1.3b --layer 1 --op ffn-up --micro-batch 16 --heatmap out/w.svg
            """
    )

    @Option(help: "Built-in model name.") var model: String = "genslm-1.3b"
    @Option(help: "Layer index (1 to layers + 1; default 1, the first block).") var layer: Int = 1
    @Option(help: "One GEMM of the layer (default: all of them).") var op: String?
    @Option(help: "Samples per micro-batch (1 to 65536).") var microBatch: Int = 1
    @Option(help: "Sequence length (default: the model's; \(ModelSpec.seqLenRange.lowerBound) to \(ModelSpec.seqLenRange.upperBound)).") var seqLen: Int?
    @Option(help: "Grid as ROWSxCOLUMNS (default 994x750, a WSE-2), each 1 to 16384, at most 4194304 cores in all.") var grid: String = "994x750"
    @Option(help: "Per-hop latency, cycles (0 to 1e6; default: the WSE-2's).") var hopLatency: Double?
    @Option(help: "Detour latency into a defective position, cycles (0 to 1e9; default: the WSE-2's).") var detourLatency: Double?
    @Option(help: "Weight ingress, 32-bit words per cycle (above 0, or inf: buffered at the edge, as training prices GEMMs).") var ingress: String = "inf"
    @Option(help: "Kernel efficiency (0 to 1, above 0; default: the calibrated one).") var efficiency: Double = EfficiencyModel().kernelEfficiency
    @Option(help: "Fraction of grid positions defective (0 to 1).") var defectRate: Double = 0.001
    @Option(help: "Random seed for the defects.") var seed: UInt64 = 42
    @Option(help: "Override the tiling's columns per group pk.") var pk: Int?
    @Option(help: "Override the tiling's column groups pn.") var pn: Int?
    @Option(help: "Override the tiling's output columns per block Nb.") var nb: Int?
    @Option(help: "Write the per-core utilisation heat map (SVG) to this path.") var heatmap: String?
    @Option(help: "Write a Chrome/Perfetto trace of a corner of cores to this path.") var trace: String?
    @Option(help: "Traced corner as ROWSxCOLUMNS from the north-west corner (at most 4096 cores).") var traceCores: String = "4x8"

    var parsedGrid: (Int, Int)? { Self.pair(grid) }
    var parsedTraceCores: (Int, Int)? { Self.pair(traceCores) }
    var parsedIngress: Double? {
        guard let v = Double(ingress), v > 0, !v.isNaN else { return nil }
        return v
    }

    /// The block's attention: the partition the mapping model picks in the SRAM left, and the
    /// attention referee on it (docs/wafer-dataflow.md, "Attention").
    func attention(_ m: ModelSpec, study: WaferLayerStudy) {
        let a: WaferLayerStudy.AttentionOutcome
        do { a = try study.attention() } catch { fail("--micro-batch/--seq-len/--grid: \(error)") }
        let e = a.estimate
        print("attention: \(a.shape); \(e.stripes) x \(e.stripes) squares, \(e.squares) side by side, \(e.waves) waves, \(e.bound)-bound, "
            + "\(e.bytesPerCore) B/core")
        switch a.referee {
        case .success(let r):
            print(String(format: "  referee %.0f cycles = %.3f us; mapping model %.0f cycles; referee - model = %+.2f%%",
                         r.cycles, r.cycles / study.wafer.clockHz * 1e6, e.cycles, RelativeError.of(r.cycles, e.cycles) * 100))
            print(String(format: "  busiest core %.1f%%, mean %.1f%% of the square; events %llu, wall %.3f s",
                         r.busiestCoreUtilization * 100, r.meanCoreUtilization * 100, r.events, a.wallSeconds))
        case .failure(let error):
            print("  referee not run: \(error)")
        }
    }

    static func pair(_ text: String) -> (Int, Int)? {
        let parts = text.lowercased().split(separator: "x")
        guard parts.count == 2, let a = Int(parts[0]), let b = Int(parts[1]), (1...16_384).contains(a), (1...16_384).contains(b) else { return nil }
        return (a, b)
    }

    func validate() throws {
        guard let m = ModelCatalog.model(named: model) else {
            throw ValidationError("--model: unknown model \(model); known: \(ModelCatalog.all.map(\.name).joined(separator: ", "))")
        }
        guard (1...(m.layers + 1)).contains(layer) else {
            throw ValidationError("--layer must be 1 to \(m.layers + 1) for \(model) (layer 0, the embedding, has no GEMM)")
        }
        guard (1...65_536).contains(microBatch) else { throw ValidationError("--micro-batch must be 1 to 65536") }
        if let s = seqLen, !ModelSpec.seqLenRange.contains(s) {
            throw ValidationError("--seq-len must be \(ModelSpec.seqLenRange.lowerBound) to \(ModelSpec.seqLenRange.upperBound)")
        }
        guard let g = parsedGrid, g.0 * g.1 <= WaferLayerStudy.maxGridCores else {
            throw ValidationError("--grid must be ROWSxCOLUMNS, each 1 to 16384, at most \(WaferLayerStudy.maxGridCores) cores")
        }
        if let h = hopLatency, !(h >= 0 && h <= 1e6) { throw ValidationError("--hop-latency must be 0 to 1e6 cycles") }
        if let d = detourLatency, !(d >= 0 && d <= 1e9) { throw ValidationError("--detour-latency must be 0 to 1e9 cycles") }
        guard parsedIngress != nil else { throw ValidationError("--ingress must be a number above 0 or inf") }
        guard efficiency > 0, efficiency <= 1 else { throw ValidationError("--efficiency must be in (0, 1]") }
        guard defectRate >= 0, defectRate <= 1 else { throw ValidationError("--defect-rate must be 0 to 1") }
        guard let tc = parsedTraceCores, tc.0 * tc.1 <= WaferLayerStudy.maxTraceCores, trace == nil || (tc.0 <= g.0 && tc.1 <= g.1) else {
            throw ValidationError("--trace-cores must be ROWSxCOLUMNS inside the grid, at most \(WaferLayerStudy.maxTraceCores) cores")
        }
        let ops = WaferLayerStudy.gemms(of: m, layer: layer, samples: microBatch).map(\.name) + (layer <= m.layers ? ["attention"] : [])
        if let o = op, !ops.contains(o) {
            throw ValidationError("--op must be one of \(ops.joined(separator: ", ")) for layer \(layer)")
        }
        for (flag, v) in [("--pk", pk), ("--pn", pn), ("--nb", nb)] {
            if let v, v < 1 { throw ValidationError("\(flag) must be at least 1") }
        }
    }

    func run() throws {
        guard let m = ModelCatalog.model(named: model, seqLen: seqLen), let gridShape = parsedGrid,
              let traceShape = parsedTraceCores else { throw ExitCode(2) }
        var o = WaferLayerStudy.Options(model: m)
        o.layer = layer
        o.op = op
        o.microBatch = microBatch
        (o.mesh.rows, o.mesh.columns) = gridShape
        if let h = hopLatency { o.mesh.hopLatencyCycles = h }
        if let d = detourLatency { o.mesh.detourLatencyCycles = d }
        o.ingressWordsPerCycle = parsedIngress ?? .infinity
        o.kernelEfficiency = efficiency
        o.defectRate = defectRate
        o.seed = seed
        (o.pk, o.pn, o.nb) = (pk, pn, nb)
        o.traceCorner = trace.map { _ in traceShape }
        let (rows, columns) = gridShape
        var study: WaferLayerStudy
        do { study = try WaferLayerStudy(o) } catch { fail("--grid: \(error)") }
        let ws = study.wafer
        // The stored layer inputs must leave SRAM for the tiles: said before anything is printed.
        guard study.freeBytesPerCore > 0 else {
            fail("--grid \(rows)x\(columns) with --micro-batch \(microBatch) (\(study.tokens) tokens): the layer's stored inputs and "
                + "working set exceed the SRAM of each core by \(-study.freeBytesPerCore) bytes, leaving nothing for the GEMM tiles; "
                + "allowed: a grid and micro-batch that leave SRAM free (a larger --grid, or a smaller --micro-batch or --seq-len)")
        }
        print("model \(m.name), layer \(layer), micro-batch \(microBatch) x seq \(m.seqLen) = \(study.tokens) tokens; grid \(rows) x \(columns), \(study.defectCount) defective positions")
        print(String(format: "mesh: hop %.3g cycles, detour %.3g cycles, ingress %@ words/cycle, kernel efficiency %.4g, clock %.3g GHz; SRAM left for tiles %d B/core",
                     ws.hopLatencyCycles, ws.detourLatencyCycles, ingress as NSString, efficiency, ws.clockHz / 1e9, study.freeBytesPerCore))
        let totals: WaferLayerStudy.Totals
        do {
            totals = try study.simulate { g in
                let (shape, t, r, estimate) = (g.shape, g.estimate.tiling, g.referee, g.estimate)
                print("\(g.name): T=\(shape.tokens) K=\(shape.dIn) N=\(shape.dOut); tiling pt=\(t.rowsUsed) pk=\(t.columnsPerGroup) pn=\(t.groups) Nb=\(t.blockColumns), \(r.blocks) blocks, \(estimate.bound)-bound")
                print(String(format: "  referee %.0f cycles = %.3f us; mapping model %.0f cycles; referee - model = %+.2f%%",
                             r.cycles, Double(r.nanoseconds) / 1e3, estimate.cycles, RelativeError.of(r.cycles, estimate.cycles) * 100))
                print(String(format: "  utilisation %.1f%% of used cores, %.1f%% of the grid; SRAM %d B/core (%@), %d weight blocks held at most",
                             r.usedUtilization * 100, r.gridUtilization * 100, r.sramBytesPerCore, (r.sramFits ? "fits" : "does not fit") as NSString,
                             r.maxResidentWeightBlocks))
                print(String(format: "  events %llu, wall %.3f s, %.2f M events/s", r.events, g.wallSeconds, Double(r.events) / max(g.wallSeconds, 1e-9) / 1e6))
            }
        } catch {
            switch error {
            case .grid(let message): fail("--grid: \(message)")
            case .unmappable(let message): fail("--micro-batch/--seq-len/--grid: \(message)")
            case .problem(let gemm, let parameter, let message): fail("\(Self.flag(for: parameter)): \(gemm): \(message)")
            }
        }
        if (op == nil || op == "attention") && layer <= m.layers { attention(m, study: study) }
        if totals.gemms > 1 {
            print(String(format: "layer GEMMs: referee %.0f cycles = %.3f us; mapping model %.0f cycles; referee - model = %+.2f%%",
                         totals.refereeCycles, Double(totals.refereeNanoseconds) / 1e3, totals.modelCycles,
                         RelativeError.of(totals.refereeCycles, totals.modelCycles) * 100))
        }
        do {
            if let path = heatmap {
                try study.writeHeatMap(to: path)
                print("wrote \(path)")
            }
            if let path = trace, let chrome = study.trace {
                try study.writeTrace(to: path)
                print("wrote \(path) (\(chrome.recordedEvents) events, \(chrome.droppedEvents) dropped)")
            }
        } catch {
            writeStandardError("andromeda-sim: \(error)\n")
            throw ExitCode(1)
        }
    }

    /// The flag that sets a ``GemmProblem`` parameter, for error messages.
    static func flag(for parameter: String) -> String {
        switch parameter {
        case "tiling.columnsPerGroup": return "--pk"
        case "tiling.groups": return "--pn"
        case "tiling.blockColumns": return "--nb"
        case "tiling", "tiling.rowsUsed": return "--pk/--pn/--nb/--grid"
        case "tokens": return "--micro-batch/--seq-len"
        // The cycle bound grows with the tokens and the GEMM and shrinks with the rates.
        case "problem size": return "--micro-batch/--seq-len/--ingress/--efficiency"
        case "rows", "columns", "rows x columns", "defects": return "--grid"
        case "hopLatencyCycles": return "--hop-latency"
        case "detourLatencyCycles": return "--detour-latency"
        case "ingressWordsPerCycle": return "--ingress"
        case "kernelEfficiency": return "--efficiency"
        case "trace", "trace.rows", "trace.columns": return "--trace-cores"
        default: return parameter
        }
    }
}
