/// Typed accessors. Each marks its key as known and throws a ``ScenarioError`` at the member's
/// path when the member is missing without a default ("required field is missing"), has the
/// wrong type, or is outside the allowed range or values; the message names the allowed range.
/// An explicit `null` is a type error, not a missing field. Defaults are returned as given,
/// without range checks.
extension ObjectReader {
    /// An integer in `range`. Accepts integers (`16`) and numbers with an integral value (`1e3`,
    /// `16.0`); rejects other numbers (`16.5`). `default` nil means the field is required.
    public func int(_ key: String, default defaultValue: Int? = nil, range: ClosedRange<Int> = Int.min...Int.max) throws(ScenarioError) -> Int {
        guard let v = raw(key) else {
            if let defaultValue { return defaultValue }
            throw error(key, "required field is missing; expected \(Self.intKind(range))")
        }
        return try intValue(v, path: path(of: key), range: range)
    }

    /// A finite number in `range`, in `unit` (named in messages, such as "s" or "GB/s"; may be
    /// empty). Accepts integers and numbers. `default` nil means the field is required.
    public func double(_ key: String, default defaultValue: Double? = nil, range: ClosedRange<Double>, unit: String) throws(ScenarioError) -> Double {
        guard let v = raw(key) else {
            if let defaultValue { return defaultValue }
            throw error(key, "required field is missing; expected \(Self.doubleKind(range, unit))")
        }
        return try doubleValue(v, path: path(of: key), range: range, unit: unit)
    }

    /// `true` or `false`. `default` nil means the field is required.
    public func bool(_ key: String, default defaultValue: Bool? = nil) throws(ScenarioError) -> Bool {
        guard let v = raw(key) else {
            if let defaultValue { return defaultValue }
            throw error(key, "required field is missing; expected true or false")
        }
        guard case .bool(let b) = v else { throw error(key, "expected true or false, got \(v.shortDescription)") }
        return b
    }

    /// The longest name a scenario may hold (a model, user, job class, job id, trace path), in UTF-8 bytes.
    public static let maxNameBytes = 256
    /// The longest free text (a description or comment), in UTF-8 bytes.
    public static let maxTextBytes = 16_384

    /// A string; with `nonEmpty`, the empty string is rejected. `default` nil means the field is
    /// required. At most `maxBytes` UTF-8 bytes (``maxNameBytes`` unless said), and no control
    /// characters (with `multiline`, tab and line feed are allowed), so that no name can break a
    /// CSV row, a terminal or a page.
    public func string(_ key: String, default defaultValue: String? = nil, nonEmpty: Bool = false,
                       maxBytes: Int = ObjectReader.maxNameBytes, multiline: Bool = false) throws(ScenarioError) -> String {
        guard let v = raw(key) else {
            if let defaultValue { return defaultValue }
            throw error(key, "required field is missing; expected a string")
        }
        let s = try stringValue(v, path: path(of: key), nonEmpty: nonEmpty)
        if s.utf8.count > maxBytes {
            throw error(key, "is \(s.utf8.count) bytes long; the allowed range is \(nonEmpty ? 1 : 0) to \(maxBytes) bytes (UTF-8)")
        }
        if let c = s.unicodeScalars.first(where: { ($0.value < 0x20 || $0.value == 0x7F || (0x80..<0xA0).contains($0.value))
                                                    && !(multiline && ($0 == "\n" || $0 == "\t")) }) {
            throw error(key, "contains the control character U+\(String(format: "%04X", c.value)); "
                + (multiline ? "only tab and line feed are allowed" : "a name is one line of printable text"))
        }
        if !multiline, let c = s.unicodeScalars.first(where: { (0x202A...0x202E).contains($0.value) || (0x2066...0x2069).contains($0.value) }) {
            throw error(key, "contains the bidirectional control U+\(String(format: "%04X", c.value)), which would make the name read "
                + "in another order; a name is plain text")
        }
        return s
    }

