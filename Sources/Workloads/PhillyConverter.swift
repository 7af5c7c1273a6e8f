import Foundation
import Hardware
import TextEscaping
import Training

/// Converts a Microsoft Philly GPU-cluster trace (Jeon et al., ATC 2019, github.com/msr-fiddle/
/// philly-traces) into the job-trace CSV that ``TraceReader`` reads, by a fixed, stated rule.
///
/// Input: the *flattened* CSV form of Philly's `cluster_job_log` (which is JSON), one job per row,
/// header `jobid,user,submitted_time,num_gpus,duration_s` in any order (other columns are ignored).
/// `submitted_time` is either `YYYY-MM-DD HH:MM:SS` (as in the JSON) or a number of seconds;
/// `num_gpus` is an integer 0...1,000,000; `duration_s` a number 0...1e9 s. Rows with
/// `num_gpus` = 0 or `duration_s` = 0 never ran and are skipped. docs/workloads.md gives a jq
/// one-liner that flattens the JSON.
///
/// The rule, per job (the constants are ``Options`` fields):
/// - systems = the smallest power of two >= ceil(num_gpus / gpusPerSystem), capped at maxSystems
///   (default: 8 GPUs, one DGX-class server, stand for one CS-2; at most 16 systems);
/// - model by the job's GPU-hours (num_gpus x duration_s / 3600): the first bucket whose bound it
///   is below (defaults: < 10 cerebras-gpt-111m, < 100 cerebras-gpt-590m, < 1000
///   cerebras-gpt-1.3b), else `largestModel` (cerebras-gpt-6.7b);
/// - samples = round(num_gpus x duration_s x flopsPerGPUSecond / (model training FLOPs per token
///   x seq_len)), at least 1: the job does the work its GPUs could have done (default 5e12 FLOP/s
///   sustained per GPU);
/// - per_system_batch = `perSystemBatch` (default 32); submit_s = submission time minus the
///   earliest one in the file.
///
/// Output rows are sorted by submit_s, ties in input order; the text is the same for the same input.
public enum PhillyConverter {
    /// One model bucket: jobs below `belowGPUHours` GPU-hours (and above the previous bound) train `model`.
    public struct ModelBucket: Sendable, Equatable {
        /// Exclusive upper bound on the job's GPU-hours.
        public var belowGPUHours: Double
        /// A built-in model name (`ModelCatalog`).
        public var model: String
        /// Creates a bucket.
        public init(belowGPUHours: Double, model: String) {
            self.belowGPUHours = belowGPUHours
            self.model = model
        }
    }

    /// The constants of the mapping rule; the defaults are the documented assumptions.
    public struct Options: Sendable, Equatable {
        /// GPUs that stand for one CS-2 system (1...1024; default 8, one DGX-class server).
        public var gpusPerSystem = 8
        /// Largest gang (1...`ClusterSpec.maxSystems`; default 16, all of Andromeda).
        public var maxSystems = 16
        /// Buckets in increasing order of `belowGPUHours` (finite, > 0).
        public var buckets: [ModelBucket] = [
            ModelBucket(belowGPUHours: 10, model: "cerebras-gpt-111m"),
            ModelBucket(belowGPUHours: 100, model: "cerebras-gpt-590m"),
            ModelBucket(belowGPUHours: 1000, model: "cerebras-gpt-1.3b"),
        ]
        /// The model of jobs at or above the last bucket's bound.
        public var largestModel = "cerebras-gpt-6.7b"
        /// Samples per system per step written for every job (1...1,000,000).
        public var perSystemBatch = 32
        /// Sustained training FLOP/s of one Philly GPU (1e9...1e16; default 5e12, an assumption:
        /// about 40% of a P100/P40's 10-12 TFLOP/s single-precision peak).
        public var flopsPerGPUSecond = 5e12
        /// The default options.
        public init() {}
    }

    /// Converts flattened Philly CSV `text` (`file` names it in errors) into trace CSV text with
    /// the columns `job_id,user,submit_s,model,systems,per_system_batch,samples`.
    public static func convert(text: String, file: String, options: Options = Options()) throws -> String {
        let models = try validate(options)
        let table = try TraceCSV(bytes: Array(text.utf8), file: file,
                                 required: ["jobid", "user", "submitted_time", "num_gpus", "duration_s"], optional: [],
                                 ignoreUnknown: true)
        var jobs: [(line: Int, id: String, user: String, submit: Double, gpus: Int64, duration: Double)] = []
        var firstLine: [String: Int] = [:]
        for row in table.rows {
            let id = try row.text("jobid")
            if let first = firstLine[id] { throw row.error("jobid", "duplicate job id \"\(id)\" (first on line \(first))") }
            firstLine[id] = row.line
            let user = try row.text("user")
            let when = (row.raw("submitted_time") ?? "").trimmingCharacters(in: .whitespaces)
            let submit: Double
            if let t = timestamp(when) {
                submit = t
            } else if let x = try? row.number("submitted_time", range: 0...1e12, unit: "s") {
                submit = x
            } else {
                throw row.error("submitted_time", "\"\(when)\" is neither a valid YYYY-MM-DD HH:MM:SS time (a real calendar date, hours 0-23) nor a number of seconds in 0...1e12")
            }
            let gpus = try row.integer("num_gpus", range: 0...1_000_000) ?? 0
            let duration = try row.number("duration_s", range: 0...1e9, unit: "s") ?? 0
            guard gpus > 0, duration > 0 else { continue }
            jobs.append((row.line, id, user, submit, gpus, duration))
        }
        guard let origin = jobs.map(\.submit).min() else {
            throw WorkloadError("\(file): no job with num_gpus >= 1 and duration_s > 0; nothing to convert")
        }
        jobs.sort { $0.submit != $1.submit ? $0.submit < $1.submit : $0.line < $1.line }
        var out = "job_id,user,submit_s,model,systems,per_system_batch,samples\n"
        for j in jobs {
            let at = "\(file) line \(j.line)"
            let relative = j.submit - origin
            guard relative <= 1e9 else {
                throw WorkloadError("\(at): submitted \(relative) s after the first job; a trace spans at most 1e9 s")
            }
            let systems = systemsFor(gpus: j.gpus, options: options)
            let gpuSeconds = Double(j.gpus) * j.duration
            let bucket = options.buckets.firstIndex { gpuSeconds / 3600 < $0.belowGPUHours } ?? options.buckets.count
            let (name, flopsPerSample) = models[bucket]
            let samples = max(1, (gpuSeconds * options.flopsPerGPUSecond / flopsPerSample).rounded())
            guard samples <= 1e15 else {
                throw WorkloadError("\(at): \(j.gpus) GPUs x \(j.duration) s maps to \(samples) samples of \(name); at most 1e15")
            }
            let fields = [CSVText.field(j.id), CSVText.field(j.user), number(relative), name, String(systems),
                          String(options.perSystemBatch), String(Int64(samples))]
            out += fields.joined(separator: ",") + "\n"
        }
        return out
    }

