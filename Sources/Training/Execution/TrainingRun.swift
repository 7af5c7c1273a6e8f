import Hardware
import SimEngine

/// The outcome of simulating one training job.
public struct TrainingResult: Sendable, Equatable {
    /// Name of the model trained.
    public let modelName: String
    /// Parameters of the model.
    public let parameters: Int
    /// Sequence length, tokens.
    public let seqLen: Int
    /// Systems the job ran on.
    public let systems: Int
    /// Global batch, samples per step.
    public let globalBatch: Int
    /// Samples per micro-batch on each system.
    public let microBatch: Int
    /// Micro-batches per step.
    public let gradAccumulation: Int
    /// One steady step and its parts (pacing compute, exposed stream wait, iteration boundary).
    public let step: WeightStreamingJob.StepBreakdown
    /// Throughput at the steady step time, samples/s.
    public let samplesPerSecond: Double
    /// Throughput at the steady step time, tokens/s.
    public let tokensPerSecond: Double
    /// Model FLOP/s (3 x forward FLOPs per token, recompute not counted).
    public let achievedFLOPS: Double
    /// Achieved over the systems' published dense peak.
    public let peakFraction: Double
    /// Queue, compile, weight load, programming, checkpoints.
    public let fixedCosts: SimDuration
    /// Checkpoints written (periodic and final).
    public let checkpoints: Int64
    /// Samples trained: steps x global batch.
    public let samplesToTrain: Int64
    /// Optimizer steps to train.
    public let stepsToTrain: Int64
    /// Simulated time to train: fixed start-up costs, every step and every checkpoint.
    public let timeToTrain: SimDuration
    /// Steps skipped by the steady-state fast-forward (not simulated event by event).
    public let fastForwardedSteps: Int64
    /// Relative error bound of the fast-forwarded steps' time (0 when every step is identical;
    /// see ``WeightStreamingJob/fastForwardRelativeError``).
    public let fastForwardRelativeError: Double
    /// Events the simulation handled.
    public let eventsSimulated: UInt64
    /// Energy, kWh: busy power through steps and checkpoints, idle power through the start-up, all
    /// systems.
    public let energyKWh: Double
    /// The smallest usable grid among the job's wafers.
    public let pacingUsableCores: Int
    /// Lower bounds the step may not beat: peak FLOPs, and weight bytes over the I/O bandwidth.
    public let peakFLOPBound: SimDuration
    /// Weight bytes per step over the slowest of CS-2 I/O, MemoryX stream and SwarmX edge bandwidth.
    public let ioBound: SimDuration
    /// Weight bytes streamed from MemoryX per step (every pass of every micro-batch).
    public let weightBytesPerStep: Double
    /// One checkpoint of this job (fixed part plus its state at the checkpoint rate).
    public let checkpoint: SimDuration
    /// Samples in the last micro-batch of a step (fewer than ``microBatch`` when the batch is ragged).
    public let lastMicroBatch: Int
    /// The largest micro-batch that fits the SRAM of every core.
    public let maxMicroBatch: Int
    /// SRAM per core in use at the chosen micro-batch, bytes.
    public let sramBytesPerCore: Int
    /// Embedding, one block and the head as mapped onto the first wafer (operations, tilings, times).
    public let mappings: [LayerMapping]
    /// Throughput of forward passes only (evaluation), samples/s, from the plan: each layer at
    /// the slower of its compute and its weight stream.
    public let forwardOnlySamplesPerSecond: Double
    /// The fixed cost of every layer pass (``EfficiencyModel/passOverheadSeconds``), included in each pass's compute.
    public var passOverhead: SimDuration = .zero
    /// Layer passes per step on each system (micro-batches x layers x 2).
    public var passesPerStep: Int = 0
}

