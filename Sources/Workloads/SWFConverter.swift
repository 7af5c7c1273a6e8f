import Foundation
import TextEscaping
import Training

/// Converts a log in the Parallel Workloads Archive's Standard Workload Format (SWF; Feitelson et
/// al., www.cs.huji.ac.il/labs/parallel/workload/swf.html) into the job-trace CSV that
/// ``TraceReader`` reads, by a fixed, stated rule: the Philly rule (``PhillyConverter``) with a
/// CPU processor in place of a GPU.
///
/// Input: lines of 18 whitespace-separated numbers, one job per line; lines starting with `;`
/// are the header's comments; blank lines are skipped; -1 means "missing". The fields used:
/// 1 job number, 2 submit time (s), 4 run time (s), 5 allocated processors, 8 requested
/// processors (used when 5 is missing), 11 status (0 failed, 1 completed, 2-4 partial
/// executions, 5 cancelled, -1 unknown) and 12 user id. Every other field must still be a
/// number (an integer, or a decimal for fields 6, 7, 9 and 10) or -1.
///
/// The rule, per job (the constants are ``Options`` fields):
/// - skipped: cancelled jobs (status 5), and jobs that never ran (run time missing or 0, or no
///   processor count);
/// - systems = the smallest power of two >= ceil(processors / processorsPerSystem), capped at
///   maxSystems (defaults: 64 processors stand for one CS-2; at most 16 systems);
/// - model by processor-hours (processors x run time / 3600): < 100 cerebras-gpt-111m,
///   < 1,000 cerebras-gpt-590m, < 10,000 cerebras-gpt-1.3b, else cerebras-gpt-6.7b;
/// - samples = round(processors x run time x flopsPerProcessorSecond / (model training FLOPs per
///   token x seq_len)), at least 1 (default 1e10 FLOP/s per processor);
/// - per_system_batch = perSystemBatch (32); user = `u<user id>` (`unknown` when -1);
///   job_id = `swf-<job number>` (`-2`, `-3`, ... appended to repeated numbers: the partial
///   executions of one job); submit_s = submit time minus the earliest one converted.
///
/// Output rows are sorted by submit_s, ties in input order; the text is the same for the same input.
public enum SWFConverter {
    /// The constants of the mapping rule; the defaults are the documented assumptions.
    public struct Options: Sendable, Equatable {
        /// Processors that stand for one CS-2 system (1...1,000,000; default 64).
        public var processorsPerSystem = 64
        /// Largest gang (1...`ClusterSpec.maxSystems`; default 16, all of Andromeda).
        public var maxSystems = 16
        /// Model buckets by processor-hours, increasing.
        public var buckets: [PhillyConverter.ModelBucket] = [
            .init(belowGPUHours: 100, model: "cerebras-gpt-111m"),
            .init(belowGPUHours: 1000, model: "cerebras-gpt-590m"),
            .init(belowGPUHours: 10000, model: "cerebras-gpt-1.3b"),
        ]
        /// The model of jobs at or above the last bucket's bound.
        public var largestModel = "cerebras-gpt-6.7b"
        /// Samples per system per step written for every job (1...1,000,000).
        public var perSystemBatch = 32
        /// Sustained training FLOP/s of one logged processor (1e6...1e16; default 1e10, an
        /// assumption: a CPU core of the archive's clusters).
        public var flopsPerProcessorSecond = 1e10
        /// The default options.
        public init() {}
    }

    /// The 18 fields of a line, 1-based names for messages.
    public static let fieldNames = [
        "job number", "submit time", "wait time", "run time", "allocated processors", "average CPU time", "used memory",
        "requested processors", "requested time", "requested memory", "status", "user id", "group id", "executable number",
        "queue number", "partition number", "preceding job number", "think time",
    ]

