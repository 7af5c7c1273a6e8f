import AndromedaSim
import ArgumentParser
import Foundation

/// The file handling both log converters share (convert-philly, convert-swf): refuse an --out that
/// is empty or a folder, read the log within the trace size bound as UTF-8 text, convert it, and
/// write the trace CSV atomically. Bad input exits 2; an output that cannot be written exits 1.
enum TraceConversion {
    /// Converts `input` (a log described as `what`, e.g. "SWF log") to the trace CSV at `out`.
    static func run(input: String, out: String, what: String, convert: (String) throws -> String) throws {
        var isDirectory: ObjCBool = false
        guard !out.isEmpty, !(FileManager.default.fileExists(atPath: out, isDirectory: &isDirectory) && isDirectory.boolValue) else {
            fail("--out must name a file (got \"\(out)\")")
        }
        let data: Data
        do { data = try TraceReader.readFile(input, what: what) } catch { fail("\(error)") }
        guard let text = String(data: data, encoding: .utf8) else { fail("\(input): the \(what) is not UTF-8 text") }
        let csv: String
        do { csv = try convert(text) } catch { fail("\(error)") }
        do { try AtomicFile.write(csv, to: out) } catch {
            FileHandle.standardError.write(Data("andromeda-sim: \(error)\n".utf8))
            throw ExitCode(1)
        }
        print("wrote \(out): \(csv.split(separator: "\n").count - 1) jobs")
    }
}
