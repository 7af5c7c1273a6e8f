import Hardware
import Wafer

/// Prices layers on a wafer: the SRAM left for GEMM tiles at a micro-batch, each operation's
/// time, the best tiling of each GEMM (memoised: one search per shape and free space; with a
/// ``TrainingCache``, shared with every run that uses it).
final class LayerTimer {
    let model: ModelSpec
    let wafer: WaferSpec
    let shared: TrainingCache?
    private var cache: [Key: GemmEstimate?] = [:]
    private struct Key: Hashable { let shape: GemmShape; let free: Int; let mapper: Int }

    init(model: ModelSpec, wafer: WaferSpec, cache: TrainingCache? = nil) {
        self.model = model
        self.wafer = wafer
        shared = cache
    }

    /// SRAM per core left for a GEMM tile at `samples` per micro-batch.
    func freeBytes(samples: Int, attention: Bool = false) -> Int {
        LayerOps.freeBytesPerCore(model, samples: samples, gridCores: wafer.gridCores, sramBytesPerCore: wafer.sramBytesPerCore,
                                  reservedBytesPerCore: wafer.reservedSRAMBytesPerCore, attention: attention)
    }

    private func mapperKey(_ m: WaferMapper) -> Int { m.columnDetours &* 65_537 &+ m.rowDetours &* 3 &+ (m.ingressWordsPerCycle.isInfinite ? 0 : 1) }

    func gemm(_ shape: GemmShape, samples: Int, mapper: WaferMapper) -> GemmEstimate? {
        let free = freeBytes(samples: samples)
        let key = Key(shape: shape, free: free, mapper: mapperKey(mapper))
        if let hit = cache[key] { return hit }
        let e = shared.map { $0.gemm(shape, free: free, mapper: mapper) } ?? mapper.bestTiling(shape, freeBytesPerCore: free)
        cache[key] = e
        return e
    }

    private var attentionCache: [AttentionKey: AttentionEstimate?] = [:]
    private struct AttentionKey: Hashable { let shape: AttentionShape; let free: Int; let costs: AttentionCosts; let hop: Double }

    func attention(_ shape: AttentionShape, samples: Int, mapper: WaferMapper) -> AttentionEstimate? {
        let free = freeBytes(samples: samples, attention: true)
        let c = mapper.attentionCosts
        let key = AttentionKey(shape: shape, free: free, costs: c, hop: mapper.hop)
        if let hit = attentionCache[key] { return hit }
        let e = shared.map { $0.attention(shape, free: free, mapper: mapper) }
            ?? mapper.bestAttention(shape, freeBytesPerCore: free)
        attentionCache[key] = e
        return e
    }

