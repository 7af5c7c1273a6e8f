import FlowNetwork
import Foundation
import Hardware
import SimEngine

/// One data-parallel training job in weight-streaming execution, simulated as events.
///
/// Per step, for every micro-batch: each layer's weights stream from MemoryX through the SwarmX
/// tree to all systems (one broadcast flow) while the previous layer computes; each system
/// computes the layer forward, then backward in reverse order; after a layer's backward pass on
/// every system its gradients are reduced up the tree into MemoryX (one reduction flow), and
/// after the last micro-batch MemoryX runs that layer's optimizer update (one FIFO optimizer).
/// The next step's first layer needs its update, so only the iteration boundary is exposed.
/// The slowest system paces every pass. All transfers are flows of the shared network model
/// (the fabric's `NetworkModel`).
public final class WeightStreamingJob: Component {
    enum Kind: UInt32 {
        case streamDone = 1, computeDone, gradientDone, updateDone, inputDone, checkpointDone, start, overheadDone
    }

    /// Micro-batches of input a system's activation servers hold ready ahead of the wafer
    /// (double buffering; assumed). Input flows of one system run one at a time.
    public static let inputBuffers: Int64 = 2
    /// Fast-forward with jitter: the mean step is estimated from at least this many simulated
    /// steps (the first step of the job, which waits for cold input, is not counted).
    public static let steadyMinSamples = 8
    /// ... and at most this many: past it the estimate is used with whatever bound it has.
    public static let steadyMaxSamples = 1024
    /// ... until `steadyZ` standard errors of the mean are at most this fraction of the mean.
    public static let steadyTolerance = 1e-3
    /// The confidence multiplier of that bound (3: about 99.7 % for a normal mean).
    public static let steadyZ = 3.0

    /// The compiled job: micro-batch, passes, bytes and compute times.
    public let plan: ExecutionPlan
    let path: DataPath
    let fabric: ClusterFabric
    let systems: [Int]
    /// Component index (set by ``attach(id:)``).
    @exclusivity(unchecked) public private(set) var id: UInt32 = 0
    /// Turns the steady-state shortcut off.
    @exclusivity(unchecked) public var fullDetail = false
    /// Passes whose weights may be buffered ahead of the pass being computed.
    @exclusivity(unchecked) public var prefetchDepth = 1
    /// When set before the job starts, its input buffers start full (``inputBuffers`` micro-batches
    /// per lane, as in the steady state) instead of empty: no cold-input wait before the first
    /// pass (a contention probe's shortcut to its steady state; docs/cluster.md).
    public var startsWithInput = false

    // Targets.
    /// Steps to train.
    public let totalSteps: Int64
    /// A periodic checkpoint every this many steps (0: none).
    public let checkpointEvery: Int64
    let checkpointDuration: SimDuration
    let finalCheckpoint: Bool

    /// The cluster systems each compute lane stands for.
    let laneSystems: [[Int]]
    /// Input links of each lane (its systems' feeds and input ports).
    let laneInputLinks: [[LinkID]]
    /// Coefficient of variation of the per-pass run-time jitter (0: none).
    public let jitter: Double
    let jitterSigma: Double
    /// The coordinator's time per step (``RuntimeSpec``).
    let stepOverhead: SimDuration