/// Simulates training jobs on a cluster.
public enum TrainingRun {
    /// Simulates `spec` on the first `spec.systems` systems of `cluster`, with wafer defects
    /// drawn from `seed`. `fullDetail` turns the steady-state fast-forward off. A `trace` receives
    /// the job's timeline (see ``WeightStreamingJob/trace``), labelled "<model> x<systems>". A
    /// `cache` (owned by the caller, shared by its runs) keeps the wafers, the mapping model's
    /// searches and the jitter draws for later runs: the same result, computed faster.
    public static func simulate(_ spec: TrainingSpec, cluster: ClusterSpec, efficiency: EfficiencyModel = EfficiencyModel(),
                                seed: UInt64, fullDetail: Bool = false, trace: TraceSink? = nil,
                                cache: TrainingCache? = nil) throws(TrainingError) -> TrainingResult
    {
        guard spec.systems >= 1, spec.systems <= cluster.systems else {
            throw TrainingError("\(spec.model.name): \(spec.systems) systems requested, the cluster has \(cluster.systems)")
        }
        guard spec.systems <= ClusterSpec.maxSystems, spec.perSystemBatch >= 1 else {
            throw TrainingError("\(spec.model.name): at most \(ClusterSpec.maxSystems) systems and a batch of at least 1")
        }
        let systems = Array(0..<spec.systems)
        let wafers = TrainingTestbed.wafers(systems, cluster: cluster, seed: seed, cache: cache)
        let plan = try ExecutionPlan(spec: spec, cluster: cluster, wafers: wafers, efficiency: efficiency, cache: cache)
        let global = spec.effectiveGlobalBatch
        let samplesNeeded = spec.stopping.samples(atGlobalBatch: global)
        guard samplesNeeded.isFinite, samplesNeeded >= 0, samplesNeeded <= 1e15 else {
            throw TrainingError("\(spec.model.name): the stopping rule asks for \(samplesNeeded) samples (at most 1e15)")
        }
        let steps = max(1, Int64((samplesNeeded / Double(global)).rounded(.up)))

        do {
            let bed = try TrainingTestbed(cluster: cluster)
            let sim = bed.sim
            let job = try bed.add(plan, on: systems, totalSteps: steps, label: "job0", jitterSeed: seed)
            job.fullDetail = fullDetail
            if let trace {
                job.trace = trace
                job.traceLabel = "\(spec.model.name) x\(spec.systems)"
            }
            if let cache { job.useJitterCache(cache) }
            try bed.start(job)
            var events = bed.events()
            _ = try sim.run(&events, progress: { Double(job.stepsDone) / Double(steps) })
            job.storeJitter()
            guard job.finished else {
                throw SimulationError.model("\(spec.model.name): the simulation drained before the job finished")
            }
            let fc = spec.fixedCosts
            var prefix = try fc.queueWait.adding(fc.initialWeightLoad).adding(fc.programming)
            if !fc.compileCached { prefix = try prefix.adding(fc.compile) }
            let total = try SimDuration(nanoseconds: sim.now.nanoseconds).adding(prefix, "time to train")
            let stepSeconds = job.steadyStep.total.seconds
            let samplesPerSecond = Double(global) / stepSeconds
            let tokens = samplesPerSecond * Double(spec.model.seqLen)
            let achieved = tokens * spec.model.trainingFLOPsPerToken
            let peak = Double(spec.systems) * cluster.cs2.wafer.physicalPeakFLOPS
            let slowest = wafers.map(\.usablePeakFLOPS).min() ?? 1
            let flopBound = SimDuration(nanoseconds: Int64(plan.executedFLOPsPerSystemStep / slowest * 1e9))
            let ioRate = min(cluster.cs2.ioBytesPerSecond, cluster.memoryX.streamBytesPerSecond,
                             cluster.swarmX.edgeBytesPerSecond)
            let ioBound = SimDuration(nanoseconds: Int64(plan.weightBytesPerStep / ioRate * 1e9))
            // Busy power while steps and checkpoints run, idle power through the fixed prefix.
            let energy = Double(spec.systems) * (cluster.cs2.powerWatts * sim.now.seconds
                + cluster.cs2.idlePowerWatts * prefix.seconds) / 3.6e6
            return TrainingResult(
                modelName: spec.model.name, parameters: spec.model.parameters, seqLen: spec.model.seqLen,
                systems: spec.systems, globalBatch: global, microBatch: plan.microBatch,
                gradAccumulation: plan.gradAccumulation, step: job.steadyStep,
                samplesPerSecond: samplesPerSecond, tokensPerSecond: tokens, achievedFLOPS: achieved,
                peakFraction: achieved / peak,
                fixedCosts: try prefix.adding(job.checkpointTime), checkpoints: job.checkpoints,
                samplesToTrain: steps * Int64(global), stepsToTrain: steps, timeToTrain: total,
                fastForwardedSteps: job.fastForwardedSteps, fastForwardRelativeError: job.fastForwardRelativeError,
                eventsSimulated: sim.eventsHandled,
                energyKWh: energy, pacingUsableCores: wafers.map(\.usableCores).min() ?? 0,
                peakFLOPBound: flopBound, ioBound: ioBound, weightBytesPerStep: plan.weightBytesPerStep,
                checkpoint: SimDuration(nanoseconds: plan.checkpointNanoseconds),
                lastMicroBatch: plan.lastMicroBatch, maxMicroBatch: plan.maxMicroBatch, sramBytesPerCore: plan.sramBytesPerCore,
                mappings: plan.mappings,
                forwardOnlySamplesPerSecond: Double(global) / (plan.forwardOnlyStepNanoseconds * 1e-9),
                passOverhead: SimDuration(nanoseconds: plan.passOverheadNanoseconds), passesPerStep: plan.passes.count)
        } catch {
            throw TrainingError("\(spec.model.name) on \(spec.systems) systems: \(error)")
        }
    }
}
