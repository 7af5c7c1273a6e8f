import Foundation
import Hardware
import SimEngine

/// Why a job cannot run as specified.
public struct TrainingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What is wrong.
    public let message: String
    /// An error reporting `message`.
    public init(_ message: String) { self.message = message }
    /// The message.
    public var description: String { message }
}

/// What the compiler decides for a job: the micro-batch and accumulation, and for every pass of
/// a step (a layer's forward or backward on one micro-batch) the bytes streamed and each
/// system's compute time. Weight streaming places one layer at a time on the whole usable grid.
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

    /// The job compiled.
    public let spec: TrainingSpec
    /// The model's layers in forward order, with their costs.
    public let layers: [LayerCost]
    /// Samples per system per step.
    public let perSystemBatch: Int
    /// Samples per micro-batch on each system: the largest divisor of the per-system batch whose
    /// activations fit the smallest wafer.
    public let microBatch: Int
    /// Micro-batches per step (per-system batch / micro-batch).
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
    /// Input bytes per micro-batch per system.
    public let inputBytesPerMicroBatch: Double
    /// Weights and optimizer state held in MemoryX.
    public let memoryXBytes: Double
    /// Activation bytes one micro-batch needs on the wafer.
    public let activationBytes: Double
    /// The activation budget of the smallest wafer.
    public let activationBudget: Double
    /// FLOPs executed per step on one system (recompute included).
    public let executedFLOPsPerSystemStep: Double

    /// Compiles `spec` for `wafers` (one per system of the job).
    public init(spec: TrainingSpec, cluster: ClusterSpec, wafers: [Wafer], efficiency: EfficiencyModel)
        throws(TrainingError)
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
        // Micro-batch: the largest divisor of the per-system batch whose activations fit the
        // smallest wafer (the compiler's sub-batch search).
        let stored = layers.reduce(0) { $0 + $1.storedBytesPerToken }
        let working = layers.map(\.workingBytesPerToken).max() ?? 0
        let perSample = Double(m.seqLen) * (stored + working)
        activationBudget = wafers.map(\.activationBudgetBytes).min() ?? 0
        var chosen = 0
        for d in stride(from: perSystemBatch, through: 1, by: -1) where perSystemBatch % d == 0 {
            if Double(d) * perSample <= activationBudget { chosen = d; break }
        }
        guard chosen > 0 else {
            throw TrainingError(String(format: "%@: one sample needs %.2f GB of activations, the wafer budget is %.2f GB",
                                       m.name, perSample / 1e9, activationBudget / 1e9))
        }
        microBatch = chosen
        gradAccumulation = perSystemBatch / chosen
        activationBytes = Double(chosen) * perSample
        guard wafers.allSatisfy({ $0.usableCores > 0 }) else {
            throw TrainingError("a wafer has no usable cores left (defect rate too high)")
        }

        let tokensPerMicro = Double(chosen) * Double(m.seqLen)
        let streamed = cluster.memoryX.bytesPerParameterStreamed
        var passes: [Pass] = []
        var flops = 0.0
        func durations(_ f: Double, _ layer: LayerCost) throws(TrainingError) -> [Int64] {
            let eff = efficiency.efficiency(dimension: layer.widestDimension)
            var out: [Int64] = []
            for w in wafers {
                out.append(f > 0 ? try Self.nanoseconds(f / (w.usablePeakFLOPS * eff), "\(m.name): a layer's compute") : 0)
            }
            return out
        }
        let recompute = efficiency.recomputeInBackward ? 1.0 : 0.0
        for micro in 0..<gradAccumulation {
            for l in layers {
                let f = l.forwardFLOPsPerToken * tokensPerMicro
                flops += f
                passes.append(Pass(layer: l.index, micro: micro, backward: false,
                                   weightBytes: Double(l.parameters) * streamed, computeNanoseconds: try durations(f, l)))
            }
            for l in layers.reversed() {
                let f = (2 + recompute) * l.forwardFLOPsPerToken * tokensPerMicro
                flops += f
                passes.append(Pass(layer: l.index, micro: micro, backward: true,
                                   weightBytes: Double(l.parameters) * streamed, computeNanoseconds: try durations(f, l)))
            }
        }
        self.passes = passes
        executedFLOPsPerSystemStep = flops
        gradientBytes = layers.map { Double($0.parameters) * streamed }
        let rate = cluster.memoryX.updateParametersPerSecond
        var updates: [Int64] = []
        for l in layers { updates.append(try Self.nanoseconds(Double(l.parameters) / rate, "\(m.name): an optimizer update")) }
        updateNanoseconds = updates
        inputBytesPerMicroBatch = tokensPerMicro * cluster.inputWorkers.bytesPerToken
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
