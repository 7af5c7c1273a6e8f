#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Cluster
import Foundation
import Hardware
import SimEngine
import Training

/// Reads a job trace: a CSV file (RFC 4180) with one job per row, replayed as submitted.
///
/// Columns (a header row is required; any order; names exact; unknown columns are errors):
/// `job_id`, `user`, `submit_s` (0...1e9 s), `model` (a built-in or given model), `systems`
/// (1...`ClusterSpec.maxSystems`), `per_system_batch` (1...1,000,000), `samples` (1...1e15) are required;
/// `priority` (-1,000,000...1,000,000, default 0), `deadline_s` (absolute, submit_s...1e9 s, default
/// none) and `seq_len` (`ModelSpec.seqLenRange` tokens, default the model's) are optional and may be empty.
/// Integer columns accept integral numbers written any way (`16`, `16.0`, `1e3`). See
/// docs/workloads.md.
///
/// ```swift
/// let jobs = try TraceReader.parse(text: "job_id,user,submit_s,model,systems,per_system_batch,samples\n"
///     + "j1,alice,0,cerebras-gpt-111m,2,32,1e6\n", file: "inline.csv")
/// ```
public enum TraceReader {
    /// The longest name (user, model, job id) a trace may hold, in UTF-8 bytes (as a scenario's names).
    public static let maxNameBytes = 256
    /// Columns every trace must have.
    public static let requiredColumns = ["job_id", "user", "submit_s", "model", "systems", "per_system_batch", "samples"]
    /// Columns a trace may have (their fields may be empty).
    public static let optionalColumns = ["priority", "deadline_s", "seq_len"]

    /// The largest trace file read, in bytes (512 MiB): checked while reading, so that a device
    /// such as /dev/zero cannot exhaust memory.
    public static let maxFileBytes = 512 << 20
    /// The most jobs (data rows) a trace may hold.
    public static let maxJobs = 1_000_000

    /// Reads and parses the trace at `path` (see ``parse(text:file:fixedCosts:checkpointEverySteps:models:)``).
    public static func read(path: String, fixedCosts: FixedCosts = FixedCosts(), checkpointEverySteps: Int64 = TrainingSpec.defaultCheckpointEverySteps,
                            models: [ModelSpec] = []) throws -> [JobSpec] {
        let data = try readFile(path, what: "trace file")
        guard String(validating: data, as: UTF8.self) != nil else {
            throw WorkloadError("\(path): the trace file is not valid UTF-8 text")
        }
        return try parse(bytes: [UInt8](data), file: path, fixedCosts: fixedCosts,
                         checkpointEverySteps: checkpointEverySteps, models: models)
    }

    /// The bytes of the file at `path` (`what` names it in messages), read in chunks up to
    /// ``maxFileBytes``: a larger file, a directory or a device that never ends is an error.
    public static func readFile(_ path: String, what: String) throws -> Data {
        let file = try openRegular(path, what: what)
        defer { try? file.close() }
        // The size is checked before reading, and the buffer sized once (a file that grows while
        // it is read is still stopped at the limit).
        var st = stat()
        let size = fstat(file.fileDescriptor, &st) == 0 ? Int(st.st_size) : 0
        guard size <= maxFileBytes else {
            throw WorkloadError("\(path): the \(what) is larger than allowed (\(size) bytes; at most \(maxFileBytes) bytes)")
        }
        var data = Data()
        data.reserveCapacity(size + 1)
        while true {
            let chunk: Data?
            do { chunk = try file.read(upToCount: 1 << 20) } catch {
                throw WorkloadError("\(path): cannot read the \(what): \(error.localizedDescription)")
            }
            guard let chunk, !chunk.isEmpty else { return data }
            data.append(chunk)
            guard data.count <= maxFileBytes else {
                throw WorkloadError("\(path): the \(what) is larger than allowed (at most \(maxFileBytes) bytes)")
            }
        }
    }

