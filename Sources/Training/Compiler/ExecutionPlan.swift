import Foundation
import Hardware
import SimEngine
import Wafer

/// One operation of a layer as mapped: its time and, for a GEMM, the tiling chosen.
public struct OpTiming: Sendable, Equatable {
    /// The operation.
    public let op: WaferOp
    /// Its forward time on the wafer, nanoseconds.
    public let nanoseconds: Double
    /// The GEMM's tiling and closed-form figures (nil for other operations).
    public let gemm: GemmEstimate?
    /// Attention's partition and closed-form figures (nil for other operations).
    public let attention: AttentionEstimate?
}

/// One layer as mapped onto the wafer for one micro-batch.
public struct LayerMapping: Sendable, Equatable {
    /// Embedding, block or head.
    public let kind: LayerCost.Kind
    /// Its operations in order.
    public let ops: [OpTiming]
    /// Forward time of the layer (the sum of its operations), nanoseconds.
    public var forwardNanoseconds: Double { ops.reduce(0) { $0 + $1.nanoseconds } }
}

/// What the compiler decides for a job: the micro-batch and accumulation, and for every pass of
/// a step (a layer's forward or backward on one micro-batch) the bytes streamed and each
/// system's compute time. Weight streaming places one layer at a time on the whole grid; each
/// operation of the layer gets its own mapping (``LayerOps``, ``WaferMapper``).
public struct ExecutionPlan: Sendable {
    /// One layer on one micro-batch, forward or backward.
    public struct Pass: Sendable, Equatable {
        /// Index of the layer in ``ExecutionPlan/layers`` (forward order).
        public let layer: Int
        /// Index of the micro-batch within the step (0-based).
        public let micro: Int
        /// Whether this is the backward pass (false: forward).
        public let backward: Bool
        /// Weight bytes streamed from MemoryX for this pass.
        public let weightBytes: Double
        /// Compute time on each of the job's systems.
        public let computeNanoseconds: [Int64]
    }

    /// The least step-time gain for which the compiler's search accepts more micro-batches
    /// (assumed: 2 %, below what a compiler's cost model can resolve; docs/model.md).
    public static let accumulationGain = 0.02

    /// The most passes one step may have (the job's event arguments hold a pass index in 16 bits).
    public static let maxPasses = 65_534

    /// The job compiled.
    public let spec: TrainingSpec
    /// The model's layers in forward order, with their costs.
    public let layers: [LayerCost]
    /// Samples per system per step.
    public let perSystemBatch: Int
    /// Samples per micro-batch on each system (the last micro-batch of a step may hold fewer).
    public let microBatch: Int
    /// Samples in the last micro-batch (equal to ``microBatch`` unless the batch is ragged).
    public let lastMicroBatch: Int
    /// The largest micro-batch whose every layer fits the SRAM of every core.
    public let maxMicroBatch: Int
    /// Micro-batches per step.
    public let gradAccumulation: Int
    /// Passes of one step in execution order.
    public let passes: [Pass]
    /// Gradient bytes per layer sent to MemoryX per micro-batch.
    public let gradientBytes: [Double]
    /// MemoryX optimizer update time per layer.
    public let updateNanoseconds: [Int64]
    /// Compute time of one step on the slowest system (the one that paces every pass).
    public let pacingComputeNanoseconds: Int64
    /// One checkpoint: the fixed part plus weights and optimizer state at the checkpoint rate.
    public let checkpointNanoseconds: Int64
    /// Input bytes per (full) micro-batch per system.
    public let inputBytesPerMicroBatch: Double
    /// Weights and optimizer state held in MemoryX.
    public let memoryXBytes: Double
    /// SRAM per core at the chosen micro-batch: stored and working activations, the largest GEMM
    /// tile and the reserved bytes.
    public let sramBytesPerCore: Int
    /// FLOPs executed per step on one system (recompute included, masked attention skipped).
    public let executedFLOPsPerSystemStep: Double
    /// The fixed cost included in every pass's compute time (``EfficiencyModel/passOverheadSeconds``).
    public let passOverheadNanoseconds: Int64
    /// Embedding, one block and head as mapped on the first system's wafer for a full micro-batch.
    public let mappings: [LayerMapping]
    /// Time of a forward-only step (evaluation) on the first system: every layer of every
    /// micro-batch at the slower of its compute and its weight stream, nanoseconds.
    public let forwardOnlyStepNanoseconds: Double

