import Hardware
import SimEngine
import Training

/// The measurements both contention models are built on: each job configuration's step time
/// alone (``solo(_:)``, a short ``TrainingRun``), and probes that simulate several jobs, or one
/// job and synthetic traffic, sharing MemoryX in one ``TrainingTestbed`` and time their steps
/// (``probe(_:backgroundDuty:)``). Solo results are cached by ``JobConfiguration``; one set of
/// probes serves every policy of a run, since the same mixes recur.
public final class ContentionProbes {
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
    /// Background transfers per probed step and stream, at most (bounds the probe's cost; the
    /// transfer size is the probed job's mean per-layer transfer, or larger to respect this).
    public var backgroundTransfersPerStep = 128.0

    var solos: [JobConfiguration: SoloStep] = [:]
    /// Compiled plans of probed jobs, by configuration and first system (a plan depends on the
    /// spec and on the wafers of its systems, whose defect maps are drawn by system index):
    /// every probe of a mix places its jobs on systems from 0 up, so the same plans recur. Also
    /// the pass timelines of ``ExactContention``'s windows. Possibly shared with other probes.
    public let work: ProbeWork
    /// Plans compiled for probes by this object (misses of ``work``).
    public private(set) var plansCompiled = 0
    /// Contention probes simulated (cache misses).
    public internal(set) var simulated = 0
    /// Contention probes answered from a cache.
    public internal(set) var cacheHits = 0
    /// Events simulated by all probes.
    public internal(set) var events: UInt64 = 0

    /// Probes with empty caches for jobs on `cluster`; plans and pass timelines kept in `work`
    /// (shared with other probes of the same cluster, efficiency and seed, or new).
    public init(cluster: ClusterSpec, efficiency: EfficiencyModel, seed: UInt64, work: ProbeWork = ProbeWork()) {
        self.cluster = cluster
        self.efficiency = efficiency
        self.seed = seed
        self.work = work
    }

    /// The job's step time on an otherwise idle cluster, and its MemoryX and checkpoint costs.
    public func solo(_ spec: TrainingSpec) throws(TrainingError) -> SoloStep {
        let k = JobConfiguration(spec)
        if let s = solos[k] { return s }
        var probe = spec
        probe.stopping = .steps(3)
        probe.checkpointEverySteps = 0
        probe.finalCheckpoint = false
        let r = try TrainingRun.simulate(probe, cluster: cluster, efficiency: efficiency, seed: seed)
        let state = Double(spec.model.parameters) * cluster.memoryX.stateBytesPerParameter
        let duty = r.weightBytesPerStep / cluster.memoryX.streamBytesPerSecond / max(1e-12, r.step.total.seconds)
        let s = SoloStep(stepNanoseconds: r.step.total.nanoseconds, memoryXBytes: state, checkpointNanoseconds: r.checkpoint.nanoseconds,
                         globalBatch: spec.effectiveGlobalBatch, memoryXDuty: duty)
        solos[k] = s
        return s
    }

    /// The solo step times of `specs` and their MemoryX duties, and whether they can contend at
    /// all: more than one job, and duties adding up to at least ``contentionThreshold``.
    func alone(_ specs: [TrainingSpec]) throws(TrainingError) -> (times: [Int64], duties: [Double], contend: Bool) {
        let times = try specs.map { (s) throws(TrainingError) in try solo(s).stepNanoseconds }
        if specs.count <= 1 { return (times, [], false) }
        let duties = try specs.map { (s) throws(TrainingError) in try solo(s).memoryXDuty }
        return (times, duties, duties.reduce(0, +) >= contentionThreshold)
    }

    /// `spec` as every probe runs it: no checkpoints (the cluster simulation accounts for them)
    /// and one step as the stopping rule (a probe sets its steps itself), so that specs differing
    /// only there share plans, pass timelines and measured mixes.
    static func probeSpec(_ spec: TrainingSpec) -> TrainingSpec {
        var s = spec
        s.stopping = .steps(1)
        s.checkpointEverySteps = 0
        s.finalCheckpoint = false
        return s
    }

    /// The plan of `spec` (as ``probeSpec(_:)``) on `systems` of `cluster`, compiled once per
    /// spec and systems.
    func probePlan(_ spec: TrainingSpec, on systems: [Int], cluster c: ClusterSpec) throws(TrainingError) -> ExecutionPlan {
        let normal = Self.probeSpec(spec)
        let key = ProbeWork.PlanKey(job: JobConfiguration(spec), firstSystem: systems.first ?? 0)
        if c == cluster, let found = work.plan(key, spec: normal) {
            return found
        }
        let plan = try TrainingTestbed.plan(normal, on: systems, cluster: c, efficiency: efficiency, seed: seed)
        plansCompiled += 1
        if c == cluster { work.store(plan, key) }
        return plan
    }

    /// Simulates `specs` together (disjoint systems, shared MemoryX), plus synthetic traffic of
    /// MemoryX duty `backgroundDuty` when it is above zero, and measures each job's mean step.
    public func probe(_ specs: [TrainingSpec], backgroundDuty: Double = 0) throws(TrainingError) -> [Int64] {
        // Stagger the starts over one step so the tenants' layers are not in lock step
        // (real jobs start at unrelated times).
        let bed = try testbed(specs) { (i) throws(TrainingError) in
            specs.count > 1 ? try solo(specs[i]).stepNanoseconds / Int64(specs.count) * Int64(i) : 0
        }
        let c = bed.cluster
        do {
            if backgroundDuty > 0, let plan = bed.jobs.first?.plan {
                // Weights out at the others' duty; gradients in at half of it (weights cross
                // MemoryX twice per micro-batch, gradients once).
                let bw = c.memoryX.streamBytesPerSecond
                let step = try solo(specs[0]).stepNanoseconds
                for (links, duty) in [([bed.fabric.memoryXOut], backgroundDuty), ([bed.fabric.memoryXIn], backgroundDuty / 2)] {
                    let perStream = duty / max(1, duty.rounded(.up))
                    let bytes = max(plan.weightBytesPerStep / Double(max(1, plan.passes.count)),
                                    perStream * bw * Double(step) * 1e-9 / backgroundTransfersPerStep)
                    let bg = try BackgroundTraffic(network: bed.network, links: links, bytesPerSecond: bw, duty: duty, bytes: bytes)
                    bg.id = bed.register(bg)
                    try bg.start(bed.sim)
                }
            }
            // Until every job has three step ends, read in slices of 20,000 events (this method's
            // figure is the mean of every step ended by then).
            let jobs = bed.jobs
            try runProbe(bed, slice: 20_000) { jobs.allSatisfy { $0.stepEnds.count >= 3 } }
            events &+= bed.sim.eventsHandled
            var out: [Int64] = []
            for (i, j) in bed.jobs.enumerated() {
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
