import Hardware
import SimEngine
import Training

/// The shared cluster as a discrete-event simulation: jobs arrive, wait, are started by a
/// ``SchedulingPolicy`` on gangs of whole systems, run at the speed the simulated hardware gives
/// them while sharing MemoryX with the other running jobs (a ``ContentionModel``), fail with their
/// systems, are preempted or drained, and finish.
///
/// Between two changes of the running set every job's step time is constant (the steady state of
/// the training model), so the simulation advances each job's progress arithmetically and
/// schedules its completion; any change (arrival, start, end, failure, repair, maintenance,
/// preemption) re-measures the step times and reschedules completions. Checkpoints are amortised
/// into each step (checkpoint time / checkpoint interval) and the final one is paid at the end.
public final class ClusterSimulation: Component {
    enum Kind: UInt32 {
        case arrival = 1, startupDone, complete, preemptDone, failure, repair, maintenanceStart, maintenanceEnd, horizon
    }

    /// The scheduler's facts: node groups, failures, maintenance, horizon, user shares.
    public let config: ClusterConfig
    /// The hardware the jobs run on.
    public let cluster: ClusterSpec
    /// Step times alone and under sharing (may be shared between runs on the same hardware).
    public let contention: any ContentionModel
    var policy: any SchedulingPolicy
    /// The jobs, in submission order: the next one to arrive is read when the one before it
    /// arrives, so a generated workload need never be held whole.
    var source: AnyIterator<(index: Int, spec: JobSpec)>
    /// The next job to arrive (read from `source` one ahead), with its index.
    var nextJob: (index: Int, spec: JobSpec)?
    /// Jobs read from `source` so far.
    var arrivalsRead = 0
    /// The records of the jobs that have arrived and not yet settled.
    @exclusivity(unchecked) var jobs: JobTable
    /// When set, each job's result is handed to it as soon as the job settles (finished or
    /// rejected; unfinished ones when the run ends) instead of being collected, and ``run()``
    /// returns an empty array: a workload of millions of jobs need not hold their results.
    public var resultSink: ((Int, JobResult) -> Void)?
    var collected: [JobResult?] = []
    var id: UInt32 = 0

    /// Systems, MemoryX and node groups, and who holds them.
    @exclusivity(unchecked) var pool: SystemPool
    /// Per system: the random stream of its failures.
    var failureStreams: [Xoshiro256]
    /// The shared compile cache (``JobRecord/config`` numbers a job's configuration in it).
    @exclusivity(unchecked) var compileCache = CompileCache()
    /// The queue, in order: what policies see of each queued job (``QueuedJob/index`` names it).
    /// A slice, so that taking the head out is O(1) (``remove(fromQueue:)`` compacts it now and then).
    @exclusivity(unchecked) var queue: ArraySlice<QueuedJob> = []
    /// The queue of a policy that decides from an index (every built-in one but FIFO), which is
    /// then kept instead of `queue` (see ``QueueIndex``); nil for the others.
    @exclusivity(unchecked) var queueIndex: QueueIndex?
    /// The policy when it decides from the index (cast once, not on every pass).
    var indexedPolicy: (any IndexedSchedulingPolicy)?
    /// Jobs waiting, whichever form the queue takes.
    var queueLength: Int { queueIndex?.count ?? queue.count }
    /// The views' estimates need refreshing (a compile finished).
    var queuedStale = false
    /// The system counts of the configurations compiled since the last refresh (only their jobs'
    /// estimates changed).
    var staleSystems: [Int] = []
    /// Tests only: rebuild every queued job's view when a compile finishes (the reference the
    /// partial refresh must equal).
    var refreshesEveryView = false
    @exclusivity(unchecked) var active: [Int] = []
    @exclusivity(unchecked) var usageDone: [String: Double] = [:]
    /// The cluster's state over time: one sample per instant at which it changed.
    @exclusivity(unchecked) public internal(set) var samples: [UtilizationSample] = []
    /// Whether ``samples`` keeps every sample (default); when false only ``utilizationFold`` is
    /// kept (a workload of millions of jobs need not hold its time series).
    public var keepSamples = true
    /// Busy system-time folded over the samples as they are taken.
    @exclusivity(unchecked) public internal(set) var utilizationFold = UtilizationFold()
    /// The last sample taken (kept or not).
    @exclusivity(unchecked) public internal(set) var lastSample: UtilizationSample?
    /// How many times the invariants were checked.
    public internal(set) var invariantChecks = 0
    var stopped = false
    /// Scratch space of ``rebalance(_:)``: the running jobs and their facts.
    @exclusivity(unchecked) var running: [Int] = []
    @exclusivity(unchecked) var scratchDuties: [Double] = []
    @exclusivity(unchecked) var scratchSolos: [Int64] = []
    @exclusivity(unchecked) var scratchIDs: [Int] = []
    @exclusivity(unchecked) var scratchSteps: [Int64] = []
    /// Failures handled so far (at most ``FailureModel/maxFailures``).
    var failuresHandled = 0
    /// Events the cluster simulation handled (contention probes not included).
    public internal(set) var eventsHandled: UInt64 = 0
    var finishedCount = 0
    var rejectedCount = 0
    /// When set, receives per job a span for each state it held systems in ("starting",
    /// "running", "checkpointing"; and "queued" before each start) on track "job <id>", a span
    /// named after the job on each held system's track "CS-2 <s>", instants for failures, repairs
    /// and maintenance on the system's track, and the counters "busy systems" and "queue length"
    /// (track "Cluster") at every utilisation sample. Nil costs nothing (read after every event,
    /// so exempt from the runtime exclusivity check).
    @exclusivity(unchecked) public var trace: TraceSink?
    /// Per job: when its current traced state began (sized by ``run()`` when tracing).
    var traceSince: [SimTime] = []

