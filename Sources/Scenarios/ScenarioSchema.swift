import Hardware
import ScenarioFormat
import TextEscaping
import Training

extension ScenarioFields {
    /// The top level of a scenario file.
    public enum Top {
        public static let version = FieldSpec.integer("version", ScenarioDecoder.supportedVersions, required: true, "Format version.")
        public static let name = FieldSpec.text("name", nonEmpty: true, pattern: "^[A-Za-z0-9._-]+$", required: true,
            "Scenario name; names the output folder out/<name>. The decoder also accepts non-ASCII letters and digits.")
        public static let description = FieldSpec.text("description", default: "", "Shown in summary.json.")
        public static let seed = FieldSpec.integer("seed", 0...Int.max, default: 42,
            "Seeds the wafer defect maps, the generated workload (multitenant.generate) and the system failures (multitenant.failures).")
        public static let cluster = FieldSpec.object("cluster", Cluster.section)
        public static let efficiency = FieldSpec.object("efficiency", SectionSpec("The compute-efficiency model.",
                                                                           ScenarioFields.efficiency.map { $0.spec(EfficiencyModel()) }))
        public static let models = FieldSpec.objects("models", modelSection, "Model shapes in addition to the built-in catalog.")
        public static let scaling = FieldSpec.objects("scaling", Scaling.section,
                                               "Scaling experiments, simulated in order. Required (at least one) unless multitenant is given.")
        public static let multitenant = FieldSpec.object("multitenant", Multitenant.section)
        public static let section = SectionSpec(
            "Generated from the field declarations of Sources/Scenarios (ScenarioFields) by `andromeda-sim scenario-schema` (scripts/scenario-schema --write); see docs/scenario-format.md. A scenario needs a non-empty scaling list, a multitenant section, or both. Rules the schema cannot express (grid size vs physical cores, system counts and maintenance ids vs cluster.systems, global_batch divisibility, the 1e15-sample limit, known model names, non-ASCII names, unique listed job ids, samples_max >= samples_min, distinct user names with generate) are checked by the decoder.",
            [version, name, description, seed, cluster, efficiency, models, scaling, multitenant, FieldSpec.comment],
            rules: [.init(keyword: "anyOf", value: .array([ScenarioSchema.required([scaling.name], nonEmpty: true),
                                                           ScenarioSchema.required([multitenant.name])]))])
    }

    /// `cluster`.
    public enum Cluster {
        public static let system = FieldSpec.choice("system", ClusterSpec.presetNames, default: "cs-2",
            "System preset: cs-2 (WSE-2, Andromeda) or cs-3 (WSE-3); the objects below override single fields of it.")
        public static let systems = FieldSpec.integer("systems", ClusterSpec.systemsRange, unit: "systems", default: ClusterSpec().systems,
            "CS-2 systems in the cluster; every system count of scaling and multitenant must be at most this, and maintenance system ids below it (checked by the decoder only).")
        public static var section: SectionSpec {
            let c = ClusterSpec()
            return SectionSpec("The hardware; every field defaults to the Andromeda value.",
                               [system, systems] + ScenarioFields.hardware.map { $0.spec(c) })
        }
    }
}

/// docs/scenario.schema.json (JSON Schema draft 2020-12), generated from the field declarations
/// (``ScenarioFields``, ``FieldSpec``): `andromeda-sim scenario-schema` prints ``text``, and
/// `scripts/scenario-schema --check` (run by `scripts/test`) fails when the file says otherwise.
public enum ScenarioSchema {
    /// The schema.
    public static var document: JSONValue {
        var defs: [(key: String, value: JSONValue)] = []
        var members: [(key: String, value: JSONValue)] = [
            ("$schema", .string("https://json-schema.org/draft/2020-12/schema")),
            ("title", .string("andromeda-sim scenario, format version \(ScenarioDecoder.supportedVersions.upperBound)")),
        ]
        if case .object(let top) = object(ScenarioFields.Top.section, defs: &defs) { members += top }
        members.append(("$defs", .object(defs)))
        return .object(members)
    }

    /// The schema as docs/scenario.schema.json holds it: two-space indents, a final newline.
    public static var text: String {
        var out = ""
        render(document, level: 0, into: &out)
        return out + "\n"
    }