    // Per-step state. Read and written on every event, so (like the engine's state) exempt from
    // the runtime exclusivity check that a class's stored `var`s pay on each access: only the
    // job's own handlers touch them, one at a time (docs/performance.md).
    @exclusivity(unchecked) var streamsStarted = 0
    @exclusivity(unchecked) var streamsDone = 0
    @exclusivity(unchecked) var streamInFlight = false
    /// Per lane: its state this step and its input counters (``Lane``). Raw storage the job
    /// owns (allocated in `init`, freed in `deinit`): the hot path pays no array uniqueness
    /// checks or retains (docs/performance.md).
    let lane: UnsafeMutablePointer<Lane>
    /// Per lane, a block of ``jitterBlock`` jitter factors drawn ahead from the lane's stream
    /// (`s * jitterBlock + k`), used in order: the same draws in the same order as one at a
    /// time, with the libm calls of a block in one loop.
    let jitterFactors: UnsafeMutablePointer<Double>
    static let jitterBlock = 64
    /// Per pass: lanes still to finish its backward computation this step.
    let backwardRemaining: UnsafeMutablePointer<Int>
    /// Per pass: what the hot path needs of ``ExecutionPlan/passes`` (and the gradient bytes of
    /// its layer), so that it does not retain the plan's arrays.
    let pass: UnsafeMutablePointer<PassInfo>
    /// Per pass and lane (`p * lanes + s`): the planned compute time of the lane's systems.
    let passCompute: UnsafeMutablePointer<Int64>
    /// Per layer: the optimizer update time.
    let updateTime: UnsafeMutablePointer<Int64>
    /// Passes per step and layers.
    let passCount: Int
    let layerCount: Int
    /// The least number of computes any lane has started this step (the running minimum of
    /// `lane[s].started`), and how many lanes are at it.
    @exclusivity(unchecked) var minStarted = 0
    @exclusivity(unchecked) var lanesAtMin = 0
    /// Lanes that have finished every pass of this step.
    @exclusivity(unchecked) var lanesDone = 0
    let lanes: Int
    @exclusivity(unchecked) var updateQueue: [Int] = []
    @exclusivity(unchecked) var updateHead = 0
    @exclusivity(unchecked) var updating = false
    @exclusivity(unchecked) var updatesDone = 0
    /// Micro-batches of input the whole job needs.
    let inputNeeded: Int64
    /// Steps sampled for the steady-state estimate: count, sums of total, total squared,
    /// pacing compute and boundary (nanoseconds).
    @exclusivity(unchecked) var sampleCount = 0
    @exclusivity(unchecked) var sampleSum = 0.0, sampleSumSquares = 0.0, sampleCompute = 0.0, sampleBoundary = 0.0
    @exclusivity(unchecked) var stepStart: Int64 = 0
    @exclusivity(unchecked) var firstComputeStart: Int64 = .max
    @exclusivity(unchecked) var lastComputeEnd: Int64 = 0

    // Results.
    /// Steps completed so far (fast-forwarded ones included).
    @exclusivity(unchecked) public internal(set) var stepsDone: Int64 = 0
    /// Checkpoints written so far.
    @exclusivity(unchecked) public internal(set) var checkpoints: Int64 = 0
    /// Time spent writing checkpoints so far.
    @exclusivity(unchecked) public internal(set) var checkpointTime = SimDuration.zero
    /// Steps skipped by the steady-state fast-forward.
    @exclusivity(unchecked) public internal(set) var fastForwardedSteps: Int64 = 0
    /// Relative error bound of the fast-forwarded time (``steadyZ`` standard errors of the mean
    /// step over the mean; 0 when steps are identical or nothing was skipped).
    @exclusivity(unchecked) public internal(set) var fastForwardRelativeError = 0.0
    /// Periodic checkpoints inside fast-forwarded spans (counted, not simulated one by one).
    @exclusivity(unchecked) public internal(set) var fastForwardedCheckpoints: Int64 = 0
    /// Whether every step and the final checkpoint are done.
    @exclusivity(unchecked) public private(set) var finished = false
    /// Duration of the most recent simulated step and its parts.
    @exclusivity(unchecked) public private(set) var lastStep = StepBreakdown()
    @exclusivity(unchecked) var previousStep = StepBreakdown()
    /// Times at which the first steps ended (at most 64), for contention probes.
    @exclusivity(unchecked) public private(set) var stepEnds: [Int64] = []
    /// When set, ``passTimes`` records every weight broadcast's end (contention probes).
    @exclusivity(unchecked) public var recordsPasses = false
    /// With ``recordsPasses``: the time each weight broadcast ended, in order since the job
    /// started; entry `i` is pass `i % passes` of step `i / passes` (``ExecutionPlan/passes``).
    @exclusivity(unchecked) public private(set) var passTimes: [Int64] = []

