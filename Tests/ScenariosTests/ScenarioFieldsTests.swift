import Foundation
import XCTest
import Hardware
import SimEngine
import Training
import ScenarioFormat
@testable import Scenarios

/// The hardware sections and `efficiency` are declared once (ScenarioFields): the decoder reads
/// them, summary.json echoes them, and docs/scenario.schema.json must say what they say (name,
/// type, range, default, description and unit). A field added, renamed or changed in one place
/// and not the other fails here.
final class ScenarioFieldsTests: XCTestCase {
    static let schemaURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs/scenario.schema.json")

    func properties(_ path: [String]) throws -> [String: Any] {
        var node = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: Self.schemaURL)) as? [String: Any])
        for key in path {
            let props = try XCTUnwrap(node["properties"] as? [String: Any], "\(path)")
            node = try XCTUnwrap(props[key] as? [String: Any], "\(path): \(key)")
        }
        return try XCTUnwrap(node["properties"] as? [String: Any], "\(path)")
    }

    func number(_ x: Any?) -> Double? { (x as? NSNumber)?.doubleValue }

    func check<Root>(_ fields: [ScenarioField<Root>], _ defaults: Root, at path: [String], besides extra: Set<String> = [],
                     file: StaticString = #filePath, line: UInt = #line) throws {
        let props = try properties(path)
        XCTAssertEqual(Set(props.keys), Set(fields.map(\.name)).union(extra), "\(path): the schema's fields", file: file, line: line)
        for f in fields {
            let where_ = (path + [f.name]).joined(separator: ".")
            guard let p = props[f.name] as? [String: Any] else { XCTFail("\(where_): not in the schema", file: file, line: line); continue }
            XCTAssertEqual(p["type"] as? String, f.kind == .integer ? "integer" : "number", where_, file: file, line: line)
            XCTAssertEqual(number(p["minimum"]), f.range.lowerBound, "\(where_).minimum", file: file, line: line)
            XCTAssertEqual(number(p["maximum"]), f.range.upperBound, "\(where_).maximum", file: file, line: line)
            // A duration's default is whole nanoseconds: equal to the nanosecond.
            XCTAssertEqual(number(p["default"]) ?? .nan, f.value(defaults), accuracy: f.kind == .seconds ? 1e-12 : 0,
                           "\(where_).default", file: file, line: line)
            XCTAssertEqual(p["description"] as? String, "\(f.doc) Unit: \(f.unit).", "\(where_).description", file: file, line: line)
        }
    }

    func testTheSchemaSaysWhatTheDeclarationsSay() throws {
        let c = ClusterSpec()
        try check(ScenarioFields.wafer, c.cs2.wafer, at: ["cluster", "wafer"])
        try check(ScenarioFields.cs2, c.cs2, at: ["cluster", "cs2"])
        try check(ScenarioFields.memoryX, c.memoryX, at: ["cluster", "memoryx"])
        try check(ScenarioFields.swarmX, c.swarmX, at: ["cluster", "swarmx"])
        try check(ScenarioFields.inputWorkers, c.inputWorkers, at: ["cluster", "input_workers"])
        try check(ScenarioFields.runtime, c.runtime, at: ["cluster", "runtime"])
        try check(ScenarioFields.efficiency, EfficiencyModel(), at: ["efficiency"], besides: ["recompute_in_backward"])
    }

    /// Every declared field is read by the decoder: a value at each end of its range is taken,
    /// one just outside is refused naming the field's JSON path.
    func testTheDecoderReadsEveryDeclaredFieldWithItsRange() throws {
        func scenario(_ section: String, _ key: String, _ value: String) -> String {
            let body = section == "efficiency" ? "\"efficiency\": {\"\(key)\": \(value)}"
                : "\"cluster\": {\"\(section)\": {\"\(key)\": \(value)}}"
            return "{\"version\": 1, \"name\": \"f\", \(body), \"scaling\": [{\"model\": \"genslm-123m\", \"systems\": [1], \"per_system_batch\": 1, \"stopping\": {\"rule\": \"steps\", \"steps\": 1}}]}"
        }
        func text(_ x: Double, integer: Bool) -> String { integer ? String(Int(x)) : "\(x)" }
        func probe<Root>(_ fields: [ScenarioField<Root>], _ section: String) throws {
            for f in fields where f.name != "grid_width" && f.name != "grid_height" && f.name != "physical_cores"
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
    }
}
