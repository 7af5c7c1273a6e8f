import Hardware
import SimEngine
import Training

/// Step times of jobs on the simulated hardware, alone and sharing the cluster.
///
/// Alone: one job's steps simulated as events (``TrainingRun``). Sharing: every running job's
/// steps simulated together in one event simulation whose MemoryX links are shared, so their
/// weight broadcasts and gradient reductions split bandwidth by max-min fairness; each job's
/// step time is the mean of its steps 2 to k. Results are cached by the multiset of running job
/// configurations, since the same mix gives the same shares.
public final class StepTimeOracle {
    /// What the oracle knows of one job configuration.
    public struct Solo: Sendable, Equatable {
        /// Step time alone on an idle cluster, ns.
        public let stepNanoseconds: Int64
        /// MemoryX bytes its weights and optimizer state need.
        public let memoryXBytes: Double
        /// Time to write one checkpoint, ns.
        public let checkpointNanoseconds: Int64
        /// Global batch, samples per step.
        public let globalBatch: Int
        /// Share of a step during which this job's transfers occupy MemoryX alone (weight and
        /// gradient bytes per step over the MemoryX bandwidth, divided by the step time).
        public let memoryXDuty: Double
    }

    struct Key: Hashable, Comparable {
        let model: String, seqLen: Int, perSystemBatch: Int, globalBatch: Int, systems: Int
        static func < (a: Key, b: Key) -> Bool {
            (a.model, a.seqLen, a.perSystemBatch, a.globalBatch, a.systems) < (b.model, b.seqLen, b.perSystemBatch, b.globalBatch, b.systems)
        }
    }

    /// The hardware every probe runs on.
    public let cluster: ClusterSpec
    /// The compute-efficiency model of every probe.
    public let efficiency: EfficiencyModel
    /// Seeds the wafers' defect maps in every probe.
    public let seed: UInt64
    /// Stop a contention probe after this many events (then use the steps measured so far).
    public var probeEventLimit: UInt64 = 2_000_000
    /// Jobs whose MemoryX duties add up to less than this cannot slow one another by more than
    /// about this fraction, so they are not co-simulated (an approximation; 0 always co-simulates).
    public var contentionThreshold = 0.02
    /// A job whose own duty is below this is left out of a probe when the others' light traffic
    /// adds up to less than `contentionThreshold`.
    public var lightDuty = 0.002
    /// How running jobs are made to contend.
    public enum ContentionMode: String, Sendable {
        /// Co-simulate every running job together (exact within the model; cost grows with the
        /// number of distinct mixes).
        case exact
        /// Co-simulate each job with synthetic traffic of the others' combined MemoryX duty,
        /// rounded to a level (cached per job configuration and level; scales to 100,000 jobs).
        case meanField = "mean-field"
    }

    /// How running jobs contend (default: mean-field).
    public var mode: ContentionMode = .meanField
    /// Background duty levels of the mean-field probes.
    /// (Between two levels the step time is interpolated linearly; above the last, extrapolated
    /// from the last two.)
    public static let levels: [Double] = [0, 0.1, 0.25, 0.5, 1, 2, 4, 8]
    /// Background transfers per probed step and stream, at most (bounds the probe's cost; the
    /// transfer size is the probed job's mean per-layer transfer, or larger to respect this).
    public var backgroundTransfersPerStep = 128.0
    var background: [BackgroundKey: Int64] = [:]
    struct BackgroundKey: Hashable { let key: Key; let level: Int }

    var solos: [Key: Solo] = [:]
    var shared: [[Key]: [Int64]] = [:]
    /// Contention probes simulated (cache misses) and answered from the cache.
    public private(set) var probes = 0
    /// Contention probes answered from the cache.
    public private(set) var cacheHits = 0
    /// Events simulated by all probes.
    public private(set) var probeEvents: UInt64 = 0

    /// An oracle with empty caches for jobs on `cluster`.
    public init(cluster: ClusterSpec, efficiency: EfficiencyModel, seed: UInt64) {
        self.cluster = cluster
        self.efficiency = efficiency
        self.seed = seed
    }

    func key(_ s: TrainingSpec) -> Key {
        Key(model: s.model.name, seqLen: s.model.seqLen, perSystemBatch: s.perSystemBatch,
            globalBatch: s.effectiveGlobalBatch, systems: s.systems)
    }

    /// The job's step time on an otherwise idle cluster, and its MemoryX and checkpoint costs.
    public func solo(_ spec: TrainingSpec) throws(TrainingError) -> Solo {
        let k = key(spec)
        if let s = solos[k] { return s }
        var probe = spec
        probe.stopping = .steps(3)
        probe.checkpointEverySteps = 0
        probe.finalCheckpoint = false
        let r = try TrainingRun.simulate(probe, cluster: cluster, efficiency: efficiency, seed: seed)
        let state = Double(spec.model.parameters) * cluster.memoryX.stateBytesPerParameter
        let duty = r.weightBytesPerStep / cluster.memoryX.streamBytesPerSecond / max(1e-12, r.step.total.seconds)
        let s = Solo(stepNanoseconds: r.step.total.nanoseconds, memoryXBytes: state, checkpointNanoseconds: r.checkpoint.nanoseconds,
                     globalBatch: spec.effectiveGlobalBatch, memoryXDuty: duty)
        solos[k] = s
        return s
    }

