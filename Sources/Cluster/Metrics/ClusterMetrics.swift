import SimEngine

/// Headline figures of one policy run.
public struct ClusterMetrics: Sendable {
    /// Distribution summary of a duration, seconds.
    public struct Summary: Sendable, Equatable {
        /// Number of values summarised.
        public var count: Int = 0
        /// Mean, seconds.
        public var mean: Double = 0
        /// Median (nearest rank), seconds.
        public var p50: Double = 0
        /// 95th percentile (nearest rank), seconds.
        public var p95: Double = 0
        /// 99th percentile (nearest rank), seconds.
        public var p99: Double = 0
        /// Largest value, seconds.
        public var max: Double = 0

        /// Exact order statistics (nearest rank) of `seconds`.
        init(_ seconds: [Double]) {
            guard !seconds.isEmpty else { return }
            let s = seconds.sorted()
            func q(_ p: Double) -> Double { s[Swift.min(s.count - 1, Swift.max(0, Int((p * Double(s.count)).rounded(.up)) - 1))] }
            count = s.count
            mean = s.reduce(0, +) / Double(s.count)
            p50 = q(0.5); p95 = q(0.95); p99 = q(0.99); max = s[s.count - 1]
        }
    }

    /// Jobs in the workload.
    public var jobs: Int
    /// Jobs that finished.
    public var finished: Int
    /// Jobs rejected (they could never fit or could not run).
    public var rejected: Int
    /// Jobs not finished when the simulation stopped (at the horizon).
    public var unfinished: Int
    /// From the first submission to the last end, seconds.
    public var makespanSeconds: Double
    /// Busy system-time over (systems x makespan).
    public var utilization: Double
    /// Wait (first start - submit), seconds, over the jobs that started.
    public var wait: Summary
    /// Completion time (end - submit), seconds, over the jobs that finished.
    public var completion: Summary
    /// Mean slowdown: (end - submit) / the job's run time alone on an idle cluster.
    public var meanSlowdown: Double
    /// Per user (sorted by name): wait and completion summaries.
    public var perUser: [(user: String, wait: Summary, completion: Summary, slowdown: Double)]
    /// Jain's index over users of 1 / (mean slowdown / weight): 1 is perfectly fair.
    public var jainFairness: Double
    /// Useful share of held system-time (held minus work lost to failures).
    public var goodput: Double
    /// Energy charged to all jobs, kWh (systems x busy power x time holding them).
    public var energyKWh: Double
    /// Work lost to failures, preemptions and drains, hours, summed over jobs (not per system).
    public var lostWorkHours: Double
    /// Times jobs were requeued (failures, preemptions, maintenance), all jobs together.
    public var restarts: Int
    /// Jobs with a deadline that did not finish by it (not finishing counts as missing).
    public var deadlinesMissed: Int

    /// What the metrics read of one job's outcome (80 bytes, no references), so a run of
    /// millions of jobs can fold its results as they settle instead of holding them.
    public struct JobFacts: Sendable {
        static let none = Int64.min
        var submit: Int64
        var firstStart: Int64
        var end: Int64
        var deadline: Int64
        var soloRun: Int64
        var held: Int64
        var lostWork: Int64
        var energyKWh: Double
        var restarts: Int32
        var user: Int32
        var systems: Int32
        var state: JobState
    }

    /// Collects ``JobFacts`` by job index, in any order of arrival.
    public struct Accumulator: Sendable {
        var facts: [JobFacts] = []
        var filled: [Bool] = []
        var users: [String] = []
        var userIndex: [String: Int32] = [:]

        /// Room for `count` jobs (indexes 0..<count).
        public init(count: Int) {
            facts = Array(repeating: JobFacts(submit: 0, firstStart: JobFacts.none, end: JobFacts.none, deadline: JobFacts.none,
                                              soloRun: 0, held: 0, lostWork: 0, energyKWh: 0, restarts: 0, user: 0, systems: 0,
                                              state: .pending), count: count)
            filled = Array(repeating: false, count: count)
        }

        /// Records job `index`'s outcome.
        public mutating func add(_ index: Int, _ r: JobResult) {
            let u: Int32
            if let k = userIndex[r.spec.user] { u = k } else {
                u = Int32(users.count)
                userIndex[r.spec.user] = u
                users.append(r.spec.user)
            }
            facts[index] = JobFacts(submit: r.spec.submit.nanoseconds, firstStart: r.firstStart?.nanoseconds ?? JobFacts.none,
                                    end: r.end?.nanoseconds ?? JobFacts.none, deadline: r.spec.deadline?.nanoseconds ?? JobFacts.none,
                                    soloRun: r.soloRunTime.nanoseconds, held: r.held.nanoseconds, lostWork: r.lostWork.nanoseconds,
                                    energyKWh: r.energyKWh, restarts: Int32(clamping: r.restarts), user: u,
                                    systems: Int32(clamping: r.spec.systems), state: r.state)
            filled[index] = true
        }
    }

