import ScenarioFormat
import SimEngine

/// One field of the scenario format as the format states it: its JSON name, its shape (type and
/// range, the allowed strings, the elements of an array or the fields of an object), its unit,
/// its description, its default and whether it is required. docs/scenario.schema.json is
/// generated from these (``ScenarioSchema``), and the decoder reads each field through its
/// declaration (``int(_:default:range:)`` and the other readers), so that a name, a range or a
/// unit is written once. A numeric field bound to a property of a Swift value is a
/// ``ScenarioField`` (it reads, echoes and describes itself through ``ScenarioField/spec(_:)``).
public struct FieldSpec: Sendable {
    /// What the value may be.
    public indirect enum Shape: Sendable {
        /// A JSON integer in the range.
        case integer(ClosedRange<Int>)
        /// A number in the range (above its lower bound only, when `exclusiveMinimum`).
        case number(ClosedRange<Double>, exclusiveMinimum: Bool)
        /// `true` or `false`.
        case boolean
        /// A string of at least `minLength` characters, matching `pattern` when given.
        case string(minLength: Int, pattern: String?)
        /// One of the strings.
        case choice([String])
        /// An array of `item`, with `minItems` to `maxItems` elements when given.
        case array(FieldSpec, minItems: Int?, maxItems: Int?)
        /// An object with the fields of the section.
        case object(SectionSpec)
        /// An object with the fields of a section shared by several fields (the schema's `$defs`).
        case shared(String, SectionSpec)
    }

    /// The JSON name ("" for the elements of an array).
    public let name: String
    /// What the value may be.
    public let shape: Shape
    /// The unit, as the schema and docs/scenario-format.md give it ("" for none).
    public let unit: String
    /// What the field is (the schema's description, without the unit).
    public let doc: String
    /// The default the decoder fills in, when the format states one.
    public let defaultValue: JSONValue?
    /// Whether the field must be given.
    public let required: Bool
    /// The unit as the decoder's messages give it.
    let messageUnit: String

    /// The schema's description: the doc and the unit.
    public var description: String { unit.isEmpty ? doc : "\(doc) Unit: \(unit)." }

    init(_ name: String, _ shape: Shape, unit: String = "", messageUnit: String? = nil, default d: JSONValue? = nil,
         required: Bool = false, _ doc: String) {
        self.name = name
        self.shape = shape
        self.unit = unit
        self.messageUnit = messageUnit ?? unit
        self.doc = doc
        self.defaultValue = d
        self.required = required
    }

    // MARK: - Declarations

    /// An integer field.
    static func integer(_ name: String, _ range: ClosedRange<Int>, unit: String = "", default d: Int? = nil, required: Bool = false,
                        _ doc: String) -> FieldSpec {
        FieldSpec(name, .integer(range), unit: unit, default: d.map { .integer(Int64($0)) }, required: required, doc)
    }

    /// A number field; `messageUnit` is the unit the decoder's messages print.
    static func number(_ name: String, _ range: ClosedRange<Double>, unit: String = "", messageUnit: String? = nil,
                       default d: Double? = nil, required: Bool = false, _ doc: String) -> FieldSpec {
        FieldSpec(name, .number(range, exclusiveMinimum: false), unit: unit, messageUnit: messageUnit, default: d.map(JSONValue.number),
                  required: required, doc)
    }

    /// A time in hours, 0 to `max` (above 0 when `aboveZero`), held as whole nanoseconds.
    static func hours(_ name: String, max: Double = 1e6, aboveZero: Bool = false, default d: Double? = nil, required: Bool = false,
                      _ doc: String) -> FieldSpec {
        FieldSpec(name, .number(0...max, exclusiveMinimum: aboveZero), unit: "h", default: d.map(JSONValue.number), required: required, doc)
    }

    /// A boolean field.
    static func boolean(_ name: String, default d: Bool, _ doc: String) -> FieldSpec {
        FieldSpec(name, .boolean, default: .bool(d), doc)
    }

    /// A string field (`nonEmpty`: at least one character).
    static func text(_ name: String, nonEmpty: Bool = false, pattern: String? = nil, default d: String? = nil, required: Bool = false,
                     _ doc: String) -> FieldSpec {
        FieldSpec(name, .string(minLength: nonEmpty ? 1 : 0, pattern: pattern), default: d.map(JSONValue.string), required: required, doc)
    }

    /// One of `allowed`.
    static func choice(_ name: String, _ allowed: [String], default d: String? = nil, required: Bool = false, _ doc: String) -> FieldSpec {
        FieldSpec(name, .choice(allowed), default: d.map(JSONValue.string), required: required, doc)
    }

    /// An array of `item` (declared with the name "").
    static func array(_ name: String, of item: FieldSpec, minItems: Int? = nil, maxItems: Int? = nil, default d: JSONValue? = nil,
                      required: Bool = false, _ doc: String) -> FieldSpec {
        FieldSpec(name, .array(item, minItems: minItems, maxItems: maxItems), default: d, required: required, doc)
    }

    /// An object with the fields of `section` (described by the section's doc).
    static func object(_ name: String, _ section: SectionSpec, required: Bool = false) -> FieldSpec {
        FieldSpec(name, .object(section), required: required, section.doc)
    }