    /// One of the strings `allowed` (exact, case-sensitive match); the message lists the allowed
    /// values and suggests the closest one. `default` nil means the field is required.
    public func choice(_ key: String, default defaultValue: String? = nil, allowed: [String]) throws(ScenarioError) -> String {
        guard let v = raw(key) else {
            if let defaultValue { return defaultValue }
            throw error(key, "required field is missing; allowed values: \(Messages.list(allowed))")
        }
        return try choiceValue(v, path: path(of: key), allowed: allowed)
    }

    /// An array of integers, each in `range`, with a number of elements in `count`; errors about an
    /// element name its path (`$.key[2]`). `default` nil means the field is required.
    public func intArray(_ key: String, default defaultValue: [Int]? = nil, range: ClosedRange<Int> = Int.min...Int.max,
                         count: ClosedRange<Int> = 0...Int.max) throws(ScenarioError) -> [Int] {
        guard let elements = try elements(key, count: count, what: "array of \(Self.intKind(range, plural: true))") else {
            if let defaultValue { return defaultValue }
            throw error(key, "required field is missing; expected an array of \(Self.intKind(range, plural: true))")
        }
        var result: [Int] = []
        for e in elements { result.append(try intValue(e.value, path: e.path, range: range)) }
        return result
    }

    /// An array of finite numbers, each in `range` (in `unit`), with a number of elements in
    /// `count`. `default` nil means the field is required.
    public func doubleArray(_ key: String, default defaultValue: [Double]? = nil, range: ClosedRange<Double>, unit: String,
                            count: ClosedRange<Int> = 0...Int.max) throws(ScenarioError) -> [Double] {
        guard let elements = try elements(key, count: count, what: "array of numbers") else {
            if let defaultValue { return defaultValue }
            throw error(key, "required field is missing; expected an array of \(Self.doubleKind(range, unit, plural: true))")
        }
        var result: [Double] = []
        for e in elements { result.append(try doubleValue(e.value, path: e.path, range: range, unit: unit)) }
        return result
    }

    /// An array of strings with a number of elements in `count`; with `allowed`, each must be one
    /// of those values; with `nonEmpty`, empty strings are rejected. `default` nil means required.
    public func stringArray(_ key: String, default defaultValue: [String]? = nil, count: ClosedRange<Int> = 0...Int.max,
                            allowed: [String]? = nil, nonEmpty: Bool = false) throws(ScenarioError) -> [String] {
        guard let elements = try elements(key, count: count, what: "array of strings") else {
            if let defaultValue { return defaultValue }
            throw error(key, "required field is missing; expected an array of strings")
        }
        var result: [String] = []
        for e in elements {
            if let allowed {
                result.append(try choiceValue(e.value, path: e.path, allowed: allowed))
            } else {
                result.append(try stringValue(e.value, path: e.path, nonEmpty: nonEmpty))
            }
        }
        return result
    }

    // MARK: - Conversions

    private func elements(_ key: String, count: ClosedRange<Int>, what: String) throws(ScenarioError) -> [(path: String, value: JSONValue)]? {
        guard let v = raw(key) else { return nil }
        guard case .array = v else { throw error(key, "expected an \(what), got \(v.shortDescription)") }
        guard let elements = try array(key) else { return nil }
        guard count.contains(elements.count) else {
            throw error(key, "array has \(elements.count) element\(elements.count == 1 ? "" : "s"); allowed number of elements: \(Messages.range(count))")
        }
        return elements
    }

    private func fail(_ path: String, _ message: String) -> ScenarioError {
        ScenarioError(file: file, path: path, message: message)
    }