    /// systems = smallest power of two >= ceil(gpus / gpusPerSystem), capped at maxSystems.
    static func systemsFor(gpus: Int64, options: Options) -> Int {
        let per = Int64(options.gpusPerSystem)
        let needed = (gpus + per - 1) / per
        var systems = 1
        while Int64(systems) < needed && systems < options.maxSystems { systems *= 2 }
        return min(systems, options.maxSystems)
    }

    /// Checks the options; returns (model name, training FLOPs per sample) per bucket, then the largest.
    static func validate(_ o: Options) throws -> [(String, Double)] {
        guard (1...1024).contains(o.gpusPerSystem) else {
            throw WorkloadError("Philly options: gpusPerSystem \(o.gpusPerSystem) is out of range; allowed range: 1...1024")
        }
        guard ClusterSpec.systemsRange.contains(o.maxSystems) else {
            throw WorkloadError("Philly options: maxSystems \(o.maxSystems) is out of range; allowed range: \(ClusterSpec.systemsRange)")
        }
        guard TrainingSpec.perSystemBatchRange.contains(o.perSystemBatch) else {
            throw WorkloadError("Philly options: perSystemBatch \(o.perSystemBatch) is out of range; allowed range: \(TrainingSpec.perSystemBatchRange)")
        }
        guard o.flopsPerGPUSecond.isFinite, (1e9...1e16).contains(o.flopsPerGPUSecond) else {
            throw WorkloadError("Philly options: flopsPerGPUSecond \(o.flopsPerGPUSecond) is out of range; allowed range: 1e9...1e16")
        }
        var previous = 0.0
        for (i, b) in o.buckets.enumerated() {
            guard b.belowGPUHours.isFinite, b.belowGPUHours > previous else {
                throw WorkloadError("Philly options: buckets[\(i)].belowGPUHours \(b.belowGPUHours) must be finite and above \(previous)")
            }
            previous = b.belowGPUHours
        }
        return try (o.buckets.map(\.model) + [o.largestModel]).map { name in
            guard let m = ModelCatalog.model(named: name) else {
                throw WorkloadError("Philly options: unknown model \"\(name)\"; known: \(ModelCatalog.all.map(\.name).joined(separator: ", "))")
            }
            return (name, m.trainingFLOPsPerToken * Double(m.seqLen))
        }
    }

    /// Seconds since 1970-01-01 00:00:00 of `YYYY-MM-DD HH:MM:SS` (or with a `T`), read as UTC;
    /// nil when it is not such a time.
    static func timestamp(_ s: String) -> Double? {
        let parts = s.split(whereSeparator: { $0 == " " || $0 == "T" })
        guard parts.count == 2 else { return nil }
        let d = parts[0].split(separator: "-", omittingEmptySubsequences: false)
        let t = parts[1].split(separator: ":", omittingEmptySubsequences: false)
        guard d.count == 3, t.count == 3, let y = Int(d[0]), let m = Int(d[1]), let day = Int(d[2]),
              let hh = Int(t[0]), let mm = Int(t[1]), let ss = Int(t[2]),
              (1...9999).contains(y), (1...12).contains(m), (1...31).contains(day),
              (0...23).contains(hh), (0...59).contains(mm), (0...60).contains(ss),
              day <= daysInMonth(y, m) else { return nil }
        // Days from the civil date (H. Hinnant's algorithm, proleptic Gregorian calendar).
        let yy = m <= 2 ? y - 1 : y
        let era = yy / 400, yoe = yy - era * 400
        let doy = (153 * ((m + 9) % 12) + 2) / 5 + day - 1
        let days = era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
        return Double(days * 86_400 + hh * 3600 + mm * 60 + ss)
    }

    /// Days in month `m` (1...12) of year `y`, proleptic Gregorian (February 29 in leap years).
    static func daysInMonth(_ y: Int, _ m: Int) -> Int {
        switch m {
        case 2: return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }


    /// Whole seconds as an integer, otherwise the shortest exact decimal.
    static func number(_ x: Double) -> String {
        x == x.rounded() ? String(Int64(x)) : "\(x)"
    }
}
