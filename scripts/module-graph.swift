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

// Every module a target imports directly must be a declared dependency, or the graph above would
// miss the edge: the sources of each target (its `path`, or Sources/<name> / Tests/<name>) are read
// for `import X` of a target of this package.
let names = Set(targets.compactMap { $0["name"] as? String })
var undeclared: [String] = []
for t in targets {
    guard let name = t["name"] as? String else { continue }
    var declared = Set<String>()
    for d in t["dependencies"] as? [[String: Any]] ?? [] {
        if let v = (d["byName"] ?? d["target"]) as? [Any], let n = v.first as? String { declared.insert(n) }
    }
    let isTest = (t["type"] as? String) == "test"
    let dir = t["path"] as? String ?? ((isTest ? "Tests/" : "Sources/") + name)
    let excluded = (t["exclude"] as? [String] ?? []).map { dir + "/" + $0 }
    guard let walk = FileManager.default.enumerator(atPath: dir) else { continue }
    for case let file as String in walk where file.hasSuffix(".swift") {
        let path = dir + "/" + file
        // A nested target's folder (Sources/Wafer/Referee) is its own target's.
        if excluded.contains(where: { path.hasPrefix($0) }) { continue }
        if targets.contains(where: { ($0["path"] as? String).map { p in p != dir && p.hasPrefix(dir + "/") && path.hasPrefix(p + "/") } ?? false }) { continue }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { continue }
        for line in text.split(separator: "\n") {
            let words = line.split(separator: " ")
            guard let k = words.firstIndex(of: "import"), k + 1 < words.count,
                  words[..<k].allSatisfy({ $0.hasPrefix("@") }) else { continue }
            let module = String(words[k + 1])
            if names.contains(module), module != name, !declared.contains(module) {
                undeclared.append("\(name) imports \(module) in \(path) without declaring it in Package.swift")
            }
        }
    }
}
if !undeclared.isEmpty {
    FileHandle.standardError.write(Data((Set(undeclared).sorted().joined(separator: "\n") + "\n").utf8))
    exit(1)
}
