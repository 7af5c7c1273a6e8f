import Cluster
import Hardware
import SimEngine
import Training
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A synthetic multi-tenant workload: Poisson arrivals of jobs whose user and class are drawn by
/// weight, whose gang size is drawn uniformly from the class's choices and whose training length
/// is drawn log-uniformly from the class's sample range.
///
/// Every kind of draw comes from its own named substream of the seed ("arrivals", "users",
/// "classes", "systems", "samples"), and each job takes exactly one draw from each, so changing
/// the mix never moves the arrival times, and changing the users never moves the classes.
///
/// ```swift
/// let small = JobClass(name: "small", weight: 3, model: ModelCatalog.model(named: "cerebras-gpt-111m")!,
///                      systemsChoices: [1, 2], perSystemBatch: 32, samplesRange: 1e5...1e7)
/// let g = WorkloadGenerator(jobs: 200, arrivalRatePerHour: 4,
///                           users: [UserSpec(name: "alice"), UserSpec(name: "bob", weight: 2)], mix: [small])
/// let jobs = try g.generate(seed: 42)   // ids g000001...g000200, in submission order
/// ```
public struct WorkloadGenerator: Sendable, Equatable {
    /// Number of jobs to generate (1...``maxJobs``).
    public var jobs: Int
    /// The most jobs a generator may draw: 3,000,000, for the streamed benchmarks, which hold
    /// nothing per job (`bench cluster`, `bench burst`). A scenario's `generate.jobs` is held to
    /// the smaller limit of a run that keeps every job (`MultitenantSpec.maxJobs`, 1,000,000).
    /// Checked before any job is drawn.
    public static let maxJobs = 3_000_000
    /// The longest span the arrivals may have, 1,279,800 h (146 years, half of the 292 years of
    /// simulated time; a job's run alone may take a quarter more): the mean span (jobs / rate)
    /// plus ten standard deviations of the sum of the exponential gaps (10 sqrt(jobs) / rate).
    public static let maxArrivalSpanHours = 1_279_800.0
    /// The span the arrivals of `jobs` jobs at `rate` jobs/h are held to: mean + 10 sd, in hours.
    public static func arrivalSpanHours(jobs: Int, rate: Double) -> Double { (Double(jobs) + 10 * Double(jobs).squareRoot()) / rate }
    /// The lowest arrival rate (jobs/h) for `jobs` generated jobs.
    public static func minArrivalRate(jobs: Int) -> Double { arrivalSpanHours(jobs: jobs, rate: 1) / maxArrivalSpanHours }
    /// Mean arrival rate, jobs per hour (finite, > 0): inter-arrival gaps are exponential with
    /// mean 3600 / rate seconds.
    public var arrivalRatePerHour: Double
    /// The users (non-empty, distinct non-empty names).
    public var users: [UserSpec]
    /// The job classes (non-empty).
    public var mix: [JobClass]
    /// Time of the first arrival's reference point: the first job arrives one gap after it.
    public var startAt: SimTime
    /// Costs outside the training steps, given to every job.
    public var fixedCosts: FixedCosts

    /// Creates a generator.
    public init(jobs: Int, arrivalRatePerHour: Double, users: [UserSpec], mix: [JobClass],
                startAt: SimTime = .zero, fixedCosts: FixedCosts = FixedCosts()) {
        self.jobs = jobs
        self.arrivalRatePerHour = arrivalRatePerHour
        self.users = users
        self.mix = mix
        self.startAt = startAt
        self.fixedCosts = fixedCosts
    }