    /// With a ``TrainingCache``: the lanes' jitter streams and what they drew (``useJitterCache(_:)``).
    @exclusivity(unchecked) var jitterMemo: JitterMemo?
    /// When set, receives a span per compute pass per lane ("CS-2 <system>"), weight broadcast
    /// ("MemoryX out" and "SwarmX <label>"), gradient reduction ("MemoryX in"), optimizer update
    /// ("MemoryX optimizer"), and step, checkpoint and fast-forward ("<label>"). Nil costs nothing.
    /// (Read on the hot path, so exempt from the runtime exclusivity check, like the engine's
    /// state: a run without a trace pays one load and compare per site.)
    @exclusivity(unchecked) public var trace: TraceSink?
    /// Names the job's own track and its SwarmX track in the trace.
    public var traceLabel = "job"
    /// Trace bookkeeping, set up when the job starts: track and span names, and start times of
    /// what is in flight.
    @exclusivity(unchecked) var traceState: TraceState?
    /// The broadcast and reduction paths, prepared in the network when the job starts (the
    /// network then skips looking the link lists up on every flow).
    @exclusivity(unchecked) var broadcastPath: PathID?
    @exclusivity(unchecked) var reducePath: PathID?
    /// One compute lane's state.
    struct Lane {
        /// Computes started and finished this step, and whether one is running.
        var started = 0
        var done = 0
        var busy = false
        /// Whether an input flow is in flight.
        var inputInFlight = false
        /// Counted in micro-batches since the job started: input requested, arrived and consumed.
        var inputRequested: Int64 = 0
        var inputArrived: Int64 = 0
        var inputConsumed: Int64 = 0
        /// Compute time scheduled in this step (jitter included).
        var compute: Int64 = 0
        /// The jitter's random stream (substream "compute-jitter-<system>" of the seed; unused
        /// without jitter).
        var rng: Xoshiro256
        /// The lane's input links, prepared in the network when the job starts.
        var inputPath: PathID?
        /// The next unused factor of the lane's block in `jitterFactors` (``jitterBlock``:
        /// none left).
        var jitterNext = WeightStreamingJob.jitterBlock
    }

    /// What the hot path reads of one pass.
    struct PassInfo {
        var weightBytes: Double
        /// Gradient bytes of the pass's layer.
        var gradientBytes: Double
        var layer: Int
        /// A forward pass of layer 0: it consumes a micro-batch of input.
        var consumes: Bool
        var backward: Bool
        /// The step's last micro-batch.
        var lastMicro: Bool
    }

    /// The parts of one step.
    public struct StepBreakdown: Equatable, Sendable {
        /// The whole step, from its start to its last optimizer update.
        public var total = SimDuration.zero
        /// The slowest system's summed compute.
        public var pacingCompute = SimDuration.zero
        /// The iteration boundary: exposed time before the first compute and after the last.
        public var boundary = SimDuration.zero
        /// The rest: waits for weights within the step.
        public var exposedStream: SimDuration { SimDuration(nanoseconds: total.nanoseconds - pacingCompute.nanoseconds - boundary.nanoseconds) }
    }

