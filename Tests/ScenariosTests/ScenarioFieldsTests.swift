import Foundation
import XCTest
import Hardware
import SimEngine
import Training
import ScenarioFormat
@testable import Scenarios

/// Every field of the scenario format is declared once (ScenarioFields, FieldSpec): the decoder
/// reads it, summary.json echoes the bound ones, and docs/scenario.schema.json is generated from
/// the declarations and must say what they say (name, type, range, default, description and
/// unit). A field added, renamed or changed in one place and not the other fails here.
final class ScenarioFieldsTests: XCTestCase {
    static let schemaURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs/scenario.schema.json")

    /// The properties of the object schema at `path`, a list of the schema's own keys
    /// (`["properties", "cluster", "properties", "wafer"]`).
    func properties(_ path: [String]) throws -> [String: Any] {
        var node = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: Self.schemaURL)) as? [String: Any])
        for key in path { node = try XCTUnwrap(node[key] as? [String: Any], "\(path): \(key)") }
        return try XCTUnwrap(node["properties"] as? [String: Any], "\(path)")
    }

    /// The schema path of a nested object, `names` its JSON names.
    func object(_ names: String...) -> [String] { names.flatMap { ["properties", $0] } }

    func number(_ x: Any?) -> Double? { (x as? NSNumber)?.doubleValue }

    /// The schema states each field of `fields` as declared; `defaults` nil: no field has a default.
    func check<Root>(_ fields: [ScenarioField<Root>], _ defaults: Root?, at path: [String], besides extra: Set<String> = [],
                     file: StaticString = #filePath, line: UInt = #line) throws {
        let props = try properties(path)
        XCTAssertEqual(Set(props.keys), Set(fields.map(\.name)).union(extra), "\(path): the schema's fields", file: file, line: line)
        for f in fields {
            let where_ = (path + [f.name]).joined(separator: ".")
            guard let p = props[f.name] as? [String: Any] else { XCTFail("\(where_): not in the schema", file: file, line: line); continue }
            let value = f.required || !f.statesDefault ? nil : defaults.map(f.value)
            guard f.kind != .boolean else {
                XCTAssertEqual(p["type"] as? String, "boolean", where_, file: file, line: line)
                XCTAssertEqual(p["default"] as? Bool, value.map { $0 != 0 }, "\(where_).default", file: file, line: line)
                XCTAssertEqual(p["description"] as? String, f.doc, "\(where_).description", file: file, line: line)
                continue
            }
            XCTAssertEqual(p["type"] as? String, f.kind == .integer ? "integer" : "number", where_, file: file, line: line)
            XCTAssertEqual(number(p["minimum"]), f.range.lowerBound, "\(where_).minimum", file: file, line: line)
            XCTAssertEqual(number(p["maximum"]), f.range.upperBound, "\(where_).maximum", file: file, line: line)
            if let value {
                // A duration's default is whole nanoseconds: equal to the nanosecond.
                XCTAssertEqual(number(p["default"]) ?? .nan, value, accuracy: f.kind == .seconds ? 1e-12 : 0,
                               "\(where_).default", file: file, line: line)
            } else {
                XCTAssertNil(p["default"], "\(where_).default", file: file, line: line)
            }
            XCTAssertEqual(p["description"] as? String, f.unit.isEmpty ? f.doc : "\(f.doc) Unit: \(f.unit).", "\(where_).description",
                           file: file, line: line)
        }
    }

    func testTheSchemaSaysWhatTheDeclarationsSay() throws {
        let c = ClusterSpec()
        try check(ScenarioFields.wafer, c.cs2.wafer, at: object("cluster", "wafer"))
        try check(ScenarioFields.cs2, c.cs2, at: object("cluster", "cs2"))
        try check(ScenarioFields.memoryX, c.memoryX, at: object("cluster", "memoryx"))
        try check(ScenarioFields.swarmX, c.swarmX, at: object("cluster", "swarmx"))
        try check(ScenarioFields.inputWorkers, c.inputWorkers, at: object("cluster", "input_workers"))
        try check(ScenarioFields.runtime, c.runtime, at: object("cluster", "runtime"))
        try check(ScenarioFields.efficiency, EfficiencyModel(), at: object("efficiency"))
        try check(ScenarioFields.model, ModelSpec(name: "", layers: 1, dModel: 1, heads: 1, dFFN: 1, vocabulary: 1, seqLen: 1),
                  at: object("models") + ["items"], besides: ["name"])
        try check(ScenarioFields.fixedCosts, FixedCosts(), at: ["$defs", "fixed_costs"], besides: ["profile"])
        let stopping = object("scaling") + ["items"] + object("stopping")
        try check(ScenarioFields.convergenceLaw, nil, at: stopping,
                  besides: ["rule", "samples", "steps", "min_samples", "noise_batch", "law"])
    }

    /// docs/scenario.schema.json is what the declarations generate (scripts/test checks the same
    /// through `scripts/scenario-schema --check`).
    func testTheSchemaFileIsGeneratedFromTheDeclarations() throws {
        let file = try String(contentsOf: Self.schemaURL, encoding: .utf8)
        XCTAssert(file == ScenarioSchema.text, "docs/scenario.schema.json is out of date; regenerate it with: scripts/scenario-schema --write")
    }

    /// What the decoder accepts in each object is what is declared: an unknown field's message
    /// lists the allowed fields, which are the declared ones (in order where the decoder lists
    /// them up front, as a set where it lists the fields it has read).
    func testEachObjectAcceptsTheDeclaredFieldsOnly() throws {
        let scaling = #"{"model": "genslm-123m", "systems": [1], "per_system_batch": 1, "stopping": {"rule": "steps", "steps": 1}"#
        let job = #"{"model": "genslm-123m", "systems": 1, "per_system_batch": 1, "samples": 1"#
        let cls = #"{"name": "c", "model": "genslm-123m", "systems": [1], "per_system_batch": 1, "samples_min": 1, "samples_max": 2"#
        func scenario(_ body: String) -> String { #"{"version": 1, "name": "f", "#  + body + "}" }
        func multitenant(_ body: String) -> String { scenario(#""multitenant": {"# + body + "}") }
        func allowed(_ json: String) -> [String] {
            do {
                _ = try ScenarioDecoder.decode(try JSONValue.parse(json, file: "t"), file: "t")
                XCTFail("accepted: \(json)")
            } catch {
                let m = "\(error)"
                guard let r = m.range(of: "allowed: ") else { XCTFail(m); return [] }
                let list = m[r.upperBound...].split(separator: ";")[0]
                return list.components(separatedBy: ", ")
            }
            return []
        }
        let ordered: [(String, SectionSpec)] = [
            (scenario(#""zz": 1, "scaling": ["# + scaling + "}]"), ScenarioFields.Top.section),
            (scenario(#""cluster": {"zz": 1}, "scaling": ["# + scaling + "}]"), ScenarioFields.Cluster.section),
            (scenario(#""scaling": ["# + scaling + #", "zz": 1}]"#), ScenarioFields.Scaling.section),
            (scenario(#""scaling": [{"model": "genslm-123m", "systems": [1], "per_system_batch": 1, "stopping": {"rule": "steps", "steps": 1, "zz": 1}}]"#),
             ScenarioFields.Stopping.section),
            (multitenant(#""zz": 1, "jobs": ["# + job + "}]"), ScenarioFields.Multitenant.section),
        ]
        for (json, section) in ordered { XCTAssertEqual(allowed(json), section.names, json) }
        let modelFields = ScenarioFields.modelSection.names
        let sets: [(String, [String])] = [
            (scenario(#""models": [{"name": "m", "layers": 1, "d_model": 1, "heads": 1, "d_ffn": 1, "vocabulary": 1, "seq_len": 1, "zz": 1}], "scaling": ["# + scaling + "}]"),
             modelFields),
            (scenario(#""scaling": ["# + scaling + #", "fixed_costs": {"zz": 1}}]"#), ScenarioFields.fixedCostsSection.names),
            (scenario(#""scaling": ["# + scaling + #", "published": [{"systems": 1, "zz": 1}]}]"#), ScenarioFields.Published.section.names),
            (multitenant(#""failures": {"mtbf_h": 1, "zz": 1}, "jobs": ["# + job + "}]"), ScenarioFields.Failures.section.names),
            (multitenant(#""maintenance": [{"start_h": 1, "duration_h": 1, "systems": [0], "zz": 1}], "jobs": ["# + job + "}]"),
             ScenarioFields.Maintenance.section.names),
            (multitenant(#""users": [{"name": "u", "zz": 1}], "jobs": ["# + job + "}]"), ScenarioFields.Users.section.names),
            (multitenant(#""jobs": ["# + job + #", "zz": 1}]"#), ScenarioFields.Jobs.section.names),
            (multitenant(#""generate": {"jobs": 1, "arrival_rate_per_h": 1, "classes": ["# + cls + "}], \"zz\": 1}"), ScenarioFields.Generate.section.names),
            (multitenant(#""generate": {"jobs": 1, "arrival_rate_per_h": 1, "classes": ["# + cls + #", "zz": 1}]}"#), ScenarioFields.Classes.section.names),
        ]
        for (json, names) in sets { XCTAssertEqual(Set(allowed(json)), Set(names), json) }
    }

    /// Every declared field is read by the decoder: a value at each end of its range is taken,
    /// one just outside is refused naming the field's JSON path.
    func testTheDecoderReadsEveryDeclaredFieldWithItsRange() throws {
        func scenario(_ section: String, _ key: String, _ value: String) -> String {
            let fixed = section == "fixed_costs" ? ", \"fixed_costs\": {\"\(key)\": \(value)}" : ""
            let body = section == "efficiency" ? "\"efficiency\": {\"\(key)\": \(value)}"
                : section == "fixed_costs" ? "\"seed\": 1" : "\"cluster\": {\"\(section)\": {\"\(key)\": \(value)}}"
            return "{\"version\": 1, \"name\": \"f\", \(body), \"scaling\": [{\"model\": \"genslm-123m\", \"systems\": [1], \"per_system_batch\": 1, \"stopping\": {\"rule\": \"steps\", \"steps\": 1}\(fixed)}]}"
        }
        func text(_ x: Double, integer: Bool) -> String { integer ? String(Int(x)) : "\(x)" }
        func probe<Root>(_ fields: [ScenarioField<Root>], _ section: String) throws {
            for f in fields where f.kind != .boolean && f.name != "grid_width" && f.name != "grid_height" && f.name != "physical_cores"
                && f.name != "reserved_sram_bytes_per_core" {
                let integer = f.kind == .integer
                for v in [f.range.lowerBound, f.range.upperBound] {
                    XCTAssertNoThrow(try ScenarioDecoder.decode(try JSONValue.parse(scenario(section, f.name, text(v, integer: integer)), file: "t"), file: "t"),
                                     "\(section).\(f.name) = \(v)")
                }
                let outside = f.range.upperBound + (integer ? 1 : max(1, f.range.upperBound))
                XCTAssertThrowsError(try ScenarioDecoder.decode(try JSONValue.parse(scenario(section, f.name, text(outside, integer: integer)), file: "t"), file: "t")) {
                    XCTAssert("\($0)".contains(f.name), "\(section).\(f.name): \($0)")
                }
            }
        }
        try probe(ScenarioFields.cs2, "cs2")
        try probe(ScenarioFields.memoryX, "memoryx")
        try probe(ScenarioFields.swarmX, "swarmx")
        try probe(ScenarioFields.inputWorkers, "input_workers")
        try probe(ScenarioFields.runtime, "runtime")
        try probe(ScenarioFields.efficiency, "efficiency")
        try probe(ScenarioFields.wafer, "wafer")
        try probe(ScenarioFields.fixedCosts, "fixed_costs")
    }
}