    /// The first operation that cannot be mapped at `samples` (nil: all fit).
    func firstMisfit(samples: Int, mapper: WaferMapper) -> (layer: Int, kind: LayerCost.Kind, op: String, reason: String)? {
        let free = freeBytes(samples: samples)
        let kib = Double(wafer.sramBytesPerCore) / 1024
        for kind in LayerCost.Kind.allCases {
            let layer = kind == .embedding ? 0 : kind == .block ? 1 : model.layers + 1
            if free <= 0 {
                let act = LayerOps.activationBytesPerCore(model, samples: samples, gridCores: wafer.gridCores)
                return (layer, kind, "activations", String(format: "one micro-batch of %d needs %.0f bytes per core of activations, and %d reserved; "
                    + "a core has %.0f KiB (the grid's %d cores; sequence length %d)", samples, act, wafer.reservedSRAMBytesPerCore, kib,
                    wafer.gridCores, model.seqLen))
            }
            for op in LayerOps.forward(model, kind: kind, samples: samples) {
                // The widest partition needs the least SRAM: if it does not fit, none does. Chunks
                // are the fallback of a model whose whole stripes fit no square even at one sample
                // (a model that fits them keeps the micro-batches they allow).
                if case .attention(let name, let shape) = op {
                    let top = max(1, min(mapper.rows, mapper.columns, shape.sequence))
                    let left = freeBytes(samples: samples, attention: true)
                    let whole = AttentionMapping.bytesPerCore(shape, stripes: top)
                    let chunked = whole > freeBytes(samples: 1, attention: true)
                    let need = chunked ? AttentionMapping.minimumBytesPerCore(shape, rows: mapper.rows, columns: mapper.columns) : whole
                    if need > left {
                        let what = chunked
                            ? "query, key and value chunks (at most \(top) stripes of \(shape.sequence) tokens, head width \(shape.headWidth), "
                                + "at most \(AttentionMapping.maxChunks) x \(AttentionMapping.maxChunks) chunks: \(need) bytes per core)"
                            : "query, key and value stripes (at most \(top) stripes of \(shape.sequence) tokens, head width \(shape.headWidth))"
                        return (layer, kind, name, "attention \(shape): no square of cores holds a problem's " + what
                            + " in the \(max(0, left)) bytes per core left of \(Int(kib)) KiB after activations and reserved bytes")
                    }
                }
                guard case .gemm(let name, let shape) = op else { continue }
                if gemm(shape, samples: samples, mapper: mapper) == nil {
                    let tr = (shape.tokens + wafer.gridHeight - 1) / max(1, wafer.gridHeight)
                    return (layer, kind, name, "GEMM \(shape): \(tr) tokens per row need at least \(tr * 6 + 8) bytes per core of tile, "
                        + "\(max(0, free)) are left of \(Int(kib)) KiB after activations and reserved bytes")
                }
            }
        }
        return nil
    }

    /// Forward time of a layer of `kind` at `samples`, nanoseconds (infinite when it does not fit).
    func forwardNanoseconds(_ kind: LayerCost.Kind, samples: Int, mapper: WaferMapper) -> Double {
        mapping(kind, samples: samples, mapper: mapper).forwardNanoseconds
    }

    func mapping(_ kind: LayerCost.Kind, samples: Int, mapper: WaferMapper) -> LayerMapping {
        var ops: [OpTiming] = []
        for op in LayerOps.forward(model, kind: kind, samples: samples) {
            switch op {
            case .gemm(_, let shape):
                let e = gemm(shape, samples: samples, mapper: mapper)
                ops.append(OpTiming(op: op, nanoseconds: e.map { mapper.nanoseconds(cycles: $0.cycles) } ?? .infinity, gemm: e, attention: nil))
            case .attention(_, let shape):
                let e = attention(shape, samples: samples, mapper: mapper)
                ops.append(OpTiming(op: op, nanoseconds: e.map { mapper.nanoseconds(cycles: $0.cycles) } ?? .infinity, gemm: nil, attention: e))
            case .elementwise(_, let elements, let perElement, let transcendentals):
                let cycles = mapper.elementwiseCycles(elements: elements, opsPerElement: perElement, transcendentalsPerElement: transcendentals)
                ops.append(OpTiming(op: op, nanoseconds: mapper.nanoseconds(cycles: cycles), gemm: nil, attention: nil))
            }
        }
        return LayerMapping(kind: kind, ops: ops)
    }

    /// SRAM per core in use at `samples`, the fullest moment of a pass: activations and reserved
    /// bytes beside the largest GEMM tile, or beside the attention's squares.
    func sramBytesPerCore(samples: Int, mapper: WaferMapper) -> Int {
        var tile = 0, squares = 0
        for kind in LayerCost.Kind.allCases {
            for op in LayerOps.forward(model, kind: kind, samples: samples) {
                if case .gemm(_, let shape) = op, let e = gemm(shape, samples: samples, mapper: mapper) { tile = max(tile, e.tileBytesPerCore) }
                if case .attention(_, let shape) = op, let e = attention(shape, samples: samples, mapper: mapper) {
                    squares = max(squares, e.bytesPerCore)
                }
            }
        }
        // Attention's budget is never below the GEMMs' (its working set, 5 d per token, is within
        // theirs), so without attention the second term cannot exceed the first.
        return max(wafer.sramBytesPerCore - freeBytes(samples: samples) + tile,
                   wafer.sramBytesPerCore - freeBytes(samples: samples, attention: true) + squares)
    }
}
