import Foundation
import Reports
import Workloads

/// The file handling both log converters share (`convert-philly`, `convert-swf`): refuse an
/// output path that is the log or anything but a new path (a `SingleFileOutput` of module Reports:
/// a trace CSV carries no mark of its writer, so no existing file is ever replaced), read the log
/// within the trace size bound as UTF-8 text, convert it, and write the trace CSV atomically.
public enum TraceConversion {
    /// Why a conversion stopped.
    public enum Failure: Error, CustomStringConvertible {
        /// Bad input (the output path, the log, a row): the message says which and why.
        case badInput(String)
        /// The trace could not be written.
        case cannotWrite(String)

        public var description: String {
            switch self {
            case .badInput(let m), .cannotWrite(let m): return NamedParameter.show(m, flags: false)
            }
        }
    }

    /// Converts the log at `input` (described as `what`, e.g. "SWF log") with `convert` and
    /// writes the trace CSV to `out`; returns the number of jobs written.
    public static func run(input: String, out: String, what: String,
                           convert: (String) throws -> String) throws(Failure) -> Int {
        // A trace CSV carries no mark of its writer: written only to a new path, never over a file.
        let output = SingleFileOutput(out, parameter: .out, format: .traceCSV)
        do {
            try OutputSafety.checkSingleFile(output, inputs: [("the \(what) being read (\(input))", input)])
        } catch { throw .badInput(error.template) }
        let data: Data
        do { data = try TraceReader.readFile(input, what: what) } catch { throw .badInput("\(error)") }
        guard let text = String(data: data, encoding: .utf8) else { throw .badInput("\(input): the \(what) is not UTF-8 text") }
        let csv: String
        do { csv = try convert(text) } catch { throw .badInput("\(error)") }
        // What the converter writes, run must be able to read: the same bounds, checked the same way.
        let jobs = csv.utf8.reduce(0) { $0 + ($1 == 10 ? 1 : 0) } - 1
        guard jobs <= TraceReader.maxJobs else {
            throw .badInput("\(input): the \(what) converts to \(jobs) jobs; a trace holds at most \(TraceReader.maxJobs) "
                + "(what run reads): split the log into parts (by time) and convert each part")
        }
        guard csv.utf8.count <= TraceReader.maxFileBytes else {
            throw .badInput("\(input): the converted trace would be \(csv.utf8.count) bytes; a trace file holds at most "
                + "\(TraceReader.maxFileBytes) bytes: split the log into parts and convert each part")
        }
        do { _ = try TraceReader.parse(text: csv, file: out) } catch {
            throw .badInput("\(input): the converted trace would be refused when read: \(error)")
        }
        do { try output.write(Data(csv.utf8)) } catch let e as OutputRefused { throw .badInput(e.template) } catch {
            throw .cannotWrite("\(error)")
        }
        return csv.split(separator: "\n").count - 1
    }
}
