import Foundation
import ScenarioFormat

/// Reading a sweep folder's `sweep.json` back (written by `manifestJSON`): its fingerprint, and
/// for `merge` the scenario and parameters it records. The file is parsed by the scenario
/// parser, so it is held to the same bounds (`JSONValue.maxBytes`, `JSONValue.maxValues`),
/// and a value that is not valid is reported at its JSON path in that file.
extension SweepRunner {
    /// The scenario argument and parameters recorded in a sweep folder (for `merge`); nil when it
    /// holds no readable sweep.json. A manifest that does not parse, or a parameter in it that is
    /// not valid, is refused naming the file and the JSON path (``SweepParameter/Origin``).
    public static func storedDefinition(_ directory: String) throws(SweepError) -> (source: String, parameters: [SweepParameter])? {
        let file = directory + "/sweep.json"
        guard let bytes = manifest(directory) else { return nil }
        let r: ObjectReader
        let source: String
        let entries: [ObjectReader]
        do {
            r = try ObjectReader(try JSONValue.parse(bytes: bytes, file: file), file: file)
            source = try r.string("source", nonEmpty: true, maxBytes: Int(PATH_MAX))
            guard let e = try r.objectArray("parameters") else {
                throw r.error("parameters", "required field is missing; expected an array of objects")
            }
            entries = e
        } catch {
            throw SweepError("\(error)")
        }
        var parameters: [SweepParameter] = []
        var names = Set<String>()
        for p in entries {
            let name: String, values: [String]
            do {
                name = try p.string("name", nonEmpty: true)
                guard names.insert(name).inserted else { throw p.error("name", "parameter \"\(name)\" is listed twice") }
                values = try p.stringArray("values")
            } catch {
                throw SweepError("\(error)")
            }
            parameters.append(try SweepParameter(name: name, values: values, origin: .manifest(file: file, path: p.path)))
        }
        return (source, parameters)
    }

    /// The bytes of `directory`/sweep.json when it is a regular file (never a pipe or a link).
    static func manifest(_ directory: String) -> [UInt8]? {
        guard case .success(let bytes) = SweepPointRecord.readRegular(directory + "/sweep.json", limit: JSONValue.maxBytes) else { return nil }
        return bytes
    }

    static func storedFingerprint(_ directory: String) -> String? {
        guard let bytes = manifest(directory),
              case .object(let members)? = try? JSONValue.parse(bytes: bytes, file: directory + "/sweep.json"),
              case .string(let fingerprint)? = members.first(where: { $0.key == "fingerprint" })?.value else { return nil }
        return fingerprint
    }
}
