import Foundation
import ScenarioFormat

/// Finds a scenario by path or by built-in name.
///
/// `scenarios/genslm.json` and `Scenarios/genslm.json` both work from the repository root (the
/// folder is `Scenarios`; the lower-case spelling is accepted as an alias), and a bare name such
/// as `genslm` resolves to the copy compiled into the program, from any directory.
public enum ScenarioLocator {
    /// Where a scenario came from.
    public enum Source: Equatable, Sendable {
        /// A file, at this path.
        case file(String)
        /// The built-in scenario of this name.
        case builtin(String)
    }

    /// Resolves `argument` to its JSON text and a name for messages.
    public static func load(_ argument: String) throws(ScenarioError) -> (json: JSONValue, file: String, source: Source) {
        let fm = FileManager.default
        var candidates = [argument]
        // The folder is "Scenarios"; accept the lower-case spelling the docs also use.
        for (from, to) in [("scenarios/", "Scenarios/"), ("Scenarios/", "scenarios/")] where argument.hasPrefix(from) {
            candidates.append(to + argument.dropFirst(from.count))
        }
        if !argument.hasSuffix(".json") && !argument.contains("/") {
            candidates.append("Scenarios/\(argument).json")
        }
        // A folder of the same name (an earlier --out, say) is not a scenario file: skipped, and
        // named when nothing else matches.
        var folder: String?
        for c in candidates {
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: c, isDirectory: &isDirectory) else { continue }
            guard !isDirectory.boolValue else {
                folder = folder ?? c
                continue
            }
            return (try loadJSONFile(c), c, .file(c))
        }
        // Only a bare name (no folder) falls back to the built-in copy: a mistyped path must not
        // silently run something else.
        let name = argument.hasSuffix(".json") ? String(argument.dropLast(5)) : argument
        if !argument.contains("/"), let text = BuiltinScenarios.all[name] {
            let label = "<built-in \(name)>"
            return (try JSONValue.parse(text, file: label), label, .builtin(name))
        }
        let known = BuiltinScenarios.all.keys.sorted().joined(separator: ", ")
        if let folder {
            throw ScenarioError(file: folder, path: JSONPath.root,
                                message: "is a folder, not a scenario file; give a scenario file (.json) or a built-in name: \(known)")
        }
        throw ScenarioError(file: argument, path: JSONPath.root,
                            message: "no such file, and no built-in scenario of that name; built-in: \(known)")
    }
}
