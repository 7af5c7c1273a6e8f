/// A strict reader over one JSON object of a scenario file: typed accessors that check types and
/// ranges and report errors with the file, the exact JSON path and the allowed range, plus
/// detection of unknown (for example misspelt) fields.
///
/// Every accessor records its key as *known*. After reading an object, call ``finish()``: it
/// throws if the object has a member that is not known, naming it, listing the known keys and
/// suggesting the closest one ("did you mean ...?"), so a typo is never silently ignored.
///
/// Declare all the keys of the object up front with `allowed:` (or ``allow(_:)``) when some keys
/// are read only conditionally or the decoder may stop early: the keys are then listed in the
/// message even when not read, and accepted by ``finish()`` when present but not read. Accessors
/// accept any key, declared or not.
///
/// ```swift
/// let root = try ObjectReader(try loadJSONFile(path), file: path, allowed: ["name", "training"])
/// let name = try root.string("name", nonEmpty: true)
/// if let t = try root.object("training") {
///     let batch = try t.int("per_system_batch", default: 16, range: 1...4096)
///     try t.finish()
/// }
/// try root.finish()
/// ```
///
/// A reference type, so that nested readers and copies share the record of known keys. Not
/// thread-safe: use one reader from one task.
public final class ObjectReader {
    /// The JSON path of this object, such as `$.experiments[1]`.
    public let path: String
    /// The file the object came from, for error messages.
    public let file: String
    /// The members of the object, in document order.
    public let members: [(key: String, value: JSONValue)]
    private let index: [String: Int]
    private var known: [String] = []
    private var knownSet: Set<String> = []

    /// Creates a reader over `value`, which must be an object (otherwise throws "expected an
    /// object"); `path` is its JSON path and `file` its file, both used in messages. `allowed`
    /// declares the object's keys up front (see the type's documentation).
    public init(_ value: JSONValue, path: String = JSONPath.root, file: String, allowed: [String] = []) throws(ScenarioError) {
        guard case .object(let members) = value else {
            throw ScenarioError(file: file, path: path, message: "expected an object, got \(value.shortDescription)")
        }
        var index: [String: Int] = [:]
        for (i, m) in members.enumerated() {
            if index[m.key] != nil {
                throw ScenarioError(file: file, path: JSONPath.member(path, m.key), message: "duplicate key \(JSONPath.quoted(m.key))")
            }
            index[m.key] = i
        }
        self.path = path
        self.file = file
        self.members = members
        self.index = index
        allow(allowed)
    }

    /// Declares `keys` as known: listed in ``finish()``'s message, and accepted by it when present.
    public func allow(_ keys: [String]) {
        for k in keys { markKnown(k) }
    }

    /// The keys of the object, in document order.
    public var keys: [String] { members.map(\.key) }

    /// The keys declared or read so far, in the order they were first declared or read.
    public var knownKeys: [String] { known }

    /// Whether the object has member `key` (marks `key` as known).
    public func has(_ key: String) -> Bool {
        markKnown(key)
        return index[key] != nil
    }

    /// The value of member `key` as is, or nil when absent (marks `key` as known).
    public func raw(_ key: String) -> JSONValue? {
        markKnown(key)
        return index[key].map { members[$0].value }
    }

    /// The JSON path of member `key`, such as `$.training.per_system_batch`.
    public func path(of key: String) -> String { JSONPath.member(path, key) }

    /// An error about member `key` (or about the object itself when `key` is nil), for checks the
    /// accessors cannot do, such as constraints between fields.
    public func error(_ key: String?, _ message: String) -> ScenarioError {
        ScenarioError(file: file, path: key.map(path(of:)) ?? path, message: message)
    }

    /// A reader over member `key`, which must be an object; nil when absent.
    public func object(_ key: String, allowed: [String] = []) throws(ScenarioError) -> ObjectReader? {
        guard let v = raw(key) else { return nil }
        return try ObjectReader(v, path: path(of: key), file: file, allowed: allowed)
    }

    /// The elements of member `key`, which must be an array, each with its JSON path
    /// (`$.key[0]`, `$.key[1]`...); nil when absent.
    public func array(_ key: String) throws(ScenarioError) -> [(path: String, value: JSONValue)]? {
        guard let v = raw(key) else { return nil }
        let p = path(of: key)
        guard case .array(let elements) = v else {
            throw ScenarioError(file: file, path: p, message: "expected an array, got \(v.shortDescription)")
        }
        return elements.enumerated().map { (JSONPath.element(p, $0.offset), $0.element) }
    }

    /// Readers over the elements of member `key`, which must be an array of objects; nil when absent.
    public func objectArray(_ key: String, allowed: [String] = []) throws(ScenarioError) -> [ObjectReader]? {
        guard let elements = try array(key) else { return nil }
        var readers: [ObjectReader] = []
        readers.reserveCapacity(elements.count)
        for e in elements {
            readers.append(try ObjectReader(e.value, path: e.path, file: file, allowed: allowed))
        }
        return readers
    }

    /// Throws for the first member (in document order) whose key was neither read nor declared:
    /// `unknown field "<key>"; allowed: a, b, c`, followed by `; did you mean "<key>"?` when a
    /// known key is within edit distance 2. Does not check nested objects: finish their readers too.
    public func finish() throws(ScenarioError) {
        for m in members where !knownSet.contains(m.key) {
            var message = "unknown field \(JSONPath.quoted(m.key)); allowed: "
                + (known.isEmpty ? "no fields" : known.joined(separator: ", "))
            if let s = Messages.suggestion(for: m.key, among: known) {
                message += "; did you mean \(JSONPath.quoted(s))?"
            }
            throw error(m.key, message)
        }
    }

    private func markKnown(_ key: String) {
        if knownSet.insert(key).inserted { known.append(key) }
    }
}