    /// A job of `totalSteps` steps on `systems` (indexes into the fabric's systems), whose
    /// transfers cross `path`. Register it, ``attach(id:)`` it, and send it a start event
    /// (``startArg``) to begin.
    ///
    /// With a `jitterSeed`, every pass on every system runs for its planned time times a lognormal
    /// factor of mean 1 and coefficient of variation `fabric.spec.cs2.computeJitter`, drawn from
    /// that system's substream of the seed; each system is then its own compute lane. Without a
    /// seed (or with zero jitter) identical wafers share one lane.
    ///
    /// With `oneLane` (and no jitter), the systems compute as one lane that runs each pass for
    /// its slowest wafer's time even when their wafers differ: one compute event per pass
    /// instead of one per system (a contention probe's shortcut; docs/cluster.md).
    public init(plan: ExecutionPlan, fabric: ClusterFabric, systems: [Int], path: DataPath, totalSteps: Int64,
                jitterSeed: UInt64? = nil, oneLane: Bool = false) {
        self.plan = plan
        self.fabric = fabric
        self.systems = systems
        self.path = path
        self.totalSteps = totalSteps
        checkpointEvery = plan.spec.checkpointEverySteps
        checkpointDuration = SimDuration(nanoseconds: plan.checkpointNanoseconds)
        finalCheckpoint = plan.spec.finalCheckpoint
        // Systems whose wafers are identical compute in lock step: one compute lane stands for
        // all of them (same event times, far fewer events); otherwise one lane per system.
        let cv = jitterSeed == nil ? 0 : max(0, fabric.spec.cs2.computeJitter)
        jitter = cv
        jitterSigma = (log1p(cv * cv)).squareRoot()
        let uniform = cv == 0 && plan.passes.allSatisfy { p in p.computeNanoseconds.allSatisfy { $0 == p.computeNanoseconds[0] } }
        let paced = cv == 0 && oneLane && !uniform
        let n = uniform || paced ? 1 : systems.count
        laneSystems = uniform || paced ? [systems] : systems.map { [$0] }
        laneInputLinks = laneSystems.map { group in group.flatMap { [fabric.inputFeed[$0], fabric.systemIn[$0]] } }
        let root = Xoshiro256(seed: jitterSeed ?? 0)
        stepOverhead = (try? fabric.spec.runtime.overhead(systems: systems.count)) ?? .zero
        lanes = n
        lane = .allocate(capacity: max(1, n))
        jitterFactors = .allocate(capacity: max(1, n) * Self.jitterBlock)
        jitterFactors.initialize(repeating: 0, count: max(1, n) * Self.jitterBlock)
        for s in 0..<n {
            let rng = cv == 0 ? root : root.substream(named: "compute-jitter-\(systems[s])")
            (lane + s).initialize(to: Lane(rng: rng))
        }
        let passes = plan.passes
        passCount = passes.count
        layerCount = plan.layers.count
        backwardRemaining = .allocate(capacity: max(1, passes.count))
        backwardRemaining.initialize(repeating: n, count: max(1, passes.count))
        pass = .allocate(capacity: max(1, passes.count))
        passCompute = .allocate(capacity: max(1, passes.count * n))
        for (p, x) in passes.enumerated() {
            (pass + p).initialize(to: PassInfo(weightBytes: x.weightBytes, gradientBytes: plan.gradientBytes[x.layer],
                                               layer: x.layer, consumes: x.layer == 0 && !x.backward,
                                               backward: x.backward, lastMicro: x.micro == plan.gradAccumulation - 1))
            for s in 0..<n {
                let t = paced ? x.computeNanoseconds.max() ?? 0 : x.computeNanoseconds[uniform ? 0 : s]
                (passCompute + p * n + s).initialize(to: t)
            }
        }
        updateTime = .allocate(capacity: max(1, plan.updateNanoseconds.count))
        for (l, t) in plan.updateNanoseconds.enumerated() { (updateTime + l).initialize(to: t) }
        let (needed, o) = totalSteps.multipliedReportingOverflow(by: Int64(plan.gradAccumulation))
        inputNeeded = o ? .max : needed
    }

    deinit {
        lane.deinitialize(count: lanes)
        lane.deallocate()
        jitterFactors.deallocate()
        backwardRemaining.deallocate()
        pass.deallocate()
        passCompute.deallocate()
        updateTime.deallocate()
    }

    /// Tells the job its component index.
    public func attach(id: UInt32) { self.id = id }

    /// The `arg` of the event that starts the job.
    public static let startArg: UInt32 = EventArgument(Kind.start, 0).raw

    @inline(__always) func arg(_ k: Kind, _ payload: Int) -> UInt32 { EventArgument(k, payload).raw }
    /// The compute-done payload: the lane above the low 16 bits, the pass in them.
    static let passBits = 16