    /// Checks every setting; throws a ``WorkloadError`` naming the first bad one.
    public func validate() throws {
        guard (1...Self.maxJobs).contains(jobs) else {
            throw WorkloadError("workload: jobs \(jobs) is out of range; allowed range: 1...\(Self.maxJobs)")
        }
        guard arrivalRatePerHour.isFinite, arrivalRatePerHour > 0 else {
            throw WorkloadError("workload: arrival rate \(arrivalRatePerHour) jobs/h must be a finite number > 0")
        }
        let span = Self.arrivalSpanHours(jobs: jobs, rate: arrivalRatePerHour)
        guard span <= Self.maxArrivalSpanHours else {
            throw WorkloadError("workload: \(jobs) jobs at \(arrivalRatePerHour) jobs/h arrive over \(span) h (the mean span plus ten "
                + "standard deviations); allowed: at most \(Int(Self.maxArrivalSpanHours)) h (146 years, half of simulated time): "
                + "an arrival rate of at least \(Self.minArrivalRate(jobs: jobs)) jobs/h")
        }
        guard !users.isEmpty else { throw WorkloadError("workload: users is empty; give at least one user") }
        var seen = Set<String>()
        for (i, u) in users.enumerated() {
            let at = "workload: users[\(i)] \"\(u.name)\""
            guard !u.name.isEmpty else { throw WorkloadError("workload: users[\(i)] has an empty name") }
            guard seen.insert(u.name).inserted else { throw WorkloadError("\(at): the name is repeated") }
            try Self.checkWeight(u.weight, "\(at): weight")
        }
        try Self.checkTotal(users.map(\.weight), "users")
        guard !mix.isEmpty else { throw WorkloadError("workload: mix is empty; give at least one job class") }
        for (i, c) in mix.enumerated() {
            let at = "workload: mix[\(i)] \"\(c.name)\""
            try Self.checkWeight(c.weight, "\(at): weight")
            guard !c.systemsChoices.isEmpty else { throw WorkloadError("\(at): systemsChoices is empty") }
            for n in c.systemsChoices where !ClusterSpec.systemsRange.contains(n) {
                throw WorkloadError("\(at): systems \(n) is out of range; allowed range: \(ClusterSpec.systemsRange)")
            }
            guard TrainingSpec.perSystemBatchRange.contains(c.perSystemBatch) else {
                throw WorkloadError("\(at): perSystemBatch \(c.perSystemBatch) is out of range; allowed range: \(TrainingSpec.perSystemBatchRange)")
            }
            let lo = c.samplesRange.lowerBound, hi = c.samplesRange.upperBound
            guard lo >= 1, hi <= 1e15, lo.rounded(.up) <= hi.rounded(.down) else {
                throw WorkloadError("\(at): samplesRange \(lo)...\(hi) must lie within 1...1e15 and contain an integer")
            }
            guard TrainingSpec.checkpointEveryStepsRange.contains(c.checkpointEverySteps) else {
                throw WorkloadError("\(at): checkpointEverySteps \(c.checkpointEverySteps) is out of range; allowed range: \(TrainingSpec.checkpointEveryStepsRange)")
            }
        }
        try Self.checkTotal(mix.map(\.weight), "mix")
    }

    /// The jobs, in submission order, with ids "g000001", "g000002", ...; the same seed always
    /// gives the same jobs. Throws a ``WorkloadError`` for a bad setting or when an arrival time
    /// would not fit in simulated time.
    public func generate(seed: UInt64) throws -> [JobSpec] {
        let stream = try self.stream(seed: seed)
        var out: [JobSpec] = []
        out.reserveCapacity(jobs)
        while let j = stream.next() { out.append(j) }
        if let e = stream.error { throw e }
        return out
    }

    /// The same jobs drawn one at a time (nothing held): a run of millions of jobs reads them as
    /// they arrive. Checks the settings first; a job whose arrival would not fit in simulated
    /// time ends the stream and is left in ``JobStream/error``.
    public func stream(seed: UInt64) throws -> JobStream {
        try validate()
        return JobStream(self, seed: seed)
    }

