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
        /// The fixed part (start-up and checkpoints) of each tried count's time, in the order of
        /// ``tried``: what the prediction interval does not scale.
        public let triedFixedCosts: [SimDuration]
        /// Every count that could not be simulated, with the reason (a global batch that does not
        /// split, a model that does not fit, a time that does not fit in simulated time...).
        public let failed: [(systems: Int, reason: String)]
        /// The run on `systems` systems (nil when no count meets the deadline).
        public let result: TrainingResult?
        /// The most simulations the search could take: one per system count.
        public let iterationBound: Int
    }

    /// The fewest systems (1 up to `cluster.systems`) on which `job` (its `systems` field is
    /// ignored) finishes training within `deadline`, fixed costs included. Every count is
    /// simulated: with a growing global batch the time to train need not fall monotonically.
    /// At most `cluster.systems` simulations (``SystemsAnswer/iterationBound``); a count that
    /// cannot be simulated is listed in ``SystemsAnswer/failed`` with its error.
    public static func fewestSystems(for job: TrainingSpec, deadline: SimDuration, cluster: ClusterSpec = ClusterSpec(),
                                     efficiency: EfficiencyModel = EfficiencyModel(), seed: UInt64 = 42) throws -> SystemsAnswer {
        var tried: [(Int, SimDuration)] = []
        var fixed: [SimDuration] = []
        var failed: [(Int, String)] = []
        let bound = max(1, cluster.systems)
        for n in 1...bound {
            WorkProgress.current?.update(Double(n - 1) / Double(bound))
            var s = job
            s.systems = n
            if let g = s.globalBatch, g % n != 0 {
                failed.append((n, "global batch \(g) does not split evenly over \(n) systems"))
                continue
            }
            let r: TrainingResult
            do { r = try TrainingRun.simulate(s, cluster: cluster, efficiency: efficiency, seed: seed) } catch {
                failed.append((n, "\(error)"))
                continue
            }
            tried.append((n, r.timeToTrain))
            fixed.append(r.fixedCosts)
            if r.timeToTrain <= deadline {
                return SystemsAnswer(systems: n, tried: tried, triedFixedCosts: fixed, failed: failed, result: r, iterationBound: bound)
            }
        }
        return SystemsAnswer(systems: nil, tried: tried, triedFixedCosts: fixed, failed: failed, result: nil, iterationBound: bound)
    }

    /// The answer to "what arrival rate can the cluster sustain?".
    public struct RateAnswer: Sendable {
        /// The highest rate (jobs per hour) found whose P95 wait is within the target.
        public let rate: Double?
        /// Headline figures at `rate` (nil when even the lowest rate misses the target).
        public let metrics: ClusterMetrics?
        /// Every rate simulated, with its P95 wait in seconds.
        public let tried: [(rate: Double, p95WaitSeconds: Double)]
        /// The most simulations the search could take for its range and tolerance (both ends
        /// plus the bisection steps); `tried.count` never exceeds it.
        public let iterationBound: Int
    }

    /// Simulations a geometric bisection of `range` to relative `tolerance` takes at most: both
    /// ends, then one per halving of log(hi / lo) down to log(1 + tolerance).
    public static func rateSearchBound(range: ClosedRange<Double>, tolerance: Double) -> Int {
        let span = Foundation.log(range.upperBound / range.lowerBound), step = Foundation.log1p(tolerance)
        guard span.isFinite, span > 0, step.isFinite, step > 0 else { return 2 }
        return 2 + Swift.max(0, Int(Swift.min(Foundation.log2(span / step).rounded(.up), 1000)))
    }

    /// The highest arrival rate of `scenario`'s generated workload at which `policy` keeps the P95
    /// wait within `target`: a geometric bisection (on a log scale, so a range of many decades
    /// costs a few dozen simulations) over simulations in `range` (jobs per hour, 0 < lower <
    /// upper, finite) to a relative `tolerance` (0.0001...1). Assumes the P95 wait grows with the
    /// rate (checked at the ends). Runs at most ``rateSearchBound(range:tolerance:)`` simulations.
    public static func highestArrivalRate(_ scenario: Scenario, policy: PolicyName, p95Wait target: SimDuration,
                                          range: ClosedRange<Double>, tolerance: Double = 0.02) throws -> RateAnswer {
        guard let spec = scenario.multitenant, let base = spec.generator else {
            throw SweepError("the workload has no generator: nothing to scale")
        }
        guard range.lowerBound > 0, range.upperBound.isFinite, range.lowerBound < range.upperBound else {
            throw SweepError("rate range \(range.lowerBound)...\(range.upperBound): allowed 0 < lower < upper, finite")
        }
        guard tolerance.isFinite, (0.0001...1).contains(tolerance) else {
            throw SweepError("tolerance \(tolerance): allowed 0.0001...1")
        }
        let bound = rateSearchBound(range: range, tolerance: tolerance)
        var tried: [(Double, Double)] = []
        // Progress: the two ends, then at most the geometric bisection's steps.
        let expected = bound
        func p95(_ rate: Double) throws -> (Double, ClusterMetrics) {
            WorkProgress.current?.enter(tried.count, of: expected)
            defer { WorkProgress.current?.leave() }
            var s = scenario
            var g = base
            g.arrivalRatePerHour = rate
            s.multitenant?.generator = g
            s.multitenant?.policies = [policy]
            let m = try MultitenantRunner.run(s)[0].metrics
            tried.append((rate, m.wait.p95))
            return (m.wait.p95, m)
        }
        let t = target.seconds
        var (lo, hi) = (range.lowerBound, range.upperBound)
        let low = try p95(lo)
        guard low.0 <= t else { return RateAnswer(rate: nil, metrics: nil, tried: tried, iterationBound: bound) }
        let high = try p95(hi)
        if high.0 <= t { return RateAnswer(rate: hi, metrics: high.1, tried: tried, iterationBound: bound) }
        var best = low.1
        while hi > lo * (1 + tolerance) && tried.count < bound {
            // The geometric mean, computed without overflow or underflow at the ends of the range.
            let mid = Swift.min(Swift.max(Foundation.exp((Foundation.log(lo) + Foundation.log(hi)) / 2), lo), hi)
            guard mid > lo, mid < hi else { break }
            let r = try p95(mid)
            if r.0 <= t { lo = mid; best = r.1 } else { hi = mid }
        }
        return RateAnswer(rate: lo, metrics: best, tried: tried, iterationBound: bound)
    }

    /// The answer to "how much MemoryX does this workload need?".
    public struct MemoryXAnswer: Sendable {
        /// The largest single job's weights and optimizer state: below this, a job is rejected.
        public let largestJobBytes: Double
        /// The most held at once when MemoryX never holds anything back: at or above this,
        /// capacity never delays a job under this policy.
        public let peakConcurrentBytes: Double
    }

    /// MemoryX needed by `scenario`'s multitenant workload under `policy`, found by simulating it
    /// with unlimited capacity and recording what the running jobs hold.
    public static func memoryXNeeded(_ scenario: Scenario, policy: PolicyName) throws -> MemoryXAnswer {
        var s = scenario
        s.multitenant?.policies = [policy]
        s.cluster.memoryX.capacityBytes = 1e30
        let run = try MultitenantRunner.run(s)[0]
        let largest = run.jobs.map { Double($0.spec.training.model.parameters) * s.cluster.memoryX.stateBytesPerParameter }.max() ?? 0
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