    /// Handles one of the job's own events (start, or a stream, compute, gradient, update, input or
    /// checkpoint done).
    public func handle(_ event: Event, in sim: Simulation) throws(SimulationError) {
        let a = EventArgument<Kind>(raw: event.arg)
        let payload = a.payload
        switch a.kind {
        case .start:
            if trace != nil, traceState == nil { traceState = makeTraceState() }
            if startsWithInput {
                let ready = min(Self.inputBuffers, inputNeeded)
                for l in 0..<lanes { lane[l].inputRequested = ready; lane[l].inputArrived = ready }
            }
            try preparePaths()
            try beginStep(sim)
        case .streamDone:
            if trace != nil { traceStreamDone(pass: payload, sim.now) }
            streamInFlight = false
            streamsDone += 1
            if recordsPasses { passTimes.append(sim.now.nanoseconds) }
            try advance(sim)
        case .computeDone:
            try computeFinished(system: a.high(lowBits: Self.passBits), pass: a.low(lowBits: Self.passBits), sim)
        case .gradientDone:
            if trace != nil { traceReduceDone(pass: payload, sim.now) }
            try gradientArrived(pass: payload, sim)
        case .updateDone:
            if trace != nil { traceUpdateDone(layer: payload, sim.now) }
            updating = false
            updatesDone += 1
            try startUpdate(sim)
            try checkStepEnd(sim)
        case .inputDone:
            lane[payload].inputArrived += 1
            lane[payload].inputInFlight = false
            try requestInput(lane: payload, sim)
            try advance(lanes: payload, payload + 1, sim)
        case .overheadDone: try stepEnded(sim)
        case .checkpointDone:
            if trace != nil { traceCheckpointDone(sim.now) }
            checkpoints += 1
            checkpointTime = try checkpointTime.adding(checkpointDuration)
            if stepsDone >= totalSteps { finish(sim) } else { try fastForward(sim); try beginStep(sim) }
        case nil: throw .model("training job: unknown event \(event.arg)")
        }
    }

    /// Prepares the job's link lists in the network (once; preparing again gives the same paths).
    /// The job does it when it starts; a caller may do it earlier, e.g. to prepare every job's
    /// paths before the first flow (`FlowNetwork.mergesLinks` then sets its merged links once).
    public func preparePaths() throws(SimulationError) {
        guard broadcastPath == nil else { return }
        let network = fabric.network
        broadcastPath = try network.preparePath(path.broadcast)
        reducePath = try network.preparePath(path.reduce)
        for s in 0..<lanes { lane[s].inputPath = try network.preparePath(laneInputLinks[s]) }
    }

    func beginStep(_ sim: Simulation) throws(SimulationError) {
        streamsStarted = 0; streamsDone = 0; streamInFlight = false
        for s in 0..<lanes { lane[s].started = 0; lane[s].done = 0; lane[s].compute = 0 }
        minStarted = 0
        lanesAtMin = lanes
        lanesDone = passCount == 0 ? lanes : 0
        for p in 0..<passCount { backwardRemaining[p] = lanes }
        updateQueue.removeAll(keepingCapacity: true); updateHead = 0; updatesDone = 0
        stepStart = sim.now.nanoseconds
        firstComputeStart = .max
        lastComputeEnd = 0
        // Input for this step's micro-batches, unless already buffered.
        for s in 0..<lanes { try requestInput(lane: s, sim) }
        try advance(sim)
    }

    /// Starts the lane's next input flow if none is in flight, a buffer is free and the job
    /// still needs input: input arrives one micro-batch at a time, in consumption order, at most
    /// ``inputBuffers`` ahead of the wafer.
    func requestInput(lane s: Int, _ sim: Simulation) throws(SimulationError) {
        guard !lane[s].inputInFlight, lane[s].inputRequested - lane[s].inputConsumed < Self.inputBuffers,
              lane[s].inputRequested < inputNeeded else { return }
        lane[s].inputRequested += 1
        lane[s].inputInFlight = true
        try startFlow(plan.inputBytesPerMicroBatch, on: lane[s].inputPath, links: laneInputLinks[s],
                      arg: arg(.inputDone, s), latency: nil, sim)
    }