    /// Prepares a simulation of `jobs` under `policy` on the hardware `contention` measures
    /// (``ContentionProbes/cluster``); `seed` seeds the systems' failures. Pass the same
    /// `contention` to several simulations to share measured step times between them (e.g. when
    /// comparing policies).
    public convenience init(jobs specs: [JobSpec], policy: any SchedulingPolicy, config: ClusterConfig, contention: any ContentionModel, seed: UInt64) {
        // Arrival order: by submit time, then index (listed jobs need not be sorted).
        let sorted = zip(specs, specs.dropFirst()).allSatisfy { $0.submit <= $1.submit }
        let order = sorted ? nil : specs.indices.sorted { (specs[$0].submit, $0) < (specs[$1].submit, $1) }
        var k = 0
        let source = AnyIterator<(index: Int, spec: JobSpec)> {
            guard k < specs.count else { return nil }
            let i = order?[k] ?? k
            k += 1
            return (i, specs[i])
        }
        self.init(count: specs.count, arrivals: source, policy: policy, config: config, contention: contention, seed: seed)
    }

    /// The same for `count` jobs read one at a time from `source`, which must yield exactly
    /// `count` jobs in submission order (they get indexes 0, 1, ...): nothing of a job is held
    /// before it arrives or, with a ``resultSink``, after it settles.
    public convenience init(count: Int, jobs source: AnyIterator<JobSpec>, policy: any SchedulingPolicy, config: ClusterConfig,
                            contention: any ContentionModel, seed: UInt64) {
        var k = 0
        let indexed = AnyIterator<(index: Int, spec: JobSpec)> {
            guard let s = source.next() else { return nil }
            defer { k += 1 }
            return (k, s)
        }
        self.init(count: count, arrivals: indexed, policy: policy, config: config, contention: contention, seed: seed)
    }

    /// `count` jobs in arrival order (submit time, then index), each with its index.
    init(count: Int, arrivals source: AnyIterator<(index: Int, spec: JobSpec)>, policy: any SchedulingPolicy, config: ClusterConfig,
         contention: any ContentionModel, seed: UInt64) {
        self.config = config
        self.policy = policy
        if let p = policy as? any IndexedSchedulingPolicy {
            indexedPolicy = p
            queueIndex = QueueIndex(grouping: p.grouping)
        }
        self.contention = contention
        cluster = contention.probes.cluster
        self.source = source
        jobs = JobTable(count: count)
        let n = cluster.systems
        pool = SystemPool(systems: n, memoryXCapacityBytes: cluster.memoryX.capacityBytes,
                          nodeGroups: config.nodeGroups(systems: n))
        let root = Xoshiro256(seed: seed)
        failureStreams = (0..<n).map { root.substream(named: "failure-\($0)") }
    }

    /// Prepares a simulation of `jobs` under `policy` on `cluster`, with fresh contention probes
    /// (`mode`, default mean-field) using `efficiency`; `seed` seeds the wafers and the failures.
    public convenience init(jobs specs: [JobSpec], policy: any SchedulingPolicy, config: ClusterConfig = ClusterConfig(),
                            cluster: ClusterSpec = ClusterSpec(), efficiency: EfficiencyModel = EfficiencyModel(), seed: UInt64 = 42,
                            contention mode: ContentionMode = .meanField) {
        let probes = ContentionProbes(cluster: cluster, efficiency: efficiency, seed: seed)
        self.init(jobs: specs, policy: policy, config: config, contention: mode.make(probes: probes), seed: seed)
    }