    /// Compiles `spec` for `wafers` (one per system of the job). A `cache` keeps the mapping
    /// model's searches for later plans (the same plan, faster; ``TrainingCache``).
    public init(spec: TrainingSpec, cluster: ClusterSpec, wafers: [Wafer], efficiency: EfficiencyModel,
                cache: TrainingCache? = nil) throws(TrainingError)
    {
        self.spec = spec
        let m = spec.model
        guard wafers.count == spec.systems, spec.systems >= 1 else {
            throw TrainingError("plan: \(spec.systems) systems requested, \(wafers.count) wafers given")
        }
        let global = spec.effectiveGlobalBatch
        guard global % spec.systems == 0 else {
            throw TrainingError("global batch \(global) does not split evenly over \(spec.systems) systems")
        }
        perSystemBatch = global / spec.systems
        layers = m.layerCosts()
        memoryXBytes = Double(m.parameters) * cluster.memoryX.stateBytesPerParameter
        guard memoryXBytes <= cluster.memoryX.capacityBytes else {
            throw TrainingError(String(format: "%@: weights and optimizer state need %.1f GB, MemoryX holds %.1f GB",
                                       m.name, memoryXBytes / 1e9, cluster.memoryX.capacityBytes / 1e9))
        }
        let ws = cluster.cs2.wafer
        guard ws.gridWidth >= 1, ws.gridHeight >= 1 else {
            throw TrainingError("\(m.name): the wafer's grid is empty (\(ws.gridWidth) x \(ws.gridHeight))")
        }
        for (i, w) in wafers.enumerated() where !w.presentsFullGrid {
            let limit = Double(ws.spareCores) / Double(max(1, ws.physicalCores))
            throw TrainingError("\(m.name): wafer \(i) has \(w.remappedPositions) defective grid cores and only \(w.healthySpares) healthy spares, "
                + "so it cannot present its \(ws.gridWidth) x \(ws.gridHeight) grid (such a wafer is not shipped); cluster.wafer.defect_rate "
                + String(format: "must stay below about %.3f for this wafer (its share of spare cores; docs/model.md)", limit))
        }
        let eta = efficiency.kernelEfficiency
        let ioRate = min(cluster.cs2.ioBytesPerSecond, cluster.memoryX.streamBytesPerSecond, cluster.swarmX.edgeBytesPerSecond)
        let streamed = cluster.memoryX.bytesPerParameterStreamed
        let backwardFactor = 2 + (efficiency.recomputeInBackward ? 1.0 : 0.0)
        let timer = LayerTimer(model: m, wafer: ws, cache: cache)
        // The fixed cost of every layer pass (EfficiencyModel.passOverheadSeconds), nanoseconds.
        let overhead = efficiency.passOverheadSeconds * 1e9
        guard overhead.isFinite, EfficiencyModel.passOverheadRange.contains(efficiency.passOverheadSeconds) else {
            throw TrainingError("\(m.name): efficiency.pass_overhead_s \(efficiency.passOverheadSeconds) is out of range; "
                + "allowed range: \(EfficiencyModel.passOverheadRange.lowerBound) to \(EfficiencyModel.passOverheadRange.upperBound) s")
        }
        let passOverhead = Int64(overhead.rounded(.up))
        passOverheadNanoseconds = passOverhead
        var ideal = WaferMapper(mesh: ws.mesh, kernelEfficiency: eta)
        ideal.exponentialCycles = efficiency.exponentialCycles
        ideal.attentionEfficiency = efficiency.attentionEfficiency
        ideal.vectorStartCycles = efficiency.vectorStartCycles

        // The compiler's two searches depend on the model, the per-system batch and the mesh, not
        // on the wafers' defects: a cache keeps their outcome (``TrainingCache``).
        let batch = perSystemBatch, costs = layers
        var searchKey: TrainingCache.SearchKey?
        if cache != nil {
            searchKey = TrainingCache.SearchKey(model: m, wafer: ws, mesh: TrainingCache.MeshKey(ideal), attention: ideal.attentionCosts,
                                                exponentialCycles: ideal.exponentialCycles, perSystemBatch: batch,
                                                searchesMicroBatch: spec.microBatch == nil, overhead: overhead, ioRate: ioRate,
                                                streamed: streamed, backwardFactor: backwardFactor)
        }
        let searched: TrainingCache.Searched
        if let cache, let searchKey, let hit = cache.searched(searchKey) {
            searched = hit
        } else {
            searched = try Self.search(spec: spec, model: m, layers: costs, perSystemBatch: batch, timer: timer, ideal: ideal,
                                       overhead: overhead, ioRate: ioRate, streamed: streamed, backwardFactor: backwardFactor)
            if let cache, let searchKey { cache.storeSearched(searchKey, searched) }
        }
        maxMicroBatch = searched.maxMicroBatch

        let n: Int
        if let forced = spec.microBatch {
            guard forced >= 1, forced <= perSystemBatch else {
                throw TrainingError("\(m.name): micro_batch \(forced) must be in 1...\(perSystemBatch) (the per-system batch)")
            }
            guard forced <= maxMicroBatch else {
                throw TrainingError("\(m.name): micro_batch \(forced) does not fit the wafer's SRAM; at most \(maxMicroBatch) samples do")
            }
            n = (perSystemBatch + forced - 1) / forced
        } else {
            n = searched.microBatches
        }
        // A given micro-batch is kept and the last one holds the remainder; the search's split
        // spreads the batch evenly.
        let size = spec.microBatch ?? (perSystemBatch + n - 1) / n
        microBatch = size
        lastMicroBatch = perSystemBatch - (n - 1) * size
        gradAccumulation = n
        let passCount = n * layers.count * 2
        guard passCount <= Self.maxPasses else {
            throw TrainingError("\(m.name): \(n) micro-batches x \(layers.count) layers x 2 = \(passCount) passes per step exceed the simulator's limit of \(Self.maxPasses) (use a larger micro-batch or fewer layers)")
        }

        // Per wafer (its detours), the forward time of each layer kind at both micro-batch sizes.
        let mappers = wafers.map {
            var m = WaferMapper(wafer: $0, kernelEfficiency: eta, exponentialCycles: efficiency.exponentialCycles,
                                attentionEfficiency: efficiency.attentionEfficiency)
            m.vectorStartCycles = efficiency.vectorStartCycles
            return m
        }
        func ns(_ x: Double, _ what: String) throws(TrainingError) -> Int64 {
            try Self.nanoseconds(x * 1e-9, "\(m.name): \(what)")
        }
        var forward: [[LayerCost.Kind: [Int: Int64]]] = []
        for (w, mapper) in mappers.enumerated() {
            // Wafers differ only in their detours: one with the same worst detours as an earlier
            // one has its times.
            if let same = mappers[..<w].firstIndex(where: { $0.columnDetours == mapper.columnDetours && $0.rowDetours == mapper.rowDetours }) {
                forward.append(forward[same])
                continue
            }
            var byKind: [LayerCost.Kind: [Int: Int64]] = [:]
            for kind in LayerCost.Kind.allCases {
                var bySize: [Int: Int64] = [:]
                for s in Set([size, lastMicroBatch]) {
                    var key: TrainingCache.ForwardKey?
                    if cache != nil {
                        key = TrainingCache.ForwardKey(model: m, wafer: ws, mesh: TrainingCache.MeshKey(mapper), attention: mapper.attentionCosts,
                                                       exponentialCycles: mapper.exponentialCycles, kind: kind, samples: s)
                    }
                    if let cache, let key, let hit = cache.forward(key) { bySize[s] = hit; continue }
                    let t = try ns(timer.forwardNanoseconds(kind, samples: s, mapper: mapper), "a \(kind.rawValue) layer's compute")
                    bySize[s] = t
                    if let cache, let key { cache.storeForward(key, t) }
                }
                byKind[kind] = bySize
            }
            forward.append(byKind)
        }
        var passes: [Pass] = []
        passes.reserveCapacity(passCount)
        var flops = 0.0
        for micro in 0..<n {
            let samples = micro == n - 1 ? lastMicroBatch : size
            let tokens = Double(samples) * Double(m.seqLen)
            for l in layers {
                flops += l.forwardFLOPsPerToken * tokens
                let d = forward.map { ($0[l.kind]?[samples] ?? 0) + passOverhead }
                passes.append(Pass(layer: l.index, micro: micro, backward: false,
                                   weightBytes: Double(l.parameters) * streamed, computeNanoseconds: d))
            }
            for l in layers.reversed() {
                flops += backwardFactor * l.forwardFLOPsPerToken * tokens
                var d: [Int64] = []
                for f in forward {
                    d.append(try ns(backwardFactor * Double(f[l.kind]?[samples] ?? 0), "a backward pass") + passOverhead)
                }
                passes.append(Pass(layer: l.index, micro: micro, backward: true,
                                   weightBytes: Double(l.parameters) * streamed, computeNanoseconds: d))
            }
        }
        self.passes = passes
        executedFLOPsPerSystemStep = flops
        mappings = LayerCost.Kind.allCases.map { timer.mapping($0, samples: size, mapper: mappers[0]) }
        sramBytesPerCore = timer.sramBytesPerCore(samples: size, mapper: mappers[0])
        var evalStep = 0.0
        for micro in 0..<n {
            let samples = micro == n - 1 ? lastMicroBatch : size
            for l in layers {
                evalStep += max(Double(forward[0][l.kind]?[samples] ?? 0) + overhead, Double(l.parameters) * streamed / ioRate * 1e9)
            }
        }
        forwardOnlyStepNanoseconds = evalStep
        gradientBytes = layers.map { Double($0.parameters) * streamed }
        let rate = cluster.memoryX.updateParametersPerSecond
        var updates: [Int64] = []
        for l in layers { updates.append(try Self.nanoseconds(Double(l.parameters) / rate, "\(m.name): an optimizer update")) }
        updateNanoseconds = updates
        inputBytesPerMicroBatch = Double(size) * Double(m.seqLen) * cluster.inputWorkers.bytesPerToken
        let state = Double(m.parameters) * cluster.memoryX.stateBytesPerParameter
        let fc = spec.fixedCosts
        let (ckpt, o) = fc.checkpointBase.nanoseconds.addingReportingOverflow(
            try Self.nanoseconds(state / fc.checkpointBytesPerSecond, "\(m.name): a checkpoint"))
        guard !o else { throw TrainingError("\(m.name): a checkpoint would take longer than the simulator's time range") }
        checkpointNanoseconds = ckpt
        // A whole step (every pass on the slowest system) must fit in simulated time too.
        // (Summed as Double first: the integer sums below cannot overflow once this holds.)
        var worst = 0.0
        for s in wafers.indices { worst = max(worst, passes.reduce(0.0) { $0 + Double($1.computeNanoseconds[s]) }) }
        guard worst + updates.reduce(0.0, { $0 + Double($1) }) < 4e18 else {
            throw TrainingError("\(m.name): one step would take \(worst * 1e-9) s, beyond the simulator's time range")
        }
        pacingComputeNanoseconds = wafers.indices.map { s in passes.reduce(Int64(0)) { $0 + $1.computeNanoseconds[s] } }.max() ?? 0
    }