    /// A generator's jobs, drawn one at a time in submission order.
    public final class JobStream: IteratorProtocol {
        let g: WorkloadGenerator
        var arrivals, userDraws, classDraws, systemDraws, sampleDraws: Xoshiro256
        let userTable, classTable: [Double]
        let meanGap: Double
        var elapsed = 0.0
        var i = 0
        /// Why the stream ended early (nil: it has not).
        public private(set) var error: WorkloadError?

        init(_ g: WorkloadGenerator, seed: UInt64) {
            self.g = g
            let root = Xoshiro256(seed: seed)
            arrivals = root.substream(named: "arrivals")
            userDraws = root.substream(named: "users")
            classDraws = root.substream(named: "classes")
            systemDraws = root.substream(named: "systems")
            sampleDraws = root.substream(named: "samples")
            userTable = WorkloadGenerator.cumulative(g.users.map(\.weight))
            classTable = WorkloadGenerator.cumulative(g.mix.map(\.weight))
            meanGap = 3600 / g.arrivalRatePerHour
        }

        /// The next job, or nil after the last (or after an error).
        public func next() -> JobSpec? {
            guard i < g.jobs, error == nil else { return nil }
            i += 1
            elapsed += arrivals.exponential() * meanGap
            let submit: SimTime
            do {
                submit = try g.startAt.adding(try SimDuration(seconds: elapsed, "arrival of job \(i)"), "arrival of job \(i)")
            } catch {
                self.error = WorkloadError("workload: job \(i) arrives \(elapsed) s after the start, past the largest simulated time; "
                    + "raise the arrival rate or lower the job count (\(error))")
                return nil
            }
            let user = g.users[WorkloadGenerator.pick(userTable, userDraws.uniform())]
            let cls = g.mix[WorkloadGenerator.pick(classTable, classDraws.uniform())]
            let choice = min(Int(systemDraws.uniform() * Double(cls.systemsChoices.count)), cls.systemsChoices.count - 1)
            let systems = cls.systemsChoices[choice]
            let samples = WorkloadGenerator.logUniform(cls.samplesRange, sampleDraws.uniform())
            var training = TrainingSpec(model: cls.model, systems: systems, perSystemBatch: cls.perSystemBatch,
                                        stopping: .samples(samples))
            training.checkpointEverySteps = cls.checkpointEverySteps
            training.fixedCosts = g.fixedCosts
            return JobSpec(id: WorkloadGenerator.jobID(i), user: user.name, submit: submit, training: training, priority: cls.priority)
        }
    }

    /// "g" followed by `i` zero-padded to six digits (more digits past 999,999).
    static func jobID(_ i: Int) -> String {
        let digits = String(i)
        return "g" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }

    /// A draw log-uniform over `range` for the uniform `u` in [0, 1), rounded to the nearest whole
    /// sample and kept within the integers of the range.
    static func logUniform(_ range: ClosedRange<Double>, _ u: Double) -> Int64 {
        let lo = range.lowerBound, hi = range.upperBound
        let x = lo * exp(log(hi / lo) * u)
        let clamped = min(max(x.rounded(), lo.rounded(.up)), hi.rounded(.down))
        return Int64(clamped)
    }

    /// Running sums of `weights` (the last is the total).
    static func cumulative(_ weights: [Double]) -> [Double] {
        var total = 0.0
        return weights.map { total += $0; return total }
    }

    /// The index whose cumulative interval holds `u` x total.
    static func pick(_ cumulative: [Double], _ u: Double) -> Int {
        guard let total = cumulative.last else { return 0 }
        let target = u * total
        var lo = 0, hi = cumulative.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if cumulative[mid] > target { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }

    static func checkWeight(_ w: Double, _ what: String) throws {
        guard w.isFinite, w > 0 else { throw WorkloadError("\(what) \(w) must be a finite number > 0") }
    }

    static func checkTotal(_ weights: [Double], _ what: String) throws {
        guard weights.reduce(0, +).isFinite else {
            throw WorkloadError("workload: the \(what) weights add up to more than the largest number; scale them down")
        }
    }
}