    private func intValue(_ v: JSONValue, path: String, range: ClosedRange<Int>) throws(ScenarioError) -> Int {
        let n: Int
        switch v {
        case .integer(let i):
            guard let x = Int(exactly: i) else { throw fail(path, "value \(i) is out of range; allowed range: \(Messages.range(range))") }
            n = x
        case .number(let d):
            guard d.rounded(.towardZero) == d else { throw fail(path, "expected \(Self.intKind(range)), got \(d.description)") }
            guard let x = Int(exactly: d), range.contains(x) else {
                throw fail(path, "value \(Messages.integral(d)) is out of range; allowed range: \(Messages.range(range, explicit: true))")
            }
            // Past 2^53 a number written with a fraction or an exponent (or too long for 64 bits)
            // is not exact: it is refused rather than rounded.
            guard Swift.abs(d) <= Messages.exactIntegerLimit else {
                throw fail(path, "value \(Messages.integral(d)) is not exact: integers beyond 2^53 (9007199254740992) must be "
                           + "written in plain digits, without a fraction or an exponent; allowed range: \(Messages.range(range, explicit: true))")
            }
            n = x
        case .rounded(let d):
            throw fail(path, "the number written is not exactly an integer (it would be rounded to \(Messages.integral(d))); "
                       + "expected \(Self.intKind(range)): integers are never rounded (past 2^53, 9007199254740992, write them "
                       + "in plain digits)")
        default:
            throw fail(path, "expected \(Self.intKind(range)), got \(v.shortDescription)")
        }
        guard range.contains(n) else { throw fail(path, "value \(n) is out of range; allowed range: \(Messages.range(range))") }
        return n
    }

    private func doubleValue(_ v: JSONValue, path: String, range: ClosedRange<Double>, unit: String) throws(ScenarioError) -> Double {
        let x: Double
        switch v {
        case .integer(let i): x = Double(i)
        case .number(let d), .rounded(let d): x = d
        default: throw fail(path, "expected \(Self.doubleKind(range, unit)), got \(v.shortDescription)")
        }
        guard x.isFinite, range.contains(x) else {
            throw fail(path, "value \(Messages.quantity(x, unit)) is out of range; allowed range: \(Messages.range(range, unit: unit))")
        }
        return x
    }

    private func stringValue(_ v: JSONValue, path: String, nonEmpty: Bool) throws(ScenarioError) -> String {
        guard case .string(let s) = v else { throw fail(path, "expected a string, got \(v.shortDescription)") }
        if nonEmpty && s.isEmpty { throw fail(path, "must not be empty") }
        return s
    }

    private func choiceValue(_ v: JSONValue, path: String, allowed: [String]) throws(ScenarioError) -> String {
        guard case .string(let s) = v else {
            throw fail(path, "expected a string, got \(v.shortDescription); allowed values: \(Messages.list(allowed))")
        }
        guard allowed.contains(s) else {
            var message = "\(JSONPath.quoted(s)) is not an allowed value; allowed values: \(Messages.list(allowed))"
            if let suggestion = Messages.suggestion(for: s, among: allowed) {
                message += "; did you mean \(JSONPath.quoted(suggestion))?"
            }
            throw fail(path, message)
        }
        return s
    }

    /// "an integer in 1...64", "an integer >= 1", "an integer"; plural "integers in 1...64".
    static func intKind(_ range: ClosedRange<Int>, plural: Bool = false) -> String {
        let noun = plural ? "integers" : "an integer"
        if range == Int.min...Int.max { return noun }
        let r = Messages.range(range)
        return r.contains("...") ? "\(noun) in \(r)" : "\(noun) \(r)"
    }

    /// "a number in 0.001...10.0 s", "a number >= 0.0 s", "a number (s)"; plural "numbers ...".
    static func doubleKind(_ range: ClosedRange<Double>, _ unit: String, plural: Bool = false) -> String {
        let noun = plural ? "numbers" : "a number"
        let r = Messages.range(range, unit: unit)
        if r.hasPrefix("any") { return unit.isEmpty ? noun : "\(noun) (\(unit))" }
        return r.contains("...") ? "\(noun) in \(r)" : "\(noun) \(r)"
    }
}
