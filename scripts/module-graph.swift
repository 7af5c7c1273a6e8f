// Prints the module graph of Package.swift as a Mermaid flowchart, from the JSON of
// `swift package dump-package` on standard input (scripts/module-graph runs both).
import Foundation

let data = FileHandle.standardInput.readDataToEndOfFile()
guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any],
      let targets = root["targets"] as? [[String: Any]] else {
    FileHandle.standardError.write(Data("module-graph: no targets in the dump-package JSON\n".utf8))
    exit(1)
}
var lines = ["```mermaid", "flowchart TD"]
for t in targets.sorted(by: { ($0["name"] as? String ?? "") < ($1["name"] as? String ?? "") }) {
    guard let name = t["name"] as? String, (t["type"] as? String) != "test" else { continue }
    var deps: [String] = []
    for d in t["dependencies"] as? [[String: Any]] ?? [] {
        // {"byName": [name, condition]}, {"target": [name, condition]}, {"product": [name, package, ...]}
        if let v = (d["byName"] ?? d["target"]) as? [Any], let n = v.first as? String { deps.append(n) }
        if let v = d["product"] as? [Any], let n = v.first as? String { deps.append(n) }
    }
    let kind = t["type"] as? String ?? "regular"
    let shape = kind == "executable" ? "([\(name)])" : kind == "system" ? "[(\(name))]" : "[\(name)]"
    lines.append("    \(name.replacingOccurrences(of: "-", with: "_"))\(shape)")
    for d in deps.sorted() {
        lines.append("    \(name.replacingOccurrences(of: "-", with: "_")) --> \(d.replacingOccurrences(of: "-", with: "_"))")
    }
}
lines.append("```")
print(lines.joined(separator: "\n"))