    /// Opens the regular file at `path` (`what` names it in messages) for reading, never blocking:
    /// a missing or unreadable file, a folder, a named pipe, a device or a socket is an error.
    public static func openRegular(_ path: String, what: String) throws -> FileHandle {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            throw WorkloadError("\(path): cannot read the \(what) (\(String(cString: strerror(errno))))")
        }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
            _ = close(fd)
            throw WorkloadError("\(path): the \(what) is not a regular file (a folder, a named pipe, a device or a socket)")
        }
        return FileHandle(fileDescriptor: fd, closeOnDealloc: true)
    }

    /// Parses trace text; `file` names it in error messages. `models` are looked up before the
    /// built-in catalog. Every job gets `fixedCosts` and `checkpointEverySteps` (0...1e12).
    /// Returns the jobs sorted by submission time, ties in file order.
    public static func parse(text: String, file: String, fixedCosts: FixedCosts = FixedCosts(),
                             checkpointEverySteps: Int64 = TrainingSpec.defaultCheckpointEverySteps, models: [ModelSpec] = []) throws -> [JobSpec] {
        try parse(bytes: Array(text.utf8), file: file, fixedCosts: fixedCosts,
                  checkpointEverySteps: checkpointEverySteps, models: models)
    }

    static func parse(bytes: [UInt8], file: String, fixedCosts: FixedCosts, checkpointEverySteps: Int64,
                      models: [ModelSpec]) throws -> [JobSpec] {
        guard (0...1_000_000_000_000).contains(checkpointEverySteps) else {
            throw WorkloadError("\(file): checkpointEverySteps \(checkpointEverySteps) is out of range; allowed range: 0...1000000000000")
        }
        let table = try TraceCSV(bytes: bytes, file: file, required: requiredColumns, optional: optionalColumns)
        guard !table.rows.isEmpty else {
            throw WorkloadError("\(file): the trace has a header but no jobs; allowed: 1...\(maxJobs) data rows")
        }
        guard table.rows.count <= maxJobs else {
            throw WorkloadError("\(file): the trace has \(table.rows.count) jobs; allowed: 1...\(maxJobs) data rows")
        }
        var firstLine: [String: Int] = [:]
        var jobs: [(index: Int, job: JobSpec)] = []
        let custom = ModelCatalog.Custom(models)  // indexed once: one lookup per row
        for (index, row) in table.rows.enumerated() {
            let id = try row.text("job_id")
            if let first = firstLine[id] {
                throw row.error("job_id", "duplicate job id \"\(id)\" (first on line \(first))")
            }
            firstLine[id] = row.line
            let user = try row.text("user")
            let submitS = try row.number("submit_s", range: 0...1e9, unit: "s") ?? 0
            let name = try row.text("model").trimmingCharacters(in: .whitespaces)
            let seqLen = try row.integer("seq_len", range: ModelSpec.seqLenRange.int64, required: false).map { Int($0) }
            let model: ModelSpec
            switch ModelCatalog.resolve(name, seqLen: seqLen, custom: custom) {
            case .success(let m): model = m
            case .failure(let e): throw row.error("model", e.message)
            }
            let systems = Int(try row.integer("systems", range: 1...Int64(ClusterSpec.maxSystems)) ?? 1)
            let batch = Int(try row.integer("per_system_batch", range: TrainingSpec.perSystemBatchRange.int64) ?? 1)
            let samples = try row.integer("samples", range: 1...1_000_000_000_000_000) ?? 1
            let priority = Int(try row.integer("priority", range: -1_000_000...1_000_000, required: false) ?? 0)
            let deadlineS = try row.number("deadline_s", range: submitS...1e9, unit: "s", required: false)
            var training = TrainingSpec(model: model, systems: systems, perSystemBatch: batch, stopping: .samples(samples))
            training.checkpointEverySteps = checkpointEverySteps
            training.fixedCosts = fixedCosts
            let submit = SimTime(nanoseconds: try SimDuration(seconds: submitS, "submit_s").nanoseconds)
            let deadline = try deadlineS.map { SimTime(nanoseconds: try SimDuration(seconds: $0, "deadline_s").nanoseconds) }
            jobs.append((index, JobSpec(id: id, user: user, submit: submit, training: training,
                                        priority: priority, deadline: deadline)))
        }
        jobs.sort { $0.job.submit != $1.job.submit ? $0.job.submit < $1.job.submit : $0.index < $1.index }
        return jobs.map(\.job)
    }
}

