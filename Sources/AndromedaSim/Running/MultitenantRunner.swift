import Foundation
import Cluster
import Hardware
import Scenarios
import SimEngine
import Training
import Workloads

/// Runs the multitenant part of a scenario under every policy it lists. Everything comes from
/// the scenario: the hardware (`cluster`), the efficiency model, the seed (workload generation,
/// wafers and failures) and the models, besides the multitenant section itself.
public enum MultitenantRunner {
    /// At most this many jobs in one shared-cluster run, listed, generated and replayed together
    /// (`MultitenantSpec/maxJobs`, 1,000,000): checked before the generator draws any.
    public static var maxJobs: Int { MultitenantSpec.maxJobs }
    /// At most this many generated jobs in a streamed run (``runStreaming(_:allAt:)``, the
    /// benchmarks), which holds nothing per job: the generator's own limit, 3,000,000.
    public static var maxGeneratedJobs: Int { WorkloadGenerator.maxJobs }

    /// The scenario's multitenant section, or an error saying it has none.
    static func section(_ scenario: Scenario) throws -> MultitenantSpec {
        guard let m = scenario.multitenant else { throw TrainingError("scenario \(scenario.name) has no multitenant section") }
        return m
    }

    /// The jobs of `scenario`'s multitenant section: listed, generated (from the scenario's
    /// seed) and replayed (with the scenario's models), merged in (submit time, source order);
    /// at most ``maxJobs`` of them.
    public static func jobs(_ scenario: Scenario) throws -> [JobSpec] {
        let spec = try section(scenario)
        func tooMany(_ n: Int) -> WorkloadError {
            WorkloadError("the workload has \(n) jobs (listed, generated and replayed); allowed: at most \(maxJobs)")
        }
        let planned = spec.jobs.count + (spec.generator?.jobs ?? 0)
        guard planned <= maxJobs else { throw tooMany(planned) }
        var all = spec.jobs
        if let g = spec.generator { all += try g.generate(seed: scenario.seed) }
        if let t = spec.tracePath {
            all += try TraceReader.read(path: t, fixedCosts: spec.fixedCosts, checkpointEverySteps: spec.checkpointEverySteps,
                                        models: scenario.models)
        }
        guard all.count <= maxJobs else { throw tooMany(all.count) }
        var seen = Set<String>()
        for j in all where !seen.insert(j.id).inserted {
            throw WorkloadError("job id \"\(j.id)\" appears twice across the listed, generated and replayed jobs")
        }
        return all.enumerated().sorted { ($0.element.submit, $0.offset) < ($1.element.submit, $1.offset) }.map(\.element)
    }

    /// Generates, reads and lists the jobs of `scenario` (see ``jobs(_:)``) and simulates them
    /// under each policy of its multitenant section.
    /// With exact contention, `notice` first receives the expected cost (``ExactCost/notice``).
    public static func run(_ scenario: Scenario, trace: TraceSink? = nil, notice: ((String) -> Void)? = nil) throws -> [PolicyRun] {
        let all = try jobs(scenario)
        if let notice, scenario.multitenant?.contention == .exact { notice(ExactCost(scenario, jobs: all).notice) }
        return try run(scenario, jobs: all, trace: trace)
    }

