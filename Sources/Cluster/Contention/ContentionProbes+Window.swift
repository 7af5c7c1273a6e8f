import FlowNetwork
import Hardware
import SimEngine
import Training

extension ContentionProbes {
    /// A testbed of `specs` on consecutive systems from 0 (checkpoints removed, plans from
    /// ``probePlan(_:on:cluster:)``), job `i` started at `offset(i)`; not run.
    func testbed(_ specs: [TrainingSpec], ratesOnly: Bool = false,
                 offset: (Int) throws(TrainingError) -> Int64) throws(TrainingError) -> TrainingTestbed {
        var c = cluster
        c.systems = max(cluster.systems, specs.reduce(0) { $0 + $1.systems })
        let bed = try makeTestbed(c, ratesOnly: ratesOnly)
        var next = 0
        for (i, s) in specs.enumerated() {
            let job = try addJob(s, on: Array(next..<(next + s.systems)), to: bed, label: "p\(i)", oneLane: ratesOnly)
            next += s.systems
            try startJob(job, in: bed, at: try offset(i))
        }
        return bed
    }

    /// A testbed on `c`. With `ratesOnly`, its network keeps no link statistics and no rate
    /// caches: a probe reads only the jobs' pass times, and its sharing states rarely recur
    /// (docs/performance.md); rates and completions are the same either way.
    func makeTestbed(_ c: ClusterSpec, ratesOnly: Bool = false) throws(TrainingError) -> TrainingTestbed {
        let network = FlowNetwork()
        if ratesOnly {
            network.cachesRates = false
            network.keepsStatistics = false
            network.mergesLinks = true
        }
        return try engine { () throws(SimulationError) in
            try TrainingTestbed(cluster: c, network: network)
        }
    }

    /// Adds `spec` to `bed` on `systems` for steps without end, checkpoints removed (the
    /// cluster simulation accounts for them), every step simulated; with `oneLane` (the
    /// rates-only testbeds, whose network merges links) its systems run as one lane.
    func addJob(_ spec: TrainingSpec, on systems: [Int], to bed: TrainingTestbed, label: String,
                oneLane: Bool) throws(TrainingError) -> WeightStreamingJob {
        let plan = try probePlan(spec, on: systems, cluster: bed.cluster)
        // Rates-only probes (the window) also run each job's systems as one lane paced by its
        // slowest wafer, pass by pass (docs/cluster.md).
        let job = try engine { () throws(SimulationError) in
            try bed.add(plan, on: systems, totalSteps: 1 << 40, label: label, oneLane: oneLane)
        }
        job.fullDetail = true
        return job
    }

    func startJob(_ job: WeightStreamingJob, in bed: TrainingTestbed, at t: Int64) throws(TrainingError) {
        try engine { () throws(SimulationError) in try bed.start(job, at: SimTime(nanoseconds: t)) }
    }

    /// `body`'s result, with an engine error reported as a contention-probe error.
    func engine<T>(_ body: () throws(SimulationError) -> T) throws(TrainingError) -> T {
        do {
            return try body()
        } catch {
            throw TrainingError("contention probe: \(error)")
        }
    }

    /// Events per slice of ``runProbe(_:slice:until:)``: `done` is checked between slices, so a slice
    /// is what a probe can run past its condition (2,000 made a quarter of all probe events).
    static let probeSlice: UInt64 = 200

    /// Runs `bed` in slices of `slice` events until `done` holds or the probe's event budget is
    /// spent.
    func runProbe(_ bed: TrainingTestbed, slice: UInt64 = probeSlice, until done: () -> Bool) throws(TrainingError) {
        try engine { () throws(SimulationError) in
            var handler = bed.events()
            while !done(), bed.sim.eventsHandled < probeEventLimit {
                _ = try bed.sim.run(&handler, maxEvents: slice)
            }
        }
    }