    @inline(__always) func arg(_ k: Kind, _ i: Int) -> UInt32 { EventArgument(k, i).raw }

    /// Runs the whole simulation and returns every job's outcome (in job order; empty when a
    /// ``resultSink`` received them).
    public func run() throws(SimulationError) -> [JobResult] {
        guard jobs.count < EventArgument<Kind>.payloadLimit, cluster.systems < EventArgument<Kind>.payloadLimit else {
            throw .model("at most 268,435,455 jobs and systems")
        }
        let sim = Simulation(expectedPending: min(jobs.count, 4096) + 64)
        if trace != nil { traceSince = Array(repeating: .zero, count: jobs.count) }
        if resultSink == nil { collected = Array(repeating: nil, count: jobs.count) }
        var components = ComponentSet()
        id = components.register(self)
        // Arrivals are chained: each schedules the next, so they keep their order (by index at
        // equal times) and only one is pending.
        try scheduleNextArrival(sim)
        if let f = config.failures {
            for s in 0..<pool.count { try scheduleFailure(s, after: .zero, f, sim) }
        }
        for (i, w) in config.maintenance.enumerated() {
            try sim.schedule(at: w.start, target: id, arg: arg(.maintenanceStart, i), priority: 32)
        }
        if let h = config.horizon { try sim.schedule(at: h, target: id, arg: arg(.horizon, 0), priority: 255) }
        // Progress (when a reporter is current): the jobs settled, every 64 events. The contention
        // probes run simulations of their own inside these events; they run with no reporter, so
        // that their progress is not taken for the cluster's.
        let reporter = WorkProgress.current
        do {
            try WorkProgress.$current.withValue(nil) {
                guard let reporter else { _ = try sim.run(&components); return }
                while true {
                    let outcome = try sim.run(&components, maxEvents: 64)
                    reporter.update(Double(self.settledJobs) / Double(max(1, self.jobs.count)))
                    if outcome != .reachedEventLimit { return }
                }
            }
        } catch let e as SimulationError {
            throw e
        } catch {
            throw .model("cluster: \(error)")
        }
        eventsHandled = sim.eventsHandled
        // The series always ends at the end of the simulation (a horizon included).
        record(sim.now, force: true)
        let end = sim.now
        // Jobs that never arrived are still pending.
        if arrivalsRead < jobs.count {
            if let n = nextJob { jobs.insert(JobRecord(index: n.index, spec: n.spec)) }
            while let n = source.next() { jobs.insert(JobRecord(index: n.index, spec: n.spec)) }
        }
        for i in 0..<jobs.count {
            guard jobs.isLive(i) else { continue }
            if let trace, jobs[i].state == .queued, jobs[i].enqueued < end {
                trace.span(track: "job \(jobs[i].spec.id)", name: "queued", start: jobs[i].enqueued, end: end)
            }
            closeSegment(i, at: end, reason: "horizon")
            jobs[i].reason = jobs[i].reason.isEmpty ? "still \(jobs[i].state.rawValue) when the simulation ended" : jobs[i].reason
            jobs[i].state = .unfinished
            settled(i)
        }
        nextJob = nil
        queue = []
        queueIndex?.removeAll()
        let results = collected.compactMap { $0 }
        collected = []
        return results
    }

    /// Hands settled job `i`'s result on and frees its record.
    func settled(_ i: Int) {
        let r = jobs[i].result(power: cluster.cs2.powerWatts)
        if let resultSink { resultSink(i, r) } else { collected[i] = r }
        jobs.remove(i)
    }

    /// Reads the next job and schedules its arrival.
    func scheduleNextArrival(_ sim: Simulation) throws(SimulationError) {
        guard arrivalsRead < jobs.count, let n = source.next() else { return }
        guard n.index >= 0, n.index < jobs.count else { throw .model("cluster: job index \(n.index) outside 0..<\(jobs.count)") }
        arrivalsRead += 1
        nextJob = n
        try sim.schedule(at: n.spec.submit, target: id, arg: arg(.arrival, n.index), priority: 64)
    }

    func scheduleFailure(_ s: Int, after base: SimDuration, _ f: FailureModel, _ sim: Simulation) throws(SimulationError) {
        let gap = f.mtbf.seconds * failureStreams[s].exponential()
        let d = try SimDuration(seconds: min(gap, 9e9), "time to failure of system \(s)")
        try sim.schedule(after: try base.adding(d), target: id, arg: arg(.failure, s), priority: 16)
    }