    /// Simulates `jobs` under each policy of `scenario`'s multitenant section. A `trace`
    /// receives the timeline of the FIRST policy only (the others run on the same jobs; one
    /// timeline keeps the file readable).
    ///
    /// With exact contention the policies run in parallel on up to `threads` threads (default:
    /// the machine's cores), sharing the measured mixes through a `MixStore`; every output,
    /// the per-policy probe and cache-hit counts included, is the same whatever the threads.
    public static func run(_ scenario: Scenario, jobs: [JobSpec], trace: TraceSink? = nil,
                           threads: Int? = nil) throws -> [PolicyRun] {
        let spec = try section(scenario)
        if spec.contention == .exact { return try runExact(scenario, spec: spec, jobs: jobs, trace: trace, threads: threads) }
        var out: [PolicyRun] = []
        // One contention model for every policy: the same mixes of running jobs recur across policies.
        let probes = ContentionProbes(cluster: scenario.cluster, efficiency: scenario.efficiency, seed: scenario.seed)
        let contention = spec.contention.make(probes: probes)
        for (k, policy) in spec.policies.enumerated() {
            let probesBefore = probes.simulated, hitsBefore = probes.cacheHits, eventsBefore = probes.events
            let sim = ClusterSimulation(jobs: jobs, policy: policy.make(), config: spec.config, contention: contention,
                                        seed: scenario.seed)
            if out.isEmpty { sim.trace = trace }
            let results = try WorkProgress.part(k, of: spec.policies.count) { () throws(SimulationError) in try sim.run() }
            out.append(policyRun(policy, results, samples: sim.samples, events: sim.eventsHandled,
                                 probes: (probes.simulated - probesBefore, probes.cacheHits - hitsBefore, probes.events - eventsBefore),
                                 scenario: scenario, spec: spec))
        }
        return out
    }

    /// ``run(_:jobs:trace:threads:)`` with exact contention: one contention model per policy, all
    /// on one ``MixStore``, the policies spread over the threads.
    static func runExact(_ scenario: Scenario, spec: MultitenantSpec, jobs: [JobSpec], trace: TraceSink?,
                         threads: Int?) throws -> [PolicyRun] {
        let store = MixStore()
        let work = ProbeWork()
        let policies = spec.policies
        let n = policies.count
        let box = ResultBox(count: n)
        let reporter = WorkProgress.current
        // The trace sink is used by policy 0's simulation only, on whichever thread runs it.
        let sink = TraceHandoff(trace)
        let body = { @Sendable (k: Int) in
            do {
                let probes = ContentionProbes(cluster: scenario.cluster, efficiency: scenario.efficiency, seed: scenario.seed,
                                              work: work)
                let model = ExactContention(probes: probes)
                model.share(store)
                let sim = ClusterSimulation(jobs: jobs, policy: policies[k].make(), config: spec.config, contention: model,
                                            seed: scenario.seed)
                if k == 0 { sim.trace = sink.trace }
                // Progress (a bar on a terminal): the mean of the policies' settled fractions.
                let own = reporter.map { r in
                    WorkProgress(interval: 0) { snapshot in
                        box.setFraction(k, snapshot.fraction)
                        r.update(box.fractionDone)
                    }
                }
                let results = try WorkProgress.$current.withValue(own) { () throws(SimulationError) in try sim.run() }
                box.set(k, .success((results, sim.samples, sim.eventsHandled, model.requests)))
            } catch {
                box.set(k, .failure(error))
            }
            box.setFraction(k, 1)
            reporter?.update(box.fractionDone)
        }
        let workers = max(1, min(n, threads ?? ProcessInfo.processInfo.activeProcessorCount))
        if workers == 1 {
            for k in 0..<n { body(k) }
        } else {
            DispatchQueue.concurrentPerform(iterations: n) { body($0) }
        }
        var finished: [(results: [JobResult], samples: [UtilizationSample], events: UInt64, requests: [Int])] = []
        for k in 0..<n { finished.append(try box.get(k)) }
        let counts = store.counts(finished.map(\.requests))
        return policies.indices.map { k in
            policyRun(policies[k], finished[k].results, samples: finished[k].samples, events: finished[k].events,
                      probes: counts[k], scenario: scenario, spec: spec)
        }
    }

    /// One policy's outcome: its jobs, utilisation and metrics, and its probe counts (probes
    /// simulated, cache hits, probe events).
    static func policyRun(_ policy: PolicyName, _ results: [JobResult], samples: [UtilizationSample], events: UInt64,
                          probes: (simulated: Int, cacheHits: Int, events: UInt64), scenario: Scenario,
                          spec: MultitenantSpec) -> PolicyRun {
        PolicyRun(policy: policy.rawValue, jobs: results, utilization: samples,
                  metrics: ClusterMetrics(results, samples: samples, systems: scenario.cluster.systems,
                                          weights: spec.config.userShares),
                  probes: probes.simulated, probeCacheHits: probes.cacheHits, probeEvents: probes.events, events: events)
    }