    /// The pass timeline of `spec` alone on `systems` of a cluster of `clusterSystems` (the
    /// placement and fabric its probes use): one job, three steps, its second and third timed.
    func passClock(_ spec: TrainingSpec, firstSystem: Int, clusterSystems: Int) throws(TrainingError) -> PassClock {
        let key = ProbeWork.ClockKey(job: JobConfiguration(spec), firstSystem: firstSystem, systems: clusterSystems)
        let normal = Self.probeSpec(spec)
        if let c = work.clock(key, spec: normal) { return c }
        // The job alone, on the same systems of the same fabric.
        var c = cluster
        c.systems = clusterSystems
        let bed = try makeTestbed(c, ratesOnly: true)
        let job = try addJob(spec, on: Array(firstSystem..<(firstSystem + spec.systems)), to: bed, label: "p", oneLane: true)
        job.recordsPasses = true
        try startJob(job, in: bed, at: 0)
        try runProbe(bed) { job.stepEnds.count >= 3 }
        let e = job.stepEnds, p = job.plan.passes.count, times = job.passTimes
        let clock: PassClock
        if e.count >= 3, p > 0, times.count >= 2 * p {
            clock = PassClock(offsets: (0..<p).map { times[p + $0] - e[0] }, step: (e[2] - e[0]) / 2)
        } else {
            clock = PassClock(offsets: [], step: try solo(spec).stepNanoseconds)
        }
        work.store(clock, key, spec: normal)
        return clock
    }

    /// Simulates `specs` together (disjoint systems, shared MemoryX) over a window of simulated
    /// time and returns each job's step time: its step alone on the same systems times its
    /// slowdown in the window (the window's span of its broadcasts over the same broadcasts'
    /// span alone, ``passClock(_:firstSystem:clusterSystems:)``).
    func coSimulate(_ specs: [TrainingSpec], window w: ProbeWindow) throws(TrainingError) -> [Int64] {
        let n = specs.count
        let length = w.length.nanoseconds
        // Stagger the starts so the tenants' layers are not in lock step (real jobs start at
        // unrelated times): each job starts a fraction of its own step after the time origin, by
        // its rank in decreasing solo step (the slowest first, at zero), so phases are spread.
        let solos = try specs.map { (s) throws(TrainingError) in try solo(s).stepNanoseconds }
        let rank = solos.indices.sorted { solos[$0] > solos[$1] || (solos[$0] == solos[$1] && $0 < $1) }
        var offsets = [Int64](repeating: 0, count: n)
        for (r, i) in rank.enumerated() { offsets[i] = solos[i] / Int64(n) * Int64(r) }
        let bed = try testbed(specs, ratesOnly: true) { offsets[$0] }
        let jobs = bed.jobs
        // Every path before the first flow: the network merges its links once.
        try engine { () throws(SimulationError) in for j in jobs { try j.preparePaths() } }
        for j in jobs { j.recordsPasses = true }

        try runProbe(bed) { jobs.allSatisfy { $0.passTimes.count >= w.warmPasses } }
        let t0 = bed.sim.now.nanoseconds
        let start = jobs.map(\.passTimes.count)
        if bed.sim.eventsHandled < probeEventLimit {
            try engine { () throws(SimulationError) in
                var handler = bed.events()
                _ = try bed.sim.run(&handler, until: SimTime(nanoseconds: t0 + length),
                                    maxEvents: probeEventLimit - bed.sim.eventsHandled)
            }
        }
        let need = jobs.map { max(w.minPasses, w.minSteps * $0.plan.passes.count) }
        try runProbe(bed) { jobs.indices.allSatisfy { jobs[$0].passTimes.count - start[$0] >= need[$0] } }
        events &+= bed.sim.eventsHandled
        var out: [Int64] = []
        var first = 0
        for (i, j) in jobs.enumerated() {
            let clock = try passClock(specs[i], firstSystem: first, clusterSystems: bed.cluster.systems)
            first += specs[i].systems
            let times = j.passTimes
            // From the last broadcast at or before the window opened to the last one in it.
            let a = max(0, start[i] - 1), b = times.count - 1
            guard !clock.offsets.isEmpty, b > a else {
                out.append(clock.step)
                continue
            }
            let alone = clock.at(b) - clock.at(a)
            let shared = times[b] - times[a]
            guard alone > 0 else {
                out.append(clock.step)
                continue
            }
            // (Bounded: a step is at most the probe's simulated time times the step alone.)
            let t = min((Double(clock.step) * Double(shared) / Double(alone)).rounded(), 4e18)
            out.append(max(clock.step, Int64(t)))
        }
        return out
    }
}
