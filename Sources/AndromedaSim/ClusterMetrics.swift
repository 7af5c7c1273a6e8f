import Cluster
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

    /// Computes the metrics from the jobs' outcomes, the utilisation samples, the cluster's system
    /// count and the users' fair-share weights (missing: 1).
    public init(_ results: [JobResult], samples: [UtilizationSample], systems: Int, weights: [String: Double]) {
        jobs = results.count
        finished = results.filter { $0.state == .finished }.count
        rejected = results.filter { $0.state == .rejected }.count
        unfinished = results.filter { $0.state == .unfinished }.count
        let firstSubmit = results.map(\.spec.submit).min() ?? .zero
        // The makespan ends with the last job (failures and repairs after it do not count);
        // with unfinished jobs, at the end of the simulation.
        let lastEnd = results.compactMap(\.end).max() ?? firstSubmit
        let horizon = unfinished > 0 ? Swift.max(lastEnd, samples.last?.time ?? lastEnd) : lastEnd
        makespanSeconds = horizon.since(firstSubmit).seconds
        var busy = 0.0
        for (k, s) in samples.enumerated() where s.time < horizon {
            let next = k + 1 < samples.count ? Swift.min(samples[k + 1].time, horizon) : horizon
            busy += Double(s.busySystems) * next.since(s.time).seconds
        }
        utilization = makespanSeconds > 0 ? busy / (Double(systems) * makespanSeconds) : 0
        let done = results.filter { $0.state == .finished }
        func waitOf(_ r: JobResult) -> Double { (r.firstStart ?? r.spec.submit).since(r.spec.submit).seconds }
        func completionOf(_ r: JobResult) -> Double { (r.end ?? r.spec.submit).since(r.spec.submit).seconds }
        func slowdownOf(_ r: JobResult) -> Double { completionOf(r) / Swift.max(1, r.soloRunTime.seconds) }
        let started = results.filter { $0.firstStart != nil }
        wait = Summary(started.map(waitOf))
        completion = Summary(done.map(completionOf))
        meanSlowdown = done.isEmpty ? 0 : done.map(slowdownOf).reduce(0, +) / Double(done.count)
        let users = Array(Set(results.map(\.spec.user))).sorted()
        var rows: [(String, Summary, Summary, Double)] = []
        var xs: [Double] = []
        for u in users {
            let mine = results.filter { $0.spec.user == u }
            let mineDone = mine.filter { $0.state == .finished }
            let sd = mineDone.isEmpty ? 0 : mineDone.map(slowdownOf).reduce(0, +) / Double(mineDone.count)
            rows.append((u, Summary(mine.filter { $0.firstStart != nil }.map(waitOf)), Summary(mineDone.map(completionOf)), sd))
            if sd > 0 { xs.append((weights[u] ?? 1) / sd) }
        }
        perUser = rows.map { (user: $0.0, wait: $0.1, completion: $0.2, slowdown: $0.3) }
        let sum = xs.reduce(0, +), sq = xs.reduce(0) { $0 + $1 * $1 }
        jainFairness = xs.isEmpty ? 1 : sum * sum / (Double(xs.count) * sq)
        let held = results.reduce(0.0) { $0 + Double($1.spec.systems) * $1.held.seconds }
        let lost = results.reduce(0.0) { $0 + Double($1.spec.systems) * $1.lostWork.seconds }
        goodput = held > 0 ? (held - lost) / held : 1
        energyKWh = results.reduce(0) { $0 + $1.energyKWh }
        lostWorkHours = results.reduce(0) { $0 + $1.lostWork.seconds } / 3600
        restarts = results.reduce(0) { $0 + $1.restarts }
        deadlinesMissed = results.filter { r in r.spec.deadline.map { d in (r.end ?? .never) > d } ?? false }.count
    }
}
