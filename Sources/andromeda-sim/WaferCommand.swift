import AndromedaSim
import ArgumentParser
import Foundation
import WaferSim

/// `andromeda-sim wafer`: one layer's weight-streamed GEMMs simulated by the core-level referee,
/// beside the mapping model's prediction.
struct WaferCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wafer",
        abstract: "Simulate one layer's GEMMs core by core on the wafer mesh (the referee of the mapping model).",
        discussion: """
            Every core of the grid is an entity; weights stream in from the north edge, cores compute, partial \
            sums reduce west to east (docs/wafer-dataflow.md). Layers: 0 is the embedding (no GEMM), 1 to L the \
            transformer blocks, L+1 the output head. Ops of a block: qkv, attn-out, ffn-up, ffn-gate (gated \
            models), ffn-down; of the head: vocab.
            Example: andromeda-sim wafer --model genslm-1.3b --layer 1 --op ffn-up --micro-batch 16 --heatmap out/w.svg
            """
    )

    @Option(help: "Built-in model name.") var model: String = "genslm-1.3b"
    @Option(help: "Layer index (1 to layers + 1; default 1, the first block).") var layer: Int = 1
    @Option(help: "One GEMM of the layer (default: all of them).") var op: String?
    @Option(help: "Samples per micro-batch (1 to 65536).") var microBatch: Int = 1
    @Option(help: "Sequence length (default: the model's; 1 to 1048576).") var seqLen: Int?
    @Option(help: "Grid as ROWSxCOLUMNS (default 994x750, a WSE-2), each 1 to 16384.") var grid: String = "994x750"
    @Option(help: "Per-hop latency, cycles (0 to 1e6).") var hopLatency: Double = WaferMeshDefaults.hopLatencyCycles
    @Option(help: "Detour latency into a defective position, cycles (0 to 1e9).") var detourLatency: Double = WaferMeshDefaults.detourLatencyCycles
    @Option(help: "Weight ingress, 32-bit words per cycle (above 0, or inf).") var ingress: String = WaferMeshDefaults.ingressText
    @Option(help: "Kernel efficiency (0 to 1, above 0).") var efficiency: Double = 1
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
        if let s = seqLen, !(1...1_048_576).contains(s) { throw ValidationError("--seq-len must be 1 to 1048576") }
        guard let g = parsedGrid, g.0 * g.1 <= GemmProblem.maxGridCores else {
            throw ValidationError("--grid must be ROWSxCOLUMNS, each 1 to 16384, at most \(GemmProblem.maxGridCores) cores")
        }
        guard hopLatency >= 0, hopLatency <= 1e6 else { throw ValidationError("--hop-latency must be 0 to 1e6 cycles") }
        guard detourLatency >= 0, detourLatency <= 1e9 else { throw ValidationError("--detour-latency must be 0 to 1e9 cycles") }
        guard parsedIngress != nil else { throw ValidationError("--ingress must be a number above 0 or inf") }
        guard efficiency > 0, efficiency <= 1 else { throw ValidationError("--efficiency must be in (0, 1]") }
        guard defectRate >= 0, defectRate <= 1 else { throw ValidationError("--defect-rate must be 0 to 1") }
        guard let tc = parsedTraceCores, tc.0 * tc.1 <= GemmTraceRequest.maxCores, tc.0 <= g.0, tc.1 <= g.1 else {
            throw ValidationError("--trace-cores must be ROWSxCOLUMNS inside the grid, at most \(GemmTraceRequest.maxCores) cores")
        }
        let ops = LayerGemm.gemms(of: m, layer: layer, tokens: 1)
        if let o = op, !ops.contains(where: { $0.name == o }) {
            throw ValidationError("--op must be one of \(ops.map(\.name).joined(separator: ", ")) for layer \(layer)")
        }
        for (flag, v) in [("--pk", pk), ("--pn", pn), ("--nb", nb)] {
            if let v, v < 1 { throw ValidationError("\(flag) must be at least 1") }
        }
    }

    func run() throws {
        guard let m = ModelCatalog.model(named: model, seqLen: seqLen), let gridShape = parsedGrid,
              let traceShape = parsedTraceCores else { throw ExitCode(2) }
        let (rows, columns) = gridShape, (traceRows, traceColumns) = traceShape
        let tokens = microBatch * m.seqLen
        let gemms = LayerGemm.gemms(of: m, layer: layer, tokens: tokens).filter { op == nil || $0.name == op }
        let defects: DefectGrid?
        do {
            defects = defectRate > 0 ? try DefectGrid.random(rows: rows, columns: columns, rate: defectRate, rng: Xoshiro256(seed: seed)) : nil
        } catch { fail("--defect-rate: \(error)") }
        var wafer = WaferSpec()
        wafer.gridHeight = rows
        wafer.gridWidth = columns
        print("model \(m.name), layer \(layer), micro-batch \(microBatch) x seq \(m.seqLen) = \(tokens) tokens; grid \(rows) x \(columns), \(defects?.count ?? 0) defective positions")
        print(String(format: "mesh: hop %.3g cycles, detour %.3g cycles, ingress %@ words/cycle, efficiency %.3g, clock %.3g GHz",
                     hopLatency, detourLatency, ingress as NSString, efficiency, wafer.clockHz / 1e9))
        let chrome = trace.map { _ in ChromeTrace() }
        var busy = [Double](repeating: 0, count: rows * columns)
        var totalCycles = 0.0, totalNanoseconds: Int64 = 0
        for g in gemms {
            var tiling = WaferTilingPlaceholder.choose(rows: rows, columns: columns, tokens: g.tokens, dIn: g.dIn, dOut: g.dOut)
            if let v = pk { tiling.tiling.columnsPerGroup = v }
            if let v = pn { tiling.tiling.groups = v }
            if let v = nb { tiling.tiling.blockColumns = v }
            let problem = GemmProblem(wafer: wafer, hopLatencyCycles: hopLatency, detourLatencyCycles: detourLatency,
                                      kernelEfficiency: efficiency, ingressWordsPerCycle: parsedIngress ?? .infinity,
                                      tokens: g.tokens, dIn: g.dIn, dOut: g.dOut, tiling: tiling.tiling, defects: defects)
            let request = chrome.map {
                GemmTraceRequest(sink: $0.group("wafer \(g.name)"), rows: 0..<traceRows, columns: 0..<traceColumns)
            }
            let clock = ContinuousClock()
            let t0 = clock.now
            let r: GemmSimulationResult
            do { r = try GemmReferee.simulate(problem, trace: request) } catch {
                fail("\(Self.flag(for: error.parameter)): \(g.name): \(error)")
            }
            let wall = clock.now - t0
            let t = tiling.tiling
            print("\(g.name): T=\(g.tokens) K=\(g.dIn) N=\(g.dOut); tiling pt=\(t.rowGroups) pk=\(t.columnsPerGroup) pn=\(t.groups) Nb=\(t.blockColumns), \(r.blocks) blocks \(tiling.source)")
            print(String(format: "  referee %.0f cycles = %.3f us; utilisation %.1f%% of used cores, %.1f%% of the grid; SRAM %d B/core (%@)",
                         r.cycles, Double(r.nanoseconds) / 1e3, r.usedUtilisation * 100, r.gridUtilisation * 100,
                         r.sramBytesPerCore, (r.sramFits ? "fits" : "does not fit") as NSString))
            if let predicted = tiling.predictedCycles {
                print(String(format: "  mapping model %.0f cycles, referee - model = %+.2f%%", predicted, (r.cycles - predicted) / predicted * 100))
            } else {
                print("  mapping model: (pending)")
            }
            print(String(format: "  events %llu, wall %.3f s, %.2f M events/s", r.events, seconds(wall), Double(r.events) / max(seconds(wall), 1e-9) / 1e6))
            for i in 0..<busy.count { busy[i] += r.busyCycles[i] }
            totalCycles += r.cycles
            totalNanoseconds += r.nanoseconds
        }
        if gemms.count > 1 { print(String(format: "layer GEMMs: %.0f cycles = %.3f us", totalCycles, Double(totalNanoseconds) / 1e3)) }
        do {
            if let path = heatmap {
                let map = UtilisationHeatMap(busyCycles: busy, gridRows: rows, gridColumns: columns, totalCycles: totalCycles)
                let title = "\(m.name) layer \(layer) \(op ?? "all GEMMs"): compute utilisation per core, \(rows) x \(columns) grid"
                try AtomicFile.write(map.svg(title: title), to: path)
                print("wrote \(path)")
            }
            if let path = trace, let chrome {
                try chrome.write(to: path)
                print("wrote \(path) (\(chrome.recordedEvents) events, \(chrome.droppedEvents) dropped)")
            }
        } catch {
            FileHandle.standardError.write(Data("andromeda-sim: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }

    /// The flag that sets a ``GemmProblem`` parameter, for error messages.
    static func flag(for parameter: String) -> String {
        switch parameter {
        case "tiling.columnsPerGroup": return "--pk"
        case "tiling.groups": return "--pn"
        case "tiling.blockColumns": return "--nb"
        case "tiling", "tiling.rowGroups": return "--pk/--pn/--nb/--grid"
        case "tokens", "problem size": return "--micro-batch/--seq-len"
        case "rows", "columns", "rows x columns", "defects": return "--grid"
        case "hopLatencyCycles": return "--hop-latency"
        case "detourLatencyCycles": return "--detour-latency"
        case "ingressWordsPerCycle": return "--ingress"
        case "kernelEfficiency": return "--efficiency"
        case "trace", "trace.rows", "trace.columns": return "--trace-cores"
        default: return parameter
        }
    }

    func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }
}

/// One weight-streamed GEMM of a layer: `tokens x dIn` activations times a `dIn x dOut` weight.
struct LayerGemm {
    var name: String
    var tokens: Int, dIn: Int, dOut: Int

    /// The weight GEMMs of `layer` (1...layers: a transformer block; layers + 1: the head).
    static func gemms(of m: ModelSpec, layer: Int, tokens: Int) -> [LayerGemm] {
        let d = m.dModel, f = m.dFFN
        if layer == m.layers + 1 { return [LayerGemm(name: "vocab", tokens: tokens, dIn: d, dOut: m.vocabulary)] }
        var out = [LayerGemm(name: "qkv", tokens: tokens, dIn: d, dOut: 3 * d),
                   LayerGemm(name: "attn-out", tokens: tokens, dIn: d, dOut: d),
                   LayerGemm(name: "ffn-up", tokens: tokens, dIn: d, dOut: f)]
        if m.gatedFFN { out.append(LayerGemm(name: "ffn-gate", tokens: tokens, dIn: d, dOut: f)) }
        out.append(LayerGemm(name: "ffn-down", tokens: tokens, dIn: f, dOut: d))
        return out
    }
}

/// Mesh parameters the referee needs and `WaferSpec` does not have yet. PLACEHOLDERS until the
/// mapping model's hardware parameters land (Sources/Hardware): the lead replaces these with them.
enum WaferMeshDefaults {
    /// Per-hop latency, cycles (placeholder).
    static let hopLatencyCycles = 1.0
    /// Detour latency, cycles (placeholder).
    static let detourLatencyCycles = 8.0
    /// CS-2 I/O 1.2 Tb/s in 32-bit words per 1.1 GHz cycle: 37.5e9 / 1.1e9 (placeholder).
    static let ingressText = "34.09"
}

/// PLACEHOLDER for the mapping model (Sources/Training/WaferMapping.swift, being written by the
/// lead): a fixed rule, not an optimisation, and no predicted time. To be replaced by the
/// mapping model's tiling and predicted cycles when it is merged.
enum WaferTilingPlaceholder {
    /// A tiling and, when a model predicted it, the predicted cycles.
    struct Choice {
        var tiling: RefereeTiling
        var predictedCycles: Double?
        var source: String
    }

    /// pt = min(R, T); pk = the power of two giving about 32 K-elements per column; pn = as many
    /// groups as fit; Nb = 16 (at most a group's columns).
    static func choose(rows: Int, columns: Int, tokens: Int, dIn: Int, dOut: Int) -> Choice {
        var pk = 1
        while pk * 32 < dIn, pk * 2 <= min(columns, dIn) { pk *= 2 }
        let pn = max(1, min(columns / pk, dOut))
        let nb = max(1, min(16, (dOut + pn - 1) / pn))
        return Choice(tiling: RefereeTiling(rowGroups: min(rows, tokens), columnsPerGroup: pk, groups: pn, blockColumns: nb),
                      predictedCycles: nil, source: "(placeholder tiling; mapping model pending)")
    }
}