    /// Starts a flow of the job's on its prepared path, or on `links` when the path is not
    /// prepared yet (the same flow either way), notifying the job with `arg`.
    @inline(__always)
    func startFlow(_ bytes: Double, on prepared: PathID?, links: [LinkID], arg: UInt32, latency: SimDuration?,
                   _ sim: Simulation) throws(SimulationError) {
        if let p = prepared {
            try fabric.network.startFlow(bytes: bytes, path: p, notify: id, arg: arg, latency: latency, in: sim)
        } else {
            try fabric.network.startFlow(bytes: bytes, links: links, notify: id, arg: arg, latency: latency, in: sim)
        }
    }

    /// The planned compute time of pass `pass` on lane `s`, times the lane's jitter factor.
    @inline(__always) func computeTime(pass p: Int, lane s: Int) -> Int64 {
        let base = passCompute[p * lanes + s]
        guard jitter > 0, base > 0 else { return base }
        if lane[s].jitterNext == Self.jitterBlock { drawJitter(lane: s) }
        let factor = jitterFactors[s * Self.jitterBlock + lane[s].jitterNext]
        lane[s].jitterNext += 1
        // `x.rounded()` (half away from zero) without libm's `round`: x is positive, so truncate
        // and add one when the fraction, which the subtraction gives exactly, is at least 1/2.
        let x = Double(base) * factor
        let truncated = Int64(x)
        return max(1, truncated + (x - Double(truncated) >= 0.5 ? 1 : 0))
    }

    /// Draws the lane's next ``jitterBlock`` jitter factors, in stream order (from the jitter
    /// cache's copy of the same draws when it has them).
    @inline(never) func drawJitter(lane s: Int) {
        let out = jitterFactors + s * Self.jitterBlock
        if let memo = jitterMemo {
            let b = memo.blocks[s]
            memo.blocks[s] = b + 1
            if let p = memo.prefix[s], b < p.blocks {
                p.factors.withUnsafeBufferPointer { f in
                    for k in 0..<Self.jitterBlock { out[k] = f[b * Self.jitterBlock + k] }
                }
                // Past the cached blocks the stream goes on from where they left it.
                if b + 1 == p.blocks { lane[s].rng = p.after }
                lane[s].jitterNext = 0
                return
            }
            drawJitterFromStream(lane: s, into: out)
            if b < memo.cache.jitterMaxBlocks {
                memo.drawn[s].append(contentsOf: UnsafeBufferPointer(start: out, count: Self.jitterBlock))
                memo.after[s] = lane[s].rng
            }
            return
        }
        drawJitterFromStream(lane: s, into: out)
    }

    /// With a jitter cache: each lane's stream at its start, the cache's blocks of it, the blocks
    /// used so far, the factors drawn past the cached ones and the stream after them.
    final class JitterMemo {
        let cache: TrainingCache
        let start: [Xoshiro256]
        let prefix: [TrainingCache.JitterPrefix?]
        var blocks: [Int]
        var drawn: [[Double]]
        var after: [Xoshiro256]
        init(cache: TrainingCache, start: [Xoshiro256], prefix: [TrainingCache.JitterPrefix?]) {
            self.cache = cache
            self.start = start
            self.prefix = prefix
            blocks = Array(repeating: 0, count: start.count)
            drawn = Array(repeating: [], count: start.count)
            after = start
        }
    }

    /// Draws the lanes' jitter from `cache` where it holds their streams' first blocks, and keeps
    /// the blocks drawn for ``storeJitter()`` (call before the job starts; no effect without jitter).
    public func useJitterCache(_ cache: TrainingCache) {
        guard jitter > 0, jitterMemo == nil else { return }
        let start = (0..<lanes).map { lane[$0].rng }
        jitterMemo = JitterMemo(cache: cache, start: start, prefix: start.map { cache.jitterPrefix($0, sigma: jitterSigma) })
    }