    /// Hands the trace sink to the one thread that writes it.
    struct TraceHandoff: @unchecked Sendable {
        let trace: TraceSink?
        init(_ trace: TraceSink?) { self.trace = trace }
    }

    /// The per-policy outcomes of ``runExact(_:spec:jobs:trace:threads:)``, written by the worker
    /// threads (each to its own slot) under a lock.
    final class ResultBox: @unchecked Sendable {
        typealias Outcome = Result<(results: [JobResult], samples: [UtilizationSample], events: UInt64, requests: [Int]), any Error>
        private let lock = NSLock()
        private var slots: [Outcome?]
        init(count: Int) { slots = Array(repeating: nil, count: count) }
        func set(_ k: Int, _ r: Outcome) { lock.lock(); slots[k] = r; lock.unlock() }
        func get(_ k: Int) throws -> (results: [JobResult], samples: [UtilizationSample], events: UInt64, requests: [Int]) {
            lock.lock(); defer { lock.unlock() }
            return try slots[k]!.get()
        }
        private var fractions: [Double] = []
        /// Records policy k's fraction of its jobs settled.
        func setFraction(_ k: Int, _ f: Double) {
            lock.lock(); defer { lock.unlock() }
            if fractions.count < slots.count { fractions = Array(repeating: 0, count: slots.count) }
            fractions[k] = max(fractions[k], min(1, max(0, f)))
        }
        /// The mean over the policies of their settled fractions.
        var fractionDone: Double {
            lock.lock(); defer { lock.unlock() }
            return fractions.reduce(0, +) / Double(max(1, slots.count))
        }
    }

    /// Simulates the generated jobs of `scenario`'s multitenant section (it must have a
    /// generator and nothing else: no listed or replayed jobs) under its first policy without
    /// holding the workload: each job is drawn when the one before it arrives, its result is
    /// folded into the metrics when it settles, and the utilisation series is folded as it is
    /// taken. The run's `jobs` and `utilization` are empty; its metrics are those ``run(_:trace:notice:)``
    /// gives. For workloads of millions of jobs (`bench cluster`). With `allAt`, every job is
    /// submitted at that instant instead of at its drawn arrival (`bench burst`).
    public static func runStreaming(_ scenario: Scenario, allAt instant: SimTime? = nil) throws -> PolicyRun {
        let spec = try section(scenario)
        guard let g = spec.generator, spec.jobs.isEmpty, spec.tracePath == nil, let policy = spec.policies.first else {
            throw WorkloadError("a streamed run needs a generated workload only, and a policy")
        }
        guard g.jobs <= maxGeneratedJobs else { throw WorkloadError("the workload has \(g.jobs) jobs; allowed: at most \(maxGeneratedJobs)") }
        let stream = try g.stream(seed: scenario.seed)
        let probes = ContentionProbes(cluster: scenario.cluster, efficiency: scenario.efficiency, seed: scenario.seed)
        let contention = spec.contention.make(probes: probes)
        let jobs = AnyIterator<JobSpec> {
            guard var j = stream.next() else { return nil }
            if let instant { j.submit = instant }
            return j
        }
        let sim = ClusterSimulation(count: g.jobs, jobs: jobs, policy: policy.make(), config: spec.config,
                                    contention: contention, seed: scenario.seed)
        sim.keepSamples = false
        var acc = ClusterMetrics.Accumulator(count: g.jobs)
        sim.resultSink = { i, r in acc.add(i, r) }
        _ = try WorkProgress.part(0, of: 1) { () throws(SimulationError) in try sim.run() }
        if let e = stream.error { throw e }
        let fold = sim.utilizationFold, last = sim.lastSample
        let metrics = ClusterMetrics(acc, lastSampleTime: last?.time, systems: scenario.cluster.systems, weights: spec.config.userShares) {
            fold.busySystemSeconds(to: $0, lastSample: last)
        }
        return PolicyRun(policy: policy.rawValue, jobs: [], utilization: [], metrics: metrics, probes: probes.simulated,
                         probeCacheHits: probes.cacheHits, probeEvents: probes.events, events: sim.eventsHandled)
    }
}