    /// An array of objects with the fields of `section`.
    static func objects(_ name: String, _ section: SectionSpec, minItems: Int? = nil, default d: JSONValue? = nil, required: Bool = false,
                        _ doc: String) -> FieldSpec {
        array(name, of: object("", section), minItems: minItems, default: d, required: required, doc)
    }

    /// The free-text `comment` every object may hold.
    public static let comment = text("comment", default: "", "Free text, ignored.")

    /// Whether the field (or each element of an array field) is an integer.
    public var isInteger: Bool {
        switch shape {
        case .integer: return true
        case .array(let item, _, _): return item.isInteger
        default: return false
        }
    }

    /// The bounds of a numeric field (or of each element of an array field), as Doubles.
    public var bounds: ClosedRange<Double> {
        if isInteger { return Double(intRange.lowerBound)...Double(intRange.upperBound) }
        return numberRange
    }

    // MARK: - Reading (the decoder's messages)

    /// The integer bounds (of each element, for an array field).
    public var intRange: ClosedRange<Int> {
        switch shape {
        case .integer(let r): return r
        case .array(let item, _, _): return item.intRange
        default: preconditionFailure("\(name) is not an integer field")
        }
    }

    /// The number bounds.
    var numberRange: ClosedRange<Double> {
        guard case .number(let r, _) = shape else { preconditionFailure("\(name) is not a number field") }
        return r
    }

    /// The allowed number of elements of an array field.
    var count: ClosedRange<Int> {
        guard case .array(_, let lo, let hi) = shape else { preconditionFailure("\(name) is not an array field") }
        return (lo ?? 0)...(hi ?? Int.max)
    }

    /// Reads the integer field (`default` or the declared default when absent; `range` narrows
    /// the declared one, such as a system count to the cluster's systems).
    func int(_ r: ObjectReader, default d: Int? = nil, range: ClosedRange<Int>? = nil) throws(ScenarioError) -> Int {
        var declared: Int?
        if case .integer(let v)? = defaultValue { declared = Int(v) }
        return try r.int(name, default: d ?? declared, range: range ?? intRange)
    }

    /// Reads the number field, in its message unit.
    func double(_ r: ObjectReader, default d: Double? = nil, range: ClosedRange<Double>? = nil) throws(ScenarioError) -> Double {
        try r.double(name, default: d ?? defaultNumber, range: range ?? numberRange, unit: messageUnit)
    }

    /// Reads a time in hours, as whole nanoseconds.
    func hours(_ r: ObjectReader, default d: Double? = nil) throws(ScenarioError) -> SimDuration {
        try ScenarioDecoder.hours(r, name, default: d ?? defaultNumber, max: numberRange.upperBound)
    }

    /// Reads the boolean field.
    func bool(_ r: ObjectReader) throws(ScenarioError) -> Bool {
        guard case .bool(let d)? = defaultValue else { return try r.bool(name) }
        return try r.bool(name, default: d)
    }

    /// Reads the string field (`default` or the declared default when absent).
    func string(_ r: ObjectReader, default d: String? = nil, maxBytes: Int = ObjectReader.maxNameBytes,
                multiline: Bool = false) throws(ScenarioError) -> String {
        var declared: String?
        if case .string(let s)? = defaultValue { declared = s }
        guard case .string(let minLength, _) = shape else { preconditionFailure("\(name) is not a string field") }
        return try r.string(name, default: d ?? declared, nonEmpty: minLength > 0, maxBytes: maxBytes, multiline: multiline)
    }

    /// Reads the choice field.
    func choice(_ r: ObjectReader) throws(ScenarioError) -> String {
        guard case .choice(let allowed) = shape else { preconditionFailure("\(name) is not a choice field") }
        var declared: String?
        if case .string(let s)? = defaultValue { declared = s }
        return try r.choice(name, default: declared, allowed: allowed)
    }

    /// Reads the array-of-integers field (`range` narrows the elements' declared range, `count`
    /// the declared number of elements).
    func intArray(_ r: ObjectReader, range: ClosedRange<Int>? = nil, count: ClosedRange<Int>? = nil) throws(ScenarioError) -> [Int] {
        try r.intArray(name, range: range ?? intRange, count: count ?? self.count)
    }

    private var defaultNumber: Double? {
        switch defaultValue {
        case .number(let x)?: return x
        case .integer(let i)?: return Double(i)
        default: return nil
        }
    }
}

/// The fields of one object of the scenario format, with its description and the rules across
/// its fields that the schema states beside them (`anyOf`, `allOf`).
public struct SectionSpec: Sendable {
    /// What the object is.
    public let doc: String
    /// Its fields, in the order the decoder declares them (its messages list them in this order).
    public let fields: [FieldSpec]
    /// Schema rules across the fields, each a keyword and its value.
    public let rules: [Rule]

    /// A schema keyword and its value (JSON Schema draft 2020-12).
    public struct Rule: Sendable {
        /// The keyword (`anyOf`, `allOf`).
        public let keyword: String
        /// Its value.
        public let value: JSONValue
    }

    init(_ doc: String, _ fields: [FieldSpec], rules: [Rule] = []) {
        self.doc = doc
        self.fields = fields
        self.rules = rules
    }

    /// The JSON names of the fields, in order (what the decoder allows).
    public var names: [String] { fields.map(\.name) }

    /// The declaration of field `name`.
    public subscript(_ name: String) -> FieldSpec {
        guard let f = fields.first(where: { $0.name == name }) else { preconditionFailure("no declared field \(name)") }
        return f
    }
}
