import Foundation
import XCTest
import ScenarioFormat
@testable import Scenarios

/// docs/scenario-format.md's field tables say what the declarations say (issue 19, item 4): every
/// declared field (the `ScenarioField` tables and the `FieldSpec` sections, walked from
/// `ScenarioFields.Top.section` as the schema is) has a row, with the declared unit, default and
/// range. A field changed in Sources/Scenarios and not in the doc fails here, naming the row.
final class ScenarioDocTablesTests: XCTestCase {
    static let docURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs/scenario-format.md")

    /// One row of a field table: its cells after the JSON path, and the line it is on.
    struct Row { var type: String; var unit: String; var defaultText: String; var allowed: String; var line: Int }

    /// The field rows of the doc, by JSON path with each index written `[]` (`$.models[].layers`).
    static func rows() throws -> [String: Row] {
        let text = try String(contentsOf: docURL, encoding: .utf8)
        var rows: [String: Row] = [:]
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where line.hasPrefix("| `$") {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 7 else { continue }
            let path = cells[1].trimmingCharacters(in: CharacterSet(charactersIn: "`"))
                .replacingOccurrences(of: #"\[[a-z]\]"#, with: "[]", options: .regularExpression)
            rows[path] = Row(type: cells[2], unit: cells[3], defaultText: cells[4], allowed: cells[5], line: i + 1)
        }
        return rows
    }

    /// Every declared field with its JSON path (`[]` for an array's elements).
    static func fields(_ section: SectionSpec, at path: String) -> [(path: String, field: FieldSpec)] {
        section.fields.flatMap { f -> [(path: String, field: FieldSpec)] in
            let p = "\(path).\(f.name)"
            switch f.shape {
            case .object(let s), .shared(_, let s): return [(p, f)] + fields(s, at: p)
            case .array(let item, _, _):
                switch item.shape {
                case .object(let s), .shared(_, let s): return [(p, f)] + fields(s, at: p + "[]")
                default: return [(p, f)]
                }
            default: return [(p, f)]
            }
        }
    }

    /// A number as the doc writes it ("1.1e9", "1000000", "5,000"), nil when it is not one.
    static func number(_ s: some StringProtocol) -> Double? {
        Double(s.replacingOccurrences(of: ",", with: "").trimmingCharacters(in: CharacterSet(charactersIn: "` ")))
    }

    /// The first "lo...hi" of an allowed cell: hi nil when it is not a number (a bound the
    /// decoder narrows, such as `$.cluster.systems`).
    static func range(_ allowed: String) -> (low: Double, high: Double?)? {
        let n = #"-?[0-9]+(?:\.[0-9]+)?(?:e[+-]?[0-9]+)?"#
        guard let r = allowed.range(of: "(\(n)) ?\\.\\.\\. ?([^ ;,]*)", options: .regularExpression) else { return nil }
        let parts = allowed[r].replacingOccurrences(of: " ", with: "").components(separatedBy: "...")
        guard let low = number(parts[0]) else { return nil }
        let high = parts[1].range(of: "^\(n)$", options: .regularExpression) == nil ? nil : number(parts[1])
        return (low, high)
    }

    /// How the doc states a default (nil: a number it cannot state as one).
    static func text(_ v: JSONValue) -> String? {
        switch v {
        case .bool(let b): return b ? "true" : "false"
        case .string(let s): return "`\"\(s)\"`"
        default: return nil
        }
    }

    /// Objects the doc describes as another's fields (its prose says "The fields, defaults and
    /// ranges of" that one): their fields' rows are the other's.
    static let sameAs = ["$.multitenant.fixed_costs.": "$.scaling[].fixed_costs."]

    func testEveryDeclaredFieldHasItsRowWithItsUnitDefaultAndRange() throws {
        let rows = try Self.rows()
        let doc = try String(contentsOf: Self.docURL, encoding: .utf8)
        for (object, other) in Self.sameAs {
            XCTAssert(doc.contains("### `\(object.dropLast())`\n\nThe fields, defaults and ranges of `\(other.dropLast().replacingOccurrences(of: "[]", with: "[i]"))`."),
                      "docs/scenario-format.md: the section \(object.dropLast()) must say it has the fields of \(other.dropLast())")
        }
        let declared = Self.fields(ScenarioFields.Top.section, at: "$")
        XCTAssertGreaterThan(declared.count, 100)
        var problems: [String] = []
        for (path, f) in declared {
            let alias = Self.sameAs.first { path.hasPrefix($0.key) }.map { $0.value + path.dropFirst($0.key.count) }
            guard let row = rows[alias ?? path] else { problems.append("\(path): no row in docs/scenario-format.md"); continue }
            let at = "docs/scenario-format.md:\(row.line) \(alias ?? path)"
            var unit = f.unit
            if case .array(let item, _, _) = f.shape, unit.isEmpty { unit = item.unit }
            if row.unit != (unit.isEmpty ? "-" : unit) { problems.append("\(at): unit \(row.unit), declared \(unit.isEmpty ? "-" : unit)") }
            if f.required {
                if !row.defaultText.hasPrefix("required") { problems.append("\(at): default \(row.defaultText), declared required") }
            } else if let d = f.defaultValue {
                if let x = d.asDouble {
                    if Self.number(row.defaultText) != x { problems.append("\(at): default \(row.defaultText), declared \(x)") }
                } else if let t = Self.text(d), row.defaultText != t {
                    problems.append("\(at): default \(row.defaultText), declared \(t)")
                }
            }
            guard f.isInteger || { if case .number = f.shape { return true }; return false }() else { continue }
            let bounds = f.bounds
            guard let r = Self.range(row.allowed) else { problems.append("\(at): allowed \(row.allowed) states no lo...hi"); continue }
            if r.low != bounds.lowerBound { problems.append("\(at): lowest \(r.low), declared \(bounds.lowerBound)") }
            if let high = r.high, high != bounds.upperBound { problems.append("\(at): highest \(high), declared \(bounds.upperBound)") }
        }
        XCTAssert(problems.isEmpty, "rows to fix:\n" + problems.joined(separator: "\n"))
    }

    /// docs/model.md's parameter rows that restate a scenario default or limit state the declared one.
    func testModelDocRowsStateTheDeclaredDefaults() throws {
        let url = Self.docURL.deletingLastPathComponent().appendingPathComponent("model.md")
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
        func row(_ prefix: String) throws -> [String] {
            let line = try XCTUnwrap(lines.first { $0.hasPrefix("| " + prefix) }, "docs/model.md: no row \(prefix)")
            return line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
        }
        let checkpoint = try row("`checkpoint_every_steps` /")
        XCTAssertEqual(Self.number(checkpoint[1]), ScenarioFields.Scaling.checkpointEverySteps.defaultValue.flatMap(\.asDouble),
                       "docs/model.md: the checkpoint_every_steps row's value")
        let systems = try row("`cluster.systems` /")
        XCTAssertEqual(Self.number(systems[1]), ScenarioFields.Cluster.systems.defaultValue.flatMap(\.asDouble),
                       "docs/model.md: the cluster.systems row's value")
        XCTAssert(systems.last?.contains("allowed up to \(ScenarioFields.Cluster.systems.intRange.upperBound) ") == true,
                  "docs/model.md: the cluster.systems row must say \"allowed up to \(ScenarioFields.Cluster.systems.intRange.upperBound)\"")
    }
}

extension JSONValue {
    /// A number or integer as a Double.
    fileprivate var asDouble: Double? {
        switch self {
        case .number(let x), .rounded(let x): return x
        case .integer(let i): return Double(i)
        default: return nil
        }
    }
}