    /// Step times of `specs` running at the same time (in the order given).
    public func sharing(_ specs: [TrainingSpec]) throws(TrainingError) -> [Int64] {
        var out = try specs.map { (s) throws(TrainingError) in try solo(s).stepNanoseconds }
        if specs.count <= 1 { return out }
        let duties = try specs.map { (s) throws(TrainingError) in try solo(s).memoryXDuty }
        if duties.reduce(0, +) < contentionThreshold { return out }
        if mode == .meanField {
            let total = duties.reduce(0, +)
            let levels = Self.levels
            for j in specs.indices {
                let others = total - duties[j]
                guard others >= contentionThreshold else { continue }
                var hi = 1
                while hi < levels.count - 1 && levels[hi] < others { hi += 1 }
                let lo = hi - 1
                let a = try stepTime(specs[j], level: lo), b = try stepTime(specs[j], level: hi)
                let w = (others - levels[lo]) / (levels[hi] - levels[lo])
                out[j] = max(out[j], Int64((Double(a) + w * Double(b - a)).rounded()))
            }
            return out
        }
        // Co-simulate the jobs that load MemoryX; leave out the light ones when all of them
        // together stay under the threshold.
        let light = duties.indices.filter { duties[$0] < lightDuty }
        let lightSum = light.reduce(0.0) { $0 + duties[$1] }
        let members = lightSum < contentionThreshold ? duties.indices.filter { duties[$0] >= lightDuty } : Array(duties.indices)
        if members.count <= 1 { return out }
        let keys = members.map { key(specs[$0]) }
        let local = keys.indices.sorted { keys[$0] < keys[$1] || (keys[$0] == keys[$1] && $0 < $1) }
        let order = local.map { members[$0] }
        let sortedKeys = local.map { keys[$0] }
        let times: [Int64]
        if let cached = shared[sortedKeys] {
            cacheHits += 1
            times = cached
        } else {
            times = try probe(order.map { specs[$0] })
            shared[sortedKeys] = times
            probes += 1
        }
        for (i, j) in order.enumerated() { out[j] = times[i] }
        return out
    }

    /// The job's step time against background traffic of `levels[level]` (cached).
    func stepTime(_ spec: TrainingSpec, level: Int) throws(TrainingError) -> Int64 {
        if level == 0 { return try solo(spec).stepNanoseconds }
        let bk = BackgroundKey(key: key(spec), level: level)
        if let t = background[bk] {
            cacheHits += 1
            return t
        }
        let t = try probe([spec], backgroundDuty: Self.levels[level])[0]
        background[bk] = t
        probes += 1
        return t
    }

    /// Simulates the jobs together (disjoint systems, shared MemoryX) and measures their steps.
    func probe(_ specs: [TrainingSpec], backgroundDuty: Double = 0) throws(TrainingError) -> [Int64] {
        var c = cluster
        c.systems = max(cluster.systems, specs.reduce(0) { $0 + $1.systems })
        let root = Xoshiro256(seed: seed)
        do {
            let sim = Simulation()
            var components = ComponentSet()
            let network = FlowNetwork()
            network.register(in: &components)
            let fabric = try ClusterFabric(spec: c, network: network)
            var jobs: [WeightStreamingJob] = []
            var next = 0
            for (i, original) in specs.enumerated() {
                // Step times only: checkpoints are accounted for by the cluster simulation.
                var s = original
                s.checkpointEverySteps = 0
                s.finalCheckpoint = false
                let systems = Array(next..<(next + s.systems))
                next += s.systems
                let wafers = systems.map { Wafer(spec: c.cs2.wafer, index: $0, rng: root) }
                let plan = try ExecutionPlan(spec: s, cluster: c, wafers: wafers, efficiency: efficiency)
                let path = try fabric.dataPath(for: systems, label: "p\(i)")
                let job = WeightStreamingJob(plan: plan, fabric: fabric, systems: systems, path: path, totalSteps: 1 << 40)
                job.fullDetail = true
                job.attach(id: components.register(job))
                // Stagger the starts over one step so the tenants' layers are not in lock step
                // (real jobs start at unrelated times).
                let offset = specs.count > 1 ? try solo(s).stepNanoseconds / Int64(specs.count) * Int64(i) : 0
                try sim.schedule(at: SimTime(nanoseconds: offset), target: job.id, arg: WeightStreamingJob.startArg)
                jobs.append(job)
            }
            if backgroundDuty > 0, let plan = jobs.first?.plan {
                // Weights out at the others' duty; gradients in at half of it (weights cross
                // MemoryX twice per micro-batch, gradients once).
                let bw = c.memoryX.streamBytesPerSecond
                let step = try solo(specs[0]).stepNanoseconds
                for (links, duty) in [([fabric.memoryXOut], backgroundDuty), ([fabric.memoryXIn], backgroundDuty / 2)] {
                    let perStream = duty / max(1, duty.rounded(.up))
                    let bytes = max(plan.weightBytesPerStep / Double(max(1, plan.passes.count)),
                                    perStream * bw * Double(step) * 1e-9 / backgroundTransfersPerStep)
                    let bg = try BackgroundTraffic(network: network, links: links, bytesPerSecond: bw, duty: duty, bytes: bytes)
                    bg.id = components.register(bg)
                    try bg.start(sim)
                }
            }
            let wanted = 3
            while jobs.contains(where: { $0.stepEnds.count < wanted }), sim.eventsHandled < probeEventLimit {
                _ = try sim.run(&components, maxEvents: 20_000)
            }
            probeEvents &+= sim.eventsHandled
            var out: [Int64] = []
            for (i, j) in jobs.enumerated() {
                let e = j.stepEnds
                if e.count >= 2 {
                    out.append((e[e.count - 1] - e[0]) / Int64(e.count - 1))
                } else {
                    out.append(try solo(specs[i]).stepNanoseconds)
                }
            }
            return out
        } catch let e as TrainingError {
            throw e
        } catch {
            throw TrainingError("contention probe: \(error)")
        }
    }
}