/// A CSV file with a header row, checked against the allowed columns (shared by the trace reader
/// and the Philly converter).
struct TraceCSV {
    /// One data row: its first physical line and its fields by column.
    struct Row {
        let file: String
        let line: Int
        let fields: [String]
        let columns: [String: Int]

        /// An error naming this row's file, line and `column`.
        func error(_ column: String, _ message: String) -> WorkloadError {
            WorkloadError("\(file) line \(line), column \"\(column)\": \(message)")
        }

        /// The field verbatim, or nil when the column is absent.
        func raw(_ column: String) -> String? { columns[column].map { fields[$0] } }

        /// A required non-empty text field, verbatim.
        func text(_ column: String) throws -> String {
            let s = raw(column) ?? ""
            guard !s.trimmingCharacters(in: .whitespaces).isEmpty else { throw error(column, "is empty; a value is required") }
            guard s.utf8.count <= TraceReader.maxNameBytes else {
                throw error(column, "is \(s.utf8.count) bytes long; the allowed range is 1 to \(TraceReader.maxNameBytes) bytes (UTF-8)")
            }
            if let c = s.unicodeScalars.first(where: { $0.value < 0x20 || $0.value == 0x7F || (0x80..<0xA0).contains($0.value) }) {
                throw error(column, "contains the control character U+\(String(format: "%04X", c.value)); a name is one line of printable text")
            }
            return s
        }

        /// A number in `range` (finite; blanks around it ignored); nil when optional and empty.
        func number(_ column: String, range: ClosedRange<Double>, unit: String, required: Bool = true) throws -> Double? {
            let s = (raw(column) ?? "").trimmingCharacters(in: .whitespaces)
            let allowed = "allowed range: \(Self.show(range.lowerBound))...\(Self.show(range.upperBound)) \(unit)"
            if s.isEmpty {
                if required { throw error(column, "is empty; a value is required (\(allowed))") }
                return nil
            }
            guard s.allSatisfy({ "0123456789+-.eE".contains($0) }), let x = Double(s), x.isFinite else {
                throw error(column, "\"\(s)\" is not a number; \(allowed)")
            }
            guard range.contains(x) else { throw error(column, "value \(s) is out of range; \(allowed)") }
            return x
        }

        /// An integral number in `range` (`16`, `16.0` and `1e3` are accepted, `16.5` is not).
        func integer(_ column: String, range: ClosedRange<Int64>, required: Bool = true) throws -> Int64? {
            let s = (raw(column) ?? "").trimmingCharacters(in: .whitespaces)
            let allowed = "allowed range: \(range.lowerBound)...\(range.upperBound)"
            if s.isEmpty {
                if required { throw error(column, "is empty; a value is required (\(allowed))") }
                return nil
            }
            if let i = Int64(s) {
                guard range.contains(i) else { throw error(column, "value \(s) is out of range; \(allowed)") }
                return i
            }
            guard s.allSatisfy({ "0123456789+-.eE".contains($0) }), let x = Double(s), x.isFinite else {
                throw error(column, "\"\(s)\" is not an integer; \(allowed)")
            }
            guard x == x.rounded() else { throw error(column, "value \(s) is not an integer; \(allowed)") }
            guard x >= Double(range.lowerBound), x <= Double(range.upperBound) else {
                throw error(column, "value \(s) is out of range; \(allowed)")
            }
            return Int64(x)
        }

        static func show(_ x: Double) -> String {
            x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : "\(x)"
        }
    }

    /// The header's column names, in file order.
    let header: [String]
    /// The data rows, in file order.
    let rows: [Row]