    /// Gives the jitter cache the blocks this job drew past those it held (after the run).
    public func storeJitter() {
        guard let memo = jitterMemo else { return }
        for s in 0..<lanes where !memo.drawn[s].isEmpty {
            let kept = memo.prefix[s].map { $0.factors } ?? []
            memo.cache.storeJitter(memo.start[s], sigma: jitterSigma, factors: kept + memo.drawn[s], after: memo.after[s])
        }
    }

    /// Draws the lane's next ``jitterBlock`` jitter factors from its stream into `out`.
    @inline(__always) func drawJitterFromStream(lane s: Int, into out: UnsafeMutablePointer<Double>) {
        let sigma = jitterSigma
        var rng = lane[s].rng
        for k in 0..<Self.jitterBlock {
            // Lognormal factor of mean 1: exp(sigma z - sigma^2 / 2), z standard normal (Box-Muller).
            let u1 = 1 - rng.uniform(), u2 = rng.uniform()
            let z = (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
            out[k] = exp(sigma * z - sigma * sigma / 2)
        }
        lane[s].rng = rng
        lane[s].jitterNext = 0
    }

    /// Starts every stream and compute whose dependencies are met.
    @inline(__always) func advance(_ sim: Simulation) throws(SimulationError) {
        try advance(lanes: 0, lanes, sim)
    }

    /// Starts the next stream and the computes of lanes `from..<to` whose dependencies are met.
    /// After an event that changes only lane `s` (its compute finished, or its input arrived),
    /// only that lane can start: every other lane was left busy, waiting for weights or waiting
    /// for input by the last call, and nothing it waits for has changed.
    func advance(lanes from: Int, _ to: Int, _ sim: Simulation) throws(SimulationError) {
        try startNextStream(sim)
        for s in from..<to where !lane[s].busy {
            let p = lane[s].started
            guard p < passCount, p < streamsDone else { continue }
            let consumes = pass[p].consumes
            if consumes {
                guard lane[s].inputArrived > lane[s].inputConsumed else { continue }
                lane[s].inputConsumed += 1
            }
            lane[s].busy = true
            lane[s].started = p + 1
            if p == minStarted { lanePassedMinimum() }
            if trace != nil { traceStarted(.compute, sim.now, lane: s) }
            if sim.now.nanoseconds < firstComputeStart { firstComputeStart = sim.now.nanoseconds }
            let t = computeTime(pass: p, lane: s)
            lane[s].compute += t
            try sim.schedule(after: SimDuration(nanoseconds: t), target: id, arg: EventArgument(Kind.computeDone, high: s, low: p, lowBits: Self.passBits).raw)
            // A buffer was freed: fetch further input (the next micro-batch, or the next step's).
            if consumes { try requestInput(lane: s, sim) }
        }
        // A started compute may unblock the next stream.
        try startNextStream(sim)
    }

    /// A lane at the running minimum of computes started has started one more: when it was the
    /// last one there, the minimum moves up (a scan of the lanes, at most once per pass per step).
    @inline(__always) func lanePassedMinimum() {
        lanesAtMin -= 1
        guard lanesAtMin == 0 else { return }
        var m = Int.max, k = 0
        for s in 0..<lanes {
            let x = lane[s].started
            if x < m { m = x; k = 1 } else if x == m { k += 1 }
        }
        minStarted = m
        lanesAtMin = k
    }

    /// Starts the next weight broadcast if none is in flight and every lane has started computing
    /// far enough (the weights of at most `prefetchDepth` passes wait ahead of the computation).
    func startNextStream(_ sim: Simulation) throws(SimulationError) {
        let p = streamsStarted
        guard !streamInFlight, p < passCount else { return }
        guard p == 0 || minStarted >= p - prefetchDepth + 1 else { return }
        streamInFlight = true
        streamsStarted += 1
        if trace != nil { traceStarted(.stream, sim.now) }
        try startFlow(pass[p].weightBytes, on: broadcastPath, links: path.broadcast, arg: arg(.streamDone, p),
                      latency: path.treeLatency, sim)
    }


    func computeFinished(system s: Int, pass p: Int, _ sim: Simulation) throws(SimulationError) {
        if trace != nil { traceComputeDone(lane: s, pass: p, sim.now) }
        if trace != nil, lanes > 1 { tracePacing(lane: s, pass: p, sim.now) }
        lane[s].busy = false
        lane[s].done += 1
        if lane[s].done == passCount { lanesDone += 1 }
        lastComputeEnd = max(lastComputeEnd, sim.now.nanoseconds)
        if pass[p].backward {
            backwardRemaining[p] -= 1
            if backwardRemaining[p] == 0 {
                if trace != nil { traceReduceStarted(pass: p, sim.now) }
                try startFlow(pass[p].gradientBytes, on: reducePath, links: path.reduce, arg: arg(.gradientDone, p),
                              latency: path.reduceLatency, sim)
            }
        }
        try advance(lanes: s, s + 1, sim)
        try checkStepEnd(sim)
    }

    func gradientArrived(pass p: Int, _ sim: Simulation) throws(SimulationError) {
        if pass[p].lastMicro {
            updateQueue.append(pass[p].layer)
            try startUpdate(sim)
        }
    }

    func startUpdate(_ sim: Simulation) throws(SimulationError) {
        guard !updating, updateHead < updateQueue.count else { return }
        let layer = updateQueue[updateHead]
        updateHead += 1
        updating = true
        if trace != nil { traceStarted(.update, sim.now) }
        try sim.schedule(after: SimDuration(nanoseconds: updateTime[layer]), target: id,
                         arg: arg(.updateDone, layer))
    }

    func checkStepEnd(_ sim: Simulation) throws(SimulationError) {
        guard updatesDone == layerCount, !updating, lanesDone == lanes else { return }
        // The coordinator closes the step (``RuntimeSpec``) before the next one starts.
        if stepOverhead.nanoseconds > 0 {
            try sim.schedule(after: stepOverhead, target: id, arg: arg(.overheadDone, 0))
        } else {
            try stepEnded(sim)
        }
    }

    func stepEnded(_ sim: Simulation) throws(SimulationError) {
        let now = sim.now.nanoseconds
        previousStep = lastStep
        var pacing = lanes == 0 ? plan.pacingComputeNanoseconds : Int64.min
        for s in 0..<lanes { pacing = max(pacing, lane[s].compute) }
        lastStep = StepBreakdown(total: SimDuration(nanoseconds: now - stepStart),
                                 pacingCompute: SimDuration(nanoseconds: pacing),
                                 boundary: SimDuration(nanoseconds: (firstComputeStart - stepStart) + (now - lastComputeEnd)))
        stepsDone += 1
        // Every step but the job's first (which waits for cold input) is a sample of the steady state.
        if stepsDone > 1 && sampleCount < Self.steadyMaxSamples {
            let t = Double(lastStep.total.nanoseconds)
            sampleCount += 1
            sampleSum += t
            sampleSumSquares += t * t
            sampleCompute += Double(lastStep.pacingCompute.nanoseconds)
            sampleBoundary += Double(lastStep.boundary.nanoseconds)
        }
        if stepEnds.count < 64 { stepEnds.append(now) }
        if trace != nil { traceSpan("step \(stepsDone)", from: SimTime(nanoseconds: stepStart), to: sim.now) }
        try stepBoundary(sim)
    }

    /// At a step boundary: checkpoint, finish, fast-forward a steady state, or go on.
    func stepBoundary(_ sim: Simulation) throws(SimulationError) {
        let periodic = checkpointEvery > 0 && stepsDone % checkpointEvery == 0
        if stepsDone >= totalSteps {
            if periodic || finalCheckpoint { try startCheckpoint(sim) } else { finish(sim) }
            return
        }
        if periodic {
            try startCheckpoint(sim)
            return
        }
        try fastForward(sim)
        try beginStep(sim)
    }

    func startCheckpoint(_ sim: Simulation) throws(SimulationError) {
        if trace != nil { traceStarted(.checkpoint, sim.now) }
        try sim.schedule(after: checkpointDuration, target: id, arg: arg(.checkpointDone, 0))
    }

    func finish(_ sim: Simulation) {
        finished = true
    }
}