    /// Handles one of its own events (arrival, start-up done, completion, preemption done, failure,
    /// repair, maintenance, horizon), then lets the policy schedule.
    public func handle(_ event: Event, in sim: Simulation) throws(SimulationError) {
        guard !stopped else { return }
        let a = EventArgument<Kind>(raw: event.arg)
        let i = a.payload
        switch a.kind {
        case .arrival: try arrive(i, sim)
        case .startupDone:
            traceStateEnd(i, sim.now)
            jobs[i].completion = nil
            jobs[i].completionTime = .never
            if compileCache.markCompiled(jobs[i].config) {
                queuedStale = true
                staleSystems.append(jobs[i].spec.systems)
            }
            jobs[i].state = .running
            jobs[i].anchor = sim.now
            try rebalance(sim)
        case .complete: try complete(i, sim)
        case .preemptDone: try preemptDone(i, sim)
        case .failure: try fail(system: i, sim)
        case .repair:
            trace?.instant(track: "\(cluster.systemName) \(i)", name: "repaired", at: sim.now)
            pool.markUp(i)
            if let f = config.failures { try scheduleFailure(i, after: .zero, f, sim) }
        case .maintenanceStart: try maintenance(start: i, sim)
        case .maintenanceEnd:
            for s in config.maintenance[i].systems where s < pool.count {
                trace?.instant(track: "\(cluster.systemName) \(s)", name: "maintenance end", at: sim.now)
                pool.markUp(s)
            }
        case .horizon:
            stopped = true
            for j in active { try settle(j, sim.now) }
            record(sim.now)
            sim.stop()
            return
        case nil: throw .model("cluster: unknown event \(event.arg)")
        }
        try schedule(sim)
        record(sim.now)
        if config.checkInvariants { try checkInvariants(sim.now) }
        // Failures and repairs go on for ever: stop once every job has finished or was rejected.
        if settledJobs == jobs.count { sim.stop() }
    }

    /// Jobs finished or rejected so far.
    var settledJobs: Int { finishedCount + rejectedCount }

    // MARK: Arrivals and admission

    func arrive(_ i: Int, _ sim: Simulation) throws(SimulationError) {
        guard let n = nextJob, n.index == i else { throw .model("cluster: arrival \(i) out of order") }
        let job = n.spec
        jobs.insert(JobRecord(index: i, spec: job))
        nextJob = nil
        try scheduleNextArrival(sim)
        let spec = job.training
        let total = cluster.systems
        if spec.systems > total {
            return reject(i, "asks for \(spec.systems) systems; the cluster has \(total)")
        }
        do {
            let solo = try contention.solo(spec)
            if solo.memoryXBytes > cluster.memoryX.capacityBytes {
                return reject(i, "needs \(solo.memoryXBytes / 1e9) GB of MemoryX; the cluster has \(cluster.memoryX.capacityBytes / 1e9) GB")
            }
            jobs[i].solo = solo
            jobs[i].config = compileCache.id(of: JobConfiguration(spec))
            let samples = spec.stopping.samples(atGlobalBatch: solo.globalBatch)
            jobs[i].prepare(solo: solo, totalSteps: max(1, Int64(min(samples / Double(solo.globalBatch), 1e15).rounded(.up))))
            // A job whose run alone cannot be represented in simulated time is rejected alone
            // (with its reason in jobs.csv), not the run: at most a quarter of the range, so
            // that sharing slowdowns and later arrivals still fit.
            let alone = jobs[i].soloRunNanoseconds
            if alone >= Self.maxSoloRunNanoseconds || sim.now.nanoseconds.addingReportingOverflow(alone * 2).overflow {
                return reject(i, "its run alone (\(jobs[i].totalSteps) steps) would take \(alone >= Int64.max / 4 ? "more than " : "")"
                    + String(format: "%.3g", Double(alone) / 3.15576e16) + " years of simulated time; allowed: at most "
                    + String(format: "%.3g", Double(Self.maxSoloRunNanoseconds) / 3.15576e16) + " years (a quarter of the "
                    + "292 years simulated nanoseconds can represent)")
            }
            jobs[i].tableID = contention.tableID(spec)
        } catch {
            return reject(i, error.message)
        }
        jobs[i].state = .queued
        jobs[i].enqueued = sim.now
        enqueue(i)
    }

    /// The longest run alone a job may have (a quarter of the simulated time range, about 73 years).
    public static let maxSoloRunNanoseconds = Int64.max / 4

    func reject(_ i: Int, _ reason: String) {
        rejectedCount += 1
        jobs[i].state = .rejected
        jobs[i].reason = reason
        settled(i)
    }
}
