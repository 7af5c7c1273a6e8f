import AndromedaSim
import Foundation
import Scenarios
import XCTest

/// summary.json's `inputs` (the resolved scenario) names every field as the format declares it:
/// each key it writes is a field of the generated schema at the same place, or one of the few
/// values it derives (the listed-job count, the user shares). A scaling experiment's model is
/// echoed from its declared table (`ScenarioFields.model`) with its parameter count.
final class ScenarioEchoTests: XCTestCase {
    /// Keys the echo derives, by the path of the object holding them.
    static let derived: [String: Set<String>] = [
        "$.multitenant": ["user_shares", "listed_jobs"],
        "$.multitenant.generate": ["users"],
    ]

    /// The keys of `echo` that the schema `node` does not declare, each with its path.
    func undeclared(_ echo: Any, _ node: [String: Any], _ path: String, defs: [String: Any]) -> [String] {
        var node = node
        if let ref = node["$ref"] as? String, let target = defs[String(ref.dropFirst("#/$defs/".count))] as? [String: Any] { node = target }
        if let items = node["items"] as? [String: Any], let array = echo as? [Any] {
            return array.flatMap { undeclared($0, items, path + "[]", defs: defs) }
        }
        guard let object = echo as? [String: Any], let props = node["properties"] as? [String: Any] else { return [] }
        var out: [String] = []
        for (key, value) in object {
            if let p = props[key] as? [String: Any] {
                out += undeclared(value, p, "\(path).\(key)", defs: defs)
            } else if !(Self.derived[path]?.contains(key) ?? false) {
                out.append("\(path).\(key)")
            }
        }
        return out
    }

    func testTheEchoNamesTheDeclaredFields() throws {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("asim-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: d) }
        // Every section: a custom model, a convergence law, fixed costs, and a shared cluster with
        // failures, maintenance, users, listed and generated jobs.
        let scenario = #"""
            {"version": 1, "name": "echo",
             "models": [{"name": "tiny", "layers": 2, "d_model": 64, "heads": 2, "d_ffn": 256, "vocabulary": 1000, "seq_len": 128}],
             "scaling": [{"model": "tiny", "systems": [1], "per_system_batch": 1, "stopping": {"rule": "convergence_law"},
                          "fixed_costs": {"compile_cached": true}}],
             "multitenant": {"policies": ["fifo"], "horizon_h": 100, "failures": {"mtbf_h": 1000}, "users": [{"name": "u"}],
                             "maintenance": [{"start_h": 1, "duration_h": 1, "systems": [0]}],
                             "jobs": [{"model": "tiny", "systems": 1, "per_system_batch": 1, "samples": 100}],
                             "generate": {"jobs": 1, "arrival_rate_per_h": 1, "classes": [{"name": "c", "model": "tiny", "systems": [1],
                                          "per_system_batch": 1, "samples_min": 10, "samples_max": 100}]}}}
            """#
        let file = d.appendingPathComponent("echo.json")
        try Data(scenario.utf8).write(to: file)
        let r = try CLIHarness.run(["run", file.path, "--out", d.appendingPathComponent("out").path, "--quiet"])
        XCTAssertEqual(r.status, 0, r.err)
        let summary = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: d.appendingPathComponent("out/summary.json"))) as? [String: Any])
        let inputs = try XCTUnwrap(summary["inputs"] as? [String: Any])
        let schema = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(ScenarioSchema.text.utf8)) as? [String: Any])
        XCTAssertEqual(undeclared(inputs, schema, "$", defs: schema["$defs"] as? [String: Any] ?? [:]), [])
        // The sections the echo writes are all reached.
        for key in ["cluster", "efficiency", "scaling", "multitenant"] { XCTAssertNotNil(inputs[key], key) }
    }
}
