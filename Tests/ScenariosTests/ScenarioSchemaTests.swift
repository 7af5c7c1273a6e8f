import Foundation
import XCTest
import ScenarioFormat
@testable import Scenarios

/// The generated schema accepts every built-in scenario and refuses what the decoder refuses
/// for the rules it can state (unknown fields, ranges, required fields, the fields of another
/// stopping rule). The validator below covers the keywords the generated schema uses (JSON
/// Schema draft 2020-12: type, minimum, maximum, exclusiveMinimum, enum, const, minLength,
/// pattern, minItems, maxItems, items, properties, additionalProperties, required, $ref,
/// anyOf, allOf, oneOf, if/then); a keyword it does not know fails the test.
final class ScenarioSchemaTests: XCTestCase {
    let schema = ScenarioSchema.document

    func member(_ o: JSONValue, _ key: String) -> JSONValue? {
        guard case .object(let members) = o else { return nil }
        return members.first { $0.key == key }?.value
    }

    func number(_ v: JSONValue?) -> Double? {
        switch v {
        case .integer(let i)?: return Double(i)
        case .number(let x)?, .rounded(let x)?: return x
        default: return nil
        }
    }

    /// The errors of `v` against `s`, each with its JSON path.
    func errors(_ v: JSONValue, _ s: JSONValue, _ path: String = "$") -> [String] {
        if case .bool(let ok) = s { return ok ? [] : ["\(path): not allowed"] }
        guard case .object(let keywords) = s else { return ["\(path): schema is not an object"] }
        var out: [String] = []
        for (key, value) in keywords {
            switch key {
            case "$ref":
                guard case .string(let ref) = value, let defs = member(schema, "$defs"),
                      let target = member(defs, String(ref.dropFirst("#/$defs/".count))) else { out.append("\(path): bad $ref"); break }
                out += errors(v, target, path)
            case "type":
                let ok: Bool
                switch (value, v) {
                case (.string("integer"), .integer), (.string("number"), .integer), (.string("number"), .number),
                     (.string("number"), .rounded), (.string("string"), .string), (.string("boolean"), .bool),
                     (.string("object"), .object), (.string("array"), .array): ok = true
                default: ok = false
                }
                if !ok { out.append("\(path): wrong type, expected \(value)") }
            case "minimum": if let x = number(v), let m = number(value), x < m { out.append("\(path): below \(m)") }
            case "maximum": if let x = number(v), let m = number(value), x > m { out.append("\(path): above \(m)") }
            case "exclusiveMinimum": if let x = number(v), let m = number(value), x <= m { out.append("\(path): not above \(m)") }
            case "enum":
                if case .array(let allowed) = value, !allowed.contains(v) { out.append("\(path): not one of \(allowed)") }
            case "const": if v != value { out.append("\(path): not \(value)") }
            case "minLength":
                if case .string(let t) = v, let m = number(value), Double(t.count) < m { out.append("\(path): shorter than \(m)") }
            case "pattern":
                if case .string(let t) = v, case .string(let p) = value, t.range(of: p, options: .regularExpression) == nil {
                    out.append("\(path): does not match \(p)")
                }
            case "minItems": if case .array(let a) = v, let m = number(value), Double(a.count) < m { out.append("\(path): fewer than \(m)") }
            case "maxItems": if case .array(let a) = v, let m = number(value), Double(a.count) > m { out.append("\(path): more than \(m)") }
            case "items":
                if case .array(let a) = v { for (k, e) in a.enumerated() { out += errors(e, value, "\(path)[\(k)]") } }
            case "properties":
                if case .object(let members) = v {
                    for (k, e) in members { if let p = member(value, k) { out += errors(e, p, "\(path).\(k)") } }
                }
            case "additionalProperties":
                if case .object(let members) = v, value == .bool(false), let props = member(s, "properties") {
                    for (k, _) in members where member(props, k) == nil { out.append("\(path).\(k): unknown field") }
                }
            case "required":
                if case .object = v, case .array(let names) = value {
                    for case .string(let n) in names where member(v, n) == nil { out.append("\(path).\(n): required") }
                }
            case "allOf":
                if case .array(let all) = value { for sub in all { out += errors(v, sub, path) } }
            case "anyOf":
                if case .array(let any) = value, !any.contains(where: { errors(v, $0, path).isEmpty }) { out.append("\(path): matches no anyOf") }
            case "oneOf":
                if case .array(let one) = value, one.filter({ errors(v, $0, path).isEmpty }).count != 1 {
                    out.append("\(path): matches not exactly one of oneOf")
                }
            case "if":
                if errors(v, value, path).isEmpty, let then = member(s, "then") { out += errors(v, then, path) }
            case "then", "description", "default", "$schema", "title", "$defs": break
            default: out.append("\(path): unknown keyword \(key)")
            }
        }
        return out
    }

    func testEveryBuiltInScenarioMatchesTheSchema() throws {
        XCTAssertFalse(BuiltinScenarios.all.isEmpty)
        for (name, text) in BuiltinScenarios.all.sorted(by: { $0.key < $1.key }) {
            let json = try JSONValue.parse(text, file: name)
            XCTAssertEqual(errors(json, schema), [], name)
            XCTAssertNoThrow(try ScenarioDecoder.decode(json, file: name), name)
        }
    }

    /// Inputs the decoder refuses, which the schema refuses too.
    func testTheSchemaRefusesWhatTheDecoderRefuses() throws {
        let stopping = #"{"rule": "steps", "steps": 1}"#
        func scenario(_ experiment: String = "", stopping: String = stopping, _ top: String = "") -> String {
            #"{"version": 1, "name": "f", "scaling": [{"model": "genslm-123m", "systems": [1], "per_system_batch": 1, "stopping": "#
                + stopping + experiment + "}]" + top + "}"
        }
        XCTAssertEqual(errors(try JSONValue.parse(scenario(), file: "t"), schema), [])
        let refused = [
            scenario(#", "zz": 1"#),
            scenario(stopping: #"{"rule": "steps", "steps": 1, "samples": 5}"#),
            scenario(stopping: #"{"rule": "samples", "law": "genslm", "samples": 5}"#),
            scenario(stopping: #"{"rule": "convergence", "min_samples": 5}"#),
            scenario(#", "global_batch": 0"#),
            scenario("", #", "cluster": {"wafer": {"defect_rate": 0.6}}"#),
            scenario("", #", "efficiency": {"recompute_in_backward": 1}"#),
            scenario("", #", "multitenant": {"jobs": []}"#),
            #"{"version": 1, "name": "f"}"#,
            #"{"version": 1, "name": "f", "multitenant": {"failures": {"mtbf_h": 0}, "trace": "t.csv"}}"#,
        ]
        for text in refused {
            let json = try JSONValue.parse(text, file: "t")
            XCTAssertNotEqual(errors(json, schema), [], text)
            XCTAssertThrowsError(try ScenarioDecoder.decode(json, file: "t"), text)
        }
    }
}