    /// Computes the metrics from the jobs' outcomes, the utilisation samples, the cluster's system
    /// count and the users' fair-share weights (missing: 1).
    public init(_ results: [JobResult], samples: [UtilizationSample], systems: Int, weights: [String: Double]) {
        var acc = Accumulator(count: results.count)
        for (i, r) in results.enumerated() { acc.add(i, r) }
        self.init(acc, lastSampleTime: samples.last?.time, systems: systems, weights: weights) { horizon in
            var busy = 0.0
            for (k, s) in samples.enumerated() where s.time < horizon {
                let next = k + 1 < samples.count ? Swift.min(samples[k + 1].time, horizon) : horizon
                busy += Double(s.busySystems) * next.since(s.time).seconds
            }
            return busy
        }
    }

    /// The same from facts collected as jobs settled, the time of the last utilisation sample and
    /// `busySystemSeconds(horizon)`: busy system-time from the start to `horizon` (the end of the
    /// makespan), summed over the samples in time order.
    public init(_ acc: Accumulator, lastSampleTime: SimTime?, systems: Int, weights: [String: Double],
                busySystemSeconds: (SimTime) -> Double) {
        // One pass per figure over the facts, in job order (the same sums in the same order
        // as over the results).
        let results = acc.facts.indices.lazy.filter { acc.filled[$0] }.map { acc.facts[$0] }
        jobs = results.count
        var finished = 0, rejected = 0, unfinished = 0
        var firstSubmit: SimTime? = nil
        var lastEnd: SimTime? = nil
        let none = JobFacts.none
        for r in results {
            switch r.state {
            case .finished: finished += 1
            case .rejected: rejected += 1
            case .unfinished: unfinished += 1
            default: break
            }
            let submit = SimTime(nanoseconds: r.submit)
            firstSubmit = Swift.min(firstSubmit ?? submit, submit)
            if r.end != none { let e = SimTime(nanoseconds: r.end); lastEnd = Swift.max(lastEnd ?? e, e) }
        }
        self.finished = finished
        self.rejected = rejected
        self.unfinished = unfinished
        let first = firstSubmit ?? .zero
        // The makespan ends with the last job (failures and repairs after it do not count);
        // with unfinished jobs, at the end of the simulation.
        let last = lastEnd ?? first
        let horizon = unfinished > 0 ? Swift.max(last, lastSampleTime ?? last) : last
        makespanSeconds = horizon.since(first).seconds
        let busy = busySystemSeconds(horizon)
        utilization = makespanSeconds > 0 ? busy / (Double(systems) * makespanSeconds) : 0
        // Per user (by name), the indexes of their jobs in job order.
        var byUser: [[Int]] = Array(repeating: [], count: acc.users.count)
        var waits: [Double] = [], completions: [Double] = []
        var slowdownSum = 0.0
        for i in acc.facts.indices where acc.filled[i] {
            let r = acc.facts[i]
            byUser[Int(r.user)].append(i)
            // The per-job figures of jobs.csv (JobFigures); a finished job has ended.
            if let w = r.waitSeconds { waits.append(w) }
            if r.state == .finished {
                completions.append(r.completionSeconds ?? 0)
                slowdownSum += r.slowdown ?? 0
            }
        }
        wait = Summary(waits)
        completion = Summary(completions)
        meanSlowdown = finished == 0 ? 0 : slowdownSum / Double(finished)
        waits = []
        completions = []
        var rows: [(String, Summary, Summary, Double)] = []
        var xs: [Double] = []
        for (u, k) in acc.users.enumerated().map({ ($0.element, $0.offset) }).sorted(by: { $0.0 < $1.0 }) {
            var w: [Double] = [], c: [Double] = []
            var sum = 0.0, done = 0
            for i in byUser[k] {
                let r = acc.facts[i]
                if let x = r.waitSeconds { w.append(x) }
                if r.state == .finished {
                    c.append(r.completionSeconds ?? 0)
                    sum += r.slowdown ?? 0
                    done += 1
                }
            }
            let sd = done == 0 ? 0 : sum / Double(done)
            rows.append((u, Summary(w), Summary(c), sd))
            if sd > 0 { xs.append((weights[u] ?? 1) / sd) }
        }
        perUser = rows.map { (user: $0.0, wait: $0.1, completion: $0.2, slowdown: $0.3) }
        let sum = xs.reduce(0, +), sq = xs.reduce(0) { $0 + $1 * $1 }
        jainFairness = xs.isEmpty ? 1 : sum * sum / (Double(xs.count) * sq)
        var held = 0.0, lost = 0.0, energy = 0.0, lostSeconds = 0.0, restarts = 0, missed = 0
        for r in results {
            held += Double(r.systems) * SimDuration(nanoseconds: r.held).seconds
            lost += Double(r.systems) * SimDuration(nanoseconds: r.lostWork).seconds
            energy += r.energyKWh
            lostSeconds += SimDuration(nanoseconds: r.lostWork).seconds
            restarts += Int(r.restarts)
            if r.deadlineMet == false { missed += 1 }
        }
        goodput = held > 0 ? (held - lost) / held : 1
        energyKWh = energy
        lostWorkHours = lostSeconds / 3600
        self.restarts = restarts
        deadlinesMissed = missed
    }
}
