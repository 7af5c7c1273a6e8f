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
        public let stepNanoseconds: Int64
        public let memoryXBytes: Double
        public let checkpointNanoseconds: Int64
        public let globalBatch: Int
    }

    struct Key: Hashable, Comparable {
        let model: String, seqLen: Int, perSystemBatch: Int, globalBatch: Int, systems: Int
        static func < (a: Key, b: Key) -> Bool {
            (a.model, a.seqLen, a.perSystemBatch, a.globalBatch, a.systems) < (b.model, b.seqLen, b.perSystemBatch, b.globalBatch, b.systems)
        }
    }

    public let cluster: ClusterSpec
    public let efficiency: EfficiencyModel
    public let seed: UInt64
    /// Stop a contention probe after this many events (then use the steps measured so far).
    public var probeEventLimit: UInt64 = 2_000_000
    var solos: [Key: Solo] = [:]
    var shared: [[Key]: [Int64]] = [:]
    /// Contention probes simulated (cache misses) and answered from the cache.
    public private(set) var probes = 0
    public private(set) var cacheHits = 0
    /// Events simulated by all probes.
    public private(set) var probeEvents: UInt64 = 0

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
        let fc = spec.fixedCosts
        let ckpt = fc.checkpointBase.nanoseconds + Int64((state / fc.checkpointBytesPerSecond * 1e9).rounded(.up))
        let s = Solo(stepNanoseconds: r.step.total.nanoseconds, memoryXBytes: state, checkpointNanoseconds: ckpt,
                     globalBatch: spec.effectiveGlobalBatch)
        solos[k] = s
        return s
    }

    /// Step times of `specs` running at the same time (in the order given).
    public func sharing(_ specs: [TrainingSpec]) throws(TrainingError) -> [Int64] {
        if specs.count <= 1 { return try specs.map { (s) throws(TrainingError) in try solo(s).stepNanoseconds } }
        let keys = specs.map(key)
        let order = keys.indices.sorted { keys[$0] < keys[$1] || (keys[$0] == keys[$1] && $0 < $1) }
        let sortedKeys = order.map { keys[$0] }
        let times: [Int64]
        if let cached = shared[sortedKeys] {
            cacheHits += 1
            times = cached
        } else {
            times = try probe(order.map { specs[$0] })
            shared[sortedKeys] = times
            probes += 1
        }
        var out = Array(repeating: Int64(0), count: specs.count)
        for (i, j) in order.enumerated() { out[j] = times[i] }
        return out
    }

    /// Simulates the jobs together (disjoint systems, shared MemoryX) and measures their steps.
    func probe(_ specs: [TrainingSpec]) throws(TrainingError) -> [Int64] {
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
            for (i, s) in specs.enumerated() {
                let systems = Array(next..<(next + s.systems))
                next += s.systems
                let wafers = systems.map { Wafer(spec: c.cs2.wafer, index: $0, rng: root) }
                let plan = try ExecutionPlan(spec: s, cluster: c, wafers: wafers, efficiency: efficiency)
                let path = try fabric.dataPath(for: systems, label: "p\(i)")
                let job = WeightStreamingJob(plan: plan, fabric: fabric, systems: systems, path: path, totalSteps: 1 << 40)
                job.fullDetail = true
                job.attach(id: components.register(job))
                try sim.schedule(at: .zero, target: job.id, arg: WeightStreamingJob.startArg)
                jobs.append(job)
            }
            let wanted = 5
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