    /// `{"required": names}`, and with `nonEmpty` each of them (arrays) with at least one element.
    static func required(_ names: [String], nonEmpty: Bool = false) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [("required", .array(names.map(JSONValue.string)))]
        if nonEmpty { members.append(("properties", .object(names.map { ($0, .object([("minItems", .integer(1))])) }))) }
        return .object(members)
    }

    /// The stopping rules the schema checks: under each rule, the fields of the other rules are
    /// refused and its own required (the decoder's `belongs to rule` check).
    static var stoppingRules: [SectionSpec.Rule] {
        typealias S = ScenarioFields.Stopping
        let conditions: [JSONValue] = S.rules.map { rule in
            let mine = S.fieldsOf[rule] ?? []
            let others = S.fieldsOf.keys.sorted().filter { $0 != rule }.flatMap { S.fieldsOf[$0] ?? [] }
            var refused: [String] = []
            for f in others where !mine.contains(f) && !refused.contains(f) { refused.append(f) }
            var then: [(key: String, value: JSONValue)] = []
            switch rule {
            case "convergence":
                then.append(("oneOf", .array([required([S.minSamples.name, S.noiseBatch.name]), required([S.minTokens.name, S.criticalBatchTokens.name])])))
            case "convergence_law": break
            default: then.append(("required", .array([.string(rule)])))
            }
            then.append(("properties", .object(refused.map { ($0, .bool(false)) })))
            return .object([
                ("if", .object([("properties", .object([(S.rule.name, .object([("const", .string(rule))]))])),
                                ("required", .array([.string(S.rule.name)]))])),
                ("then", .object(then)),
            ])
        }
        return [.init(keyword: "allOf", value: .array(conditions))]
    }

    /// The schema of an object with the fields of `section`.
    static func object(_ section: SectionSpec, defs: inout [(key: String, value: JSONValue)]) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [("type", .string("object")), ("description", .string(section.doc)),
                                                           ("additionalProperties", .bool(false))]
        var properties: [(key: String, value: JSONValue)] = []
        for f in section.fields { properties.append((f.name, node(f, defs: &defs))) }
        members.append(("properties", .object(properties)))
        let required = section.fields.filter(\.required).map { JSONValue.string($0.name) }
        if !required.isEmpty { members.append(("required", .array(required))) }
        for r in section.rules { members.append((r.keyword, r.value)) }
        return .object(members)
    }

    /// The schema of field `f` (its description, range, elements or fields, and default).
    static func node(_ f: FieldSpec, defs: inout [(key: String, value: JSONValue)]) -> JSONValue {
        var m: [(key: String, value: JSONValue)] = []
        switch f.shape {
        case .integer(let r):
            m = [("type", .string("integer")), ("minimum", .integer(Int64(r.lowerBound))), ("maximum", .integer(Int64(r.upperBound)))]
        case .number(let r, let exclusive):
            m = [("type", .string("number")), (exclusive ? "exclusiveMinimum" : "minimum", .number(r.lowerBound)), ("maximum", .number(r.upperBound))]
        case .boolean:
            m = [("type", .string("boolean"))]
        case .string(let minLength, let pattern):
            m = [("type", .string("string"))]
            if minLength > 0 { m.append(("minLength", .integer(Int64(minLength)))) }
            if let pattern { m.append(("pattern", .string(pattern))) }
        case .choice(let allowed):
            m = [("type", .string("string")), ("enum", .array(allowed.map(JSONValue.string)))]
        case .array(let item, let lo, let hi):
            m = [("type", .string("array"))]
            if let lo { m.append(("minItems", .integer(Int64(lo)))) }
            if let hi { m.append(("maxItems", .integer(Int64(hi)))) }
            m.append(("items", node(item, defs: &defs)))
        case .object(let section):
            guard case .object(let o) = object(section, defs: &defs) else { return .null }
            return .object(o + (f.defaultValue.map { [("default", $0)] } ?? []))
        case .shared(let name, let section):
            if !defs.contains(where: { $0.key == name }) {
                defs.append((name, .null))
                let schema = object(section, defs: &defs)
                if let k = defs.firstIndex(where: { $0.key == name }) { defs[k].value = schema }
            }
            return .object([("$ref", .string("#/$defs/\(name)")), ("description", .string(f.description))])
        }
        m.append(("description", .string(f.description)))
        if let d = f.defaultValue { m.append(("default", d)) }
        return .object(m)
    }

    /// Pretty-prints `v` (two-space indents; integral numbers below 1e15 without a fraction).
    static func render(_ v: JSONValue, level: Int, into out: inout String) {
        let pad = String(repeating: "  ", count: level + 1), close = String(repeating: "  ", count: level)
        switch v {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .integer(let i): out += String(i)
        case .number(let x), .rounded(let x):
            out += x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : "\(x)"
        case .string(let s): JSONText.quote(s, into: &out)
        case .array(let a):
            guard !a.isEmpty else { out += "[]"; return }
            out += "[\n"
            for (k, e) in a.enumerated() {
                out += pad
                render(e, level: level + 1, into: &out)
                out += k == a.count - 1 ? "\n" : ",\n"
            }
            out += close + "]"
        case .object(let o):
            guard !o.isEmpty else { out += "{}"; return }
            out += "{\n"
            for (k, e) in o.enumerated() {
                out += pad
                JSONText.quote(e.key, into: &out)
                out += ": "
                render(e.value, level: level + 1, into: &out)
                out += k == o.count - 1 ? "\n" : ",\n"
            }
            out += close + "}"
        }
    }
}