    /// The compiler's searches: the largest micro-batch that fits every core's SRAM and (when
    /// the spec gives no micro-batch) the number of micro-batches (0 when given).
    static func search(spec: TrainingSpec, model m: ModelSpec, layers: [LayerCost], perSystemBatch: Int, timer: LayerTimer,
                       ideal: WaferMapper, overhead: Double, ioRate: Double, streamed: Double,
                       backwardFactor: Double) throws(TrainingError) -> TrainingCache.Searched {
        // The largest micro-batch that fits (fitting is monotone in the micro-batch).
        if let failure = timer.firstMisfit(samples: 1, mapper: ideal) {
            throw TrainingError("\(m.name): layer \(failure.layer) (\(failure.kind.rawValue)), operation \(failure.op), cannot be mapped: "
                + failure.reason)
        }
        var lo = 1, hi = perSystemBatch
        while lo < hi {
            let mid = lo + (hi - lo + 1) / 2
            if timer.firstMisfit(samples: mid, mapper: ideal) == nil { lo = mid } else { hi = mid - 1 }
        }
        let maxMicroBatch = lo

        // The micro-batch: given by the scenario, or the compiler's search: among splits of the
        // batch into n nearly equal micro-batches that fit, the fewest micro-batches whose step
        // (compute against weight streaming per pass) is within `accumulationGain` of the fastest:
        // gradient accumulation is taken only when it pays (ALCF logs: "No benefit from gradient
        // accumulation expected" / "showed a benefit").
        var n = 0
        if spec.microBatch == nil {
            let nMin = (perSystemBatch + maxMicroBatch - 1) / maxMicroBatch
            let bestN = nMin
            var bestTime = Double.infinity
            var times: [(Int, Double)] = []
            // Each layer kind's forward time per micro-batch size, priced once (the sum below
            // still adds every layer in order).
            var idealForward: [Int: Double] = [:]
            for k in nMin..<(nMin + 8) where k <= perSystemBatch {
                let size = (perSystemBatch + k - 1) / k
                let last = perSystemBatch - (k - 1) * size
                guard last >= 1 else { continue }
                var t = 0.0
                for (s, count) in [(size, k - 1), (last, 1)] where count > 0 {
                    for l in layers {
                        let key = s &* 4 &+ (l.kind == .embedding ? 0 : l.kind == .block ? 1 : 2)
                        let f: Double
                        if let hit = idealForward[key] { f = hit } else {
                            f = timer.forwardNanoseconds(l.kind, samples: s, mapper: ideal)
                            idealForward[key] = f
                        }
                        let stream = Double(l.parameters) * streamed / ioRate * 1e9
                        t += Double(count) * (max(f + overhead, stream) + max(backwardFactor * f + overhead, stream))
                    }
                }
                times.append((k, t))
                bestTime = min(bestTime, t)
            }
            n = times.first(where: { $0.1 <= bestTime * (1 + Self.accumulationGain) })?.0 ?? bestN
        }
        return TrainingCache.Searched(maxMicroBatch: maxMicroBatch, microBatches: n)
    }

    /// Seconds to whole nanoseconds (rounded up), or an error naming `what` when the duration is
    /// not finite or beyond about 285 years (user values never trap).
    static func nanoseconds(_ seconds: Double, _ what: @autoclosure () -> String) throws(TrainingError) -> Int64 {
        guard seconds.isFinite, seconds >= 0, seconds < 9e9 else {
            throw TrainingError("\(what()) would take \(seconds) s, beyond the simulator's time range (about 285 years)")
        }
        return Int64((seconds * 1e9).rounded(.up))
    }

    /// Weight bytes streamed per step (every pass).
    public var weightBytesPerStep: Double { passes.reduce(0) { $0 + $1.weightBytes } }
}