    /// Parses `bytes` and checks the header: no repeated column, every required one, and no
    /// unknown one unless `ignoreUnknown`.
    init(bytes: [UInt8], file: String, required: [String], optional: [String], ignoreUnknown: Bool = false) throws {
        let records = try Self.records(bytes, file: file)
        guard let first = records.first else {
            throw WorkloadError("\(file): empty file; the header row is required: \(required.joined(separator: ","))")
        }
        header = first.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        var columns: [String: Int] = [:]
        let known = required + optional
        for (i, name) in header.enumerated() {
            guard known.contains(name) else {
                if ignoreUnknown { continue }
                throw WorkloadError("\(file) line \(first.line): unknown column \"\(name)\"; allowed: \(known.joined(separator: ", "))")
            }
            guard columns[name] == nil else { throw WorkloadError("\(file) line \(first.line): column \"\(name)\" is repeated") }
            columns[name] = i
        }
        for name in required where columns[name] == nil {
            throw WorkloadError("\(file) line \(first.line): missing required column \"\(name)\"; required: \(required.joined(separator: ", "))")
        }
        var rows: [Row] = []
        for r in records.dropFirst() {
            guard r.fields.count == header.count else {
                throw WorkloadError("\(file) line \(r.line): \(r.fields.count) field\(r.fields.count == 1 ? "" : "s"); "
                    + "the header has \(header.count) columns: \(header.joined(separator: ","))")
            }
            rows.append(Row(file: file, line: r.line, fields: r.fields, columns: columns))
        }
        self.rows = rows
    }

    /// Splits RFC 4180 text into records (fields and first line). Accepts LF, CRLF or CR line
    /// ends and a UTF-8 byte-order mark; skips blank lines; rejects stray or unclosed quotes.
    /// At most `maxRecords` records (the header included) of at most `maxFields` fields each are
    /// read: past that it is an error, before more memory is taken.
    static func records(_ bytes: [UInt8], file: String, maxRecords: Int = TraceReader.maxJobs + 1,
                        maxFields: Int = 256) throws -> [(line: Int, fields: [String])] {
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")
        var out: [(line: Int, fields: [String])] = []
        var fields: [String] = [], field: [UInt8] = []
        var line = 1, recordLine = 1, quoteLine = 1
        var inQuotes = false, fieldQuoted = false, recordQuoted = false
        var i = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        func endRecord() throws {
            fields.append(String(decoding: field, as: UTF8.self))
            if fields.count > 1 || !fields[0].isEmpty || recordQuoted {
                guard out.count < maxRecords else {
                    throw WorkloadError("\(file) line \(recordLine): more than \(maxRecords - 1) rows after the header; "
                        + "allowed: at most \(maxRecords - 1)")
                }
                out.append((recordLine, fields))
            }
            fields = []; field = []; fieldQuoted = false; recordQuoted = false
        }
        while i < bytes.count {
            let b = bytes[i]
            i += 1
            if inQuotes {
                if b == quote {
                    if i < bytes.count, bytes[i] == quote { field.append(quote); i += 1; continue }
                    inQuotes = false
                    if i < bytes.count, ![comma, cr, lf].contains(bytes[i]) {
                        throw WorkloadError("\(file) line \(line): unexpected text after a closing double quote "
                            + "(a double quote inside a quoted field is written twice: \"\")")
                    }
                } else {
                    if b == lf { line += 1 }
                    field.append(b)
                }
                continue
            }
            switch b {
            case comma:
                guard fields.count < maxFields else {
                    throw WorkloadError("\(file) line \(line): more than \(maxFields) fields; allowed: at most \(maxFields)")
                }
                fields.append(String(decoding: field, as: UTF8.self)); field = []; fieldQuoted = false
            case quote:
                guard field.isEmpty, !fieldQuoted else {
                    throw WorkloadError("\(file) line \(line): a double quote inside an unquoted field "
                        + "(quote the whole field and write the double quote twice)")
                }
                inQuotes = true; fieldQuoted = true; recordQuoted = true; quoteLine = line
            case cr, lf:
                if b == cr, i < bytes.count, bytes[i] == lf { i += 1 }
                try endRecord()
                line += 1
                recordLine = line
            default:
                field.append(b)
            }
        }
        if inQuotes { throw WorkloadError("\(file) line \(quoteLine): a quoted field is never closed") }
        if !field.isEmpty || !fields.isEmpty || recordQuoted { try endRecord() }
        return out
    }
}

extension ClosedRange<Int> {
    /// The same bounds as `Int64`, as a trace column's reader takes them.
    fileprivate var int64: ClosedRange<Int64> { Int64(lowerBound)...Int64(upperBound) }
}
