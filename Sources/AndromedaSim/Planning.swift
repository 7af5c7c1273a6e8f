import Cluster
import Foundation
import Hardware
import Scenarios
import SimEngine
import Training

/// Capacity-planning questions, each answered by running the simulator (not by a formula).
public enum Planning {
    /// The answer to "how few systems train this by the deadline?".
    public struct SystemsAnswer: Sendable {
        /// The fewest systems that meet the deadline (nil: none up to the cluster's size does).
        public let systems: Int?
        /// Every count tried, with its simulated time to train.
        public let tried: [(systems: Int, timeToTrain: SimDuration)]
        /// The run on `systems` systems (nil when no count meets the deadline).
        public let result: TrainingResult?
    }

    /// The fewest systems (1 up to `cluster.systems`) on which `job` (its `systems` field is
    /// ignored) finishes training within `deadline`, fixed costs included. Every count is
    /// simulated: with a growing global batch the time to train need not fall monotonically.
    public static func fewestSystems(for job: TrainingSpec, deadline: SimDuration, cluster: ClusterSpec = ClusterSpec(),
                                     efficiency: EfficiencyModel = EfficiencyModel(), seed: UInt64 = 42) throws -> SystemsAnswer {
        var tried: [(Int, SimDuration)] = []
        for n in 1...max(1, cluster.systems) {
            WorkProgress.current?.update(Double(n - 1) / Double(max(1, cluster.systems)))
            var s = job
            s.systems = n
            if let g = s.globalBatch, g % n != 0 { continue }
            let r: TrainingResult
            do { r = try TrainingRun.simulate(s, cluster: cluster, efficiency: efficiency, seed: seed) } catch { continue }
            tried.append((n, r.timeToTrain))
            if r.timeToTrain <= deadline { return SystemsAnswer(systems: n, tried: tried, result: r) }
        }
        return SystemsAnswer(systems: nil, tried: tried, result: nil)
    }

    /// The answer to "what arrival rate can the cluster sustain?".
    public struct RateAnswer: Sendable {
        /// The highest rate (jobs per hour) found whose P95 wait is within the target.
        public let rate: Double?
        /// Headline figures at `rate` (nil when even the lowest rate misses the target).
        public let metrics: ClusterMetrics?
        /// Every rate simulated, with its P95 wait in seconds.
        public let tried: [(rate: Double, p95WaitSeconds: Double)]
    }

    /// The highest arrival rate of `spec`'s generated workload at which `policy` keeps the P95
    /// wait within `target`: a bisection over simulations in `range` (jobs per hour), to a
    /// relative `tolerance`. Assumes the P95 wait grows with the rate (checked at the ends).
    public static func highestArrivalRate(_ spec: MultitenantSpec, policy: String, p95Wait target: SimDuration,
                                          range: ClosedRange<Double>, tolerance: Double = 0.02, seed: UInt64 = 42) throws -> RateAnswer {
        guard let base = spec.generator else { throw SweepError("the workload has no generator: nothing to scale") }
        guard PolicyCatalog.make(policy) != nil else { throw SweepError("unknown policy \(policy)") }
        var tried: [(Double, Double)] = []
        // Progress: the two ends, then the bisection's steps until (hi - lo) <= tolerance x lo.
        let span = (range.upperBound - range.lowerBound) / max(tolerance * range.lowerBound, 1e-12)
        let expected = 2 + Int(log2(max(1, span)).rounded(.up))
        func p95(_ rate: Double) throws -> (Double, ClusterMetrics) {
            WorkProgress.current?.enter(tried.count, of: expected)
            defer { WorkProgress.current?.leave() }
            var s = spec
            var g = base
            g.arrivalRatePerHour = rate
            s.generator = g
            s.policies = [policy]
            let m = try MultitenantRunner.run(s, seed: seed)[0].metrics
            tried.append((rate, m.wait.p95))
            return (m.wait.p95, m)
        }
        let t = target.seconds
        var (lo, hi) = (range.lowerBound, range.upperBound)
        let low = try p95(lo)
        guard low.0 <= t else { return RateAnswer(rate: nil, metrics: nil, tried: tried) }
        let high = try p95(hi)
        if high.0 <= t { return RateAnswer(rate: hi, metrics: high.1, tried: tried) }
        var best = low.1
        while (hi - lo) > tolerance * lo {
            let mid = (lo + hi) / 2
            let r = try p95(mid)
            if r.0 <= t { lo = mid; best = r.1 } else { hi = mid }
        }
        return RateAnswer(rate: lo, metrics: best, tried: tried)
    }

    /// The answer to "how much MemoryX does this workload need?".
    public struct MemoryXAnswer: Sendable {
        /// The largest single job's weights and optimizer state: below this, a job is rejected.
        public let largestJobBytes: Double
        /// The most held at once when MemoryX never holds anything back: at or above this,
        /// capacity never delays a job under this policy.
        public let peakConcurrentBytes: Double
    }

    /// MemoryX needed by `spec`'s workload under `policy`, found by simulating it with unlimited
    /// capacity and recording what the running jobs hold.
    public static func memoryXNeeded(_ spec: MultitenantSpec, policy: String, seed: UInt64 = 42,
                                     models: [ModelSpec] = []) throws -> MemoryXAnswer {
        var s = spec
        s.policies = [policy]
        s.config.cluster.memoryX.capacityBytes = 1e30
        let run = try MultitenantRunner.run(s, seed: seed, models: models)[0]
        let largest = run.jobs.map { Double($0.spec.training.model.parameters) * s.config.cluster.memoryX.stateBytesPerParameter }.max() ?? 0
        let peak = run.utilization.map(\.memoryXBytesInUse).max() ?? 0
        return MemoryXAnswer(largestJobBytes: largest, peakConcurrentBytes: peak)
    }

    /// Two scenarios' results side by side: (name, value A, value B) per headline figure.
    public static func compare(_ a: Scenario, _ b: Scenario) throws -> [(figure: String, a: Double, b: Double)] {
        let ra = try Andromeda.run(a), rb = try Andromeda.run(b)
        var out: [(String, Double, Double)] = []
        for (x, y) in zip(ra.scaling.rows, rb.scaling.rows) where x.result.modelName == y.result.modelName {
            let label = "\(x.result.modelName) on \(x.result.systems)/\(y.result.systems) systems"
            out.append(("\(label): samples/s", x.result.samplesPerSecond, y.result.samplesPerSecond))
            out.append(("\(label): time to train (h)", x.result.timeToTrain.seconds / 3600, y.result.timeToTrain.seconds / 3600))
        }
        for (x, y) in zip(ra.policies, rb.policies) where x.policy == y.policy {
            out.append(("\(x.policy): makespan (h)", x.metrics.makespanSeconds / 3600, y.metrics.makespanSeconds / 3600))
            out.append(("\(x.policy): mean wait (h)", x.metrics.wait.mean / 3600, y.metrics.wait.mean / 3600))
            out.append(("\(x.policy): P95 wait (h)", x.metrics.wait.p95 / 3600, y.metrics.wait.p95 / 3600))
            out.append(("\(x.policy): utilization", x.metrics.utilization, y.metrics.utilization))
        }
        return out
    }
}