    /// Converts SWF `text` (`file` names it in errors) into trace CSV text with the columns
    /// `job_id,user,submit_s,model,systems,per_system_batch,samples`. A log of more than `maxJobs`
    /// jobs to convert (by default what a trace holds, `TraceReader.maxJobs`) is refused at the
    /// line of the first one too many, before the rest is read.
    public static func convert(text: String, file: String, options: Options = Options(),
                               maxJobs: Int = TraceReader.maxJobs) throws -> String {
        guard (1...1_000_000).contains(options.processorsPerSystem) else {
            throw WorkloadError("SWF options: processorsPerSystem \(options.processorsPerSystem) is out of range; allowed range: 1...1000000")
        }
        guard options.flopsPerProcessorSecond.isFinite, (1e6...1e16).contains(options.flopsPerProcessorSecond) else {
            throw WorkloadError("SWF options: flopsPerProcessorSecond \(options.flopsPerProcessorSecond) is out of range; allowed range: 1e6...1e16")
        }
        var philly = PhillyConverter.Options()
        philly.maxSystems = options.maxSystems
        philly.buckets = options.buckets
        philly.largestModel = options.largestModel
        philly.perSystemBatch = options.perSystemBatch
        let models = try PhillyConverter.validate(philly)
        philly.gpusPerSystem = 1  // only systemsFor's cap and rounding are shared; the ratio is applied here

        var jobs: [(line: Int, id: String, user: String, submit: Double, processors: Int64, runTime: Double)] = []
        var seen: [String: Int] = [:]
        var lineNumber = 0
        // Line by line as the loop goes (not split up front), so that a log of more jobs than a
        // trace holds stops at the first one too many.
        var remaining = Substring(text)
        var more = true
        while more {
            let raw: Substring
            if let end = remaining.firstIndex(where: { $0 == "\n" || $0 == "\r\n" }) {
                raw = remaining[..<end]
                remaining = remaining[remaining.index(after: end)...]
            } else {
                raw = remaining
                more = false
            }
            lineNumber += 1
            let line = raw.trimmingCharacters(in: .whitespaces.union(.init(charactersIn: "\r\u{FEFF}")))
            if line.isEmpty || line.hasPrefix(";") { continue }
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            let at = "\(file) line \(lineNumber)"
            guard fields.count == 18 else {
                throw WorkloadError("\(at): \(fields.count) fields; an SWF line has 18 whitespace-separated fields")
            }
            var values: [Double] = []
            for (k, f) in fields.enumerated() {
                let decimalAllowed = [5, 6, 8, 9].contains(k)
                // Plain decimal only (Double(_:) would also read "0x10", "inf" and "nan"); -1 or 0...1e15.
                guard f.allSatisfy({ "0123456789+-.eE".contains($0) }), f.first?.isNumber == true || f.first == "-",
                      let x = Double(f), x.isFinite, x == -1 || x >= 0, decimalAllowed || x == x.rounded(), x <= 1e15 else {
                    throw WorkloadError("\(at), field \(k + 1) (\(fieldNames[k])): \"\(f)\" is not allowed; allowed: "
                        + (decimalAllowed ? "a number" : "an integer") + " in 0...1e15, or -1 for missing")
                }
                values.append(x)
            }
            func check(_ k: Int, _ ok: Bool, _ allowed: String) throws {
                guard ok else {
                    throw WorkloadError("\(at), field \(k) (\(fieldNames[k - 1])): value \(fields[k - 1]) is out of range; allowed: \(allowed)")
                }
            }
            try check(1, values[0] >= 0, "0...1e15")
            try check(2, values[1] >= 0 && values[1] <= 1e12, "0...1e12 s (a submit time is never missing)")
            try check(11, (-1...5).contains(values[10]), "-1 (unknown), 0 failed, 1 completed, 2-4 partial, 5 cancelled")
            try check(5, values[4] <= 1_000_000_000, "-1...1e9 processors")
            try check(8, values[7] <= 1_000_000_000, "-1...1e9 processors")
            try check(4, values[3] <= 1e9, "-1...1e9 s")
            let status = Int(values[10]), runTime = values[3]
            let processors = Int64(values[4] > 0 ? values[4] : values[7])
            guard status != 5, runTime > 0, processors > 0 else { continue }
            let number = String(Int64(values[0]))
            let count = (seen["swf-" + number] ?? 0) + 1
            seen["swf-" + number] = count
            let user = values[11] < 0 ? "unknown" : "u" + String(Int64(values[11]))
            guard jobs.count < maxJobs else {
                throw WorkloadError("\(at): the SWF log converts to more than \(maxJobs) jobs (this line's is one too many); "
                    + "a trace holds at most \(maxJobs) (what run reads): split the log into parts (by time) and convert each part")
            }
            jobs.append((lineNumber, "swf-" + number + (count > 1 ? "-\(count)" : ""), user, values[1], processors, runTime))
        }
        guard let origin = jobs.map(\.submit).min() else {
            throw WorkloadError("\(file): no job that ran (status other than 5, run time > 0, processors >= 1); nothing to convert")
        }
        jobs.sort { $0.submit != $1.submit ? $0.submit < $1.submit : $0.line < $1.line }
        var out = "job_id,user,submit_s,model,systems,per_system_batch,samples\n"
        for j in jobs {
            guard j.submit - origin <= 1e9 else {
                throw WorkloadError("\(file) line \(j.line), field 2 (submit time): \(j.submit - origin) s after the first job; a trace spans at most 1e9 s")
            }
            let per = Int64(options.processorsPerSystem)
            let systems = PhillyConverter.systemsFor(gpus: (j.processors + per - 1) / per, options: philly)
            let work = Double(j.processors) * j.runTime
            let bucket = options.buckets.firstIndex { work / 3600 < $0.belowGPUHours } ?? options.buckets.count
            let (name, flopsPerSample) = models[bucket]
            let samples = max(1, (work * options.flopsPerProcessorSecond / flopsPerSample).rounded())
            guard samples <= 1e15 else {
                throw WorkloadError("\(file) line \(j.line): \(j.processors) processors x \(j.runTime) s maps to \(samples) samples of \(name); at most 1e15")
            }
            out += [CSVText.field(j.id), CSVText.field(j.user), PhillyConverter.number(j.submit - origin), name, String(systems),
                    String(options.perSystemBatch), String(Int64(samples))].joined(separator: ",") + "\n"
        }
        return out
    }
}
