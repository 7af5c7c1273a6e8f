import Cluster
import Foundation
import Hardware
import Reports
import ScenarioFormat
import Scenarios
import Training

/// One swept parameter: a name and the values it takes.
public struct SweepParameter: Sendable, Equatable {
    /// Parameter name, as in `--param name=v1,v2` (see ``help``).
    public let name: String
    /// The values it takes, as written (checked against the parameter's range).
    public let values: [String]

    /// What a parameter changes, its range, and how it is applied.
    struct Definition: Sendable {
        /// What it changes.
        let what: String
        let range: ClosedRange<Double>
        let integer: Bool
        /// The exact range of an integer parameter (`range` rounded to Doubles is only for help).
        var intRange: ClosedRange<Int> { Int(range.lowerBound)...(range.upperBound >= 9.2e18 ? Int.max : Int(range.upperBound)) }
        let apply: @Sendable (inout Scenario, Number) throws(SweepError) -> Void

        init(help what: String, range: ClosedRange<Double>, integer: Bool,
             apply: @escaping @Sendable (inout Scenario, Number) throws(SweepError) -> Void) {
            self.what = what
            self.range = range
            self.integer = integer
            self.apply = apply
        }

        /// What it changes and its range, "(lo-hi)", written from `range` so the two cannot differ.
        var help: String {
            integer ? "\(what) (\(Self.text(intRange.lowerBound))-\(Self.text(intRange.upperBound)))"
                : "\(what) (\(Self.text(range.lowerBound))-\(Self.text(range.upperBound)))"
        }

        /// A bound as the help writes it: a power of ten from 1e6 up, or below 0.001, as `1eN`;
        /// otherwise the shortest decimal (whole numbers without ".0").
        static func text(_ x: Double) -> String {
            if x > 0, x >= 1e6 || x < 1e-3 {
                let k = Int(log10(x).rounded())
                if Double("1e\(k)") == x { return "1e\(k)" }
            }
            if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
            return "\(x)"
        }

        static func text(_ n: Int) -> String {
            var m = n, k = 0
            while m >= 10, m % 10 == 0 { m /= 10; k += 1 }
            return m == 1 && k >= 6 ? "1e\(k)" : String(n)
        }
    }

    /// A parsed value: integer parameters keep their exact integer (a seed past 2^53 is not
    /// rounded), others a Double.
    struct Number: Sendable {
        let real: Double
        let int: Int
    }

    /// Every parameter `sweep --param` accepts.
    public static var help: String {
        (definitions.keys.sorted().map { "\($0): \(definitions[$0]?.help ?? "")" } + ["policy: one of \(PolicyName.names.joined(separator: ", "))", "contention: mean-field or exact"]).joined(separator: "\n")
    }

    static let definitions: [String: Definition] = [
        "systems": Definition(help: "system count of every scaling experiment", field: ScenarioFields.Scaling.systems) { s, v throws(SweepError) in
            guard !s.scaling.isEmpty else { throw SweepError("systems: the scenario has no scaling experiments (use cluster_systems)") }
            for k in s.scaling.indices { s.scaling[k].systems = [v.int] }
            if v.int > s.cluster.systems { s.cluster.systems = v.int }
        },
        "cluster_systems": Definition(help: "systems in the cluster", field: ScenarioFields.Cluster.systems) { s, v throws(SweepError) in
            s.cluster.systems = v.int
            s.multitenant?.config.keepNodeGroups(atLeast: v.int)
        },
        "seed": Definition(help: "random seed", field: ScenarioFields.Top.seed) { s, v throws(SweepError) in
            s.seed = UInt64(v.int)
        },
        "arrival_rate_per_h": Definition(help: "generated jobs per hour, at least (jobs + 10 sqrt(jobs)) / 1279800 so that the arrivals fit in simulated time", field: ScenarioFields.Generate.arrivalRate) { s, v throws(SweepError) in
            guard s.multitenant?.generator != nil else { throw SweepError("arrival_rate_per_h: the scenario generates no jobs") }
            s.multitenant?.generator?.arrivalRatePerHour = v.real
        },
        "jobs": Definition(help: "generated job count", field: ScenarioFields.Generate.jobs) { s, v throws(SweepError) in
            guard s.multitenant?.generator != nil else { throw SweepError("jobs: the scenario generates no jobs") }
            s.multitenant?.generator?.jobs = v.int
        },
        "memoryx_capacity_tb": Definition(help: "MemoryX capacity, TB", scaled: ScenarioFields.range(of: "capacity_bytes", in: ScenarioFields.memoryX), by: 1e12) { s, v throws(SweepError) in
            s.cluster.memoryX.capacityBytes = v.real * 1e12
        },
        "memoryx_gbps": Definition(help: "MemoryX stream bandwidth, GB/s", scaled: ScenarioFields.range(of: "stream_bytes_per_s", in: ScenarioFields.memoryX), by: 1e9) { s, v throws(SweepError) in
            s.cluster.memoryX.streamBytesPerSecond = v.real * 1e9
        },
        "memoryx_node_groups": Definition(help: "MemoryX node groups", field: ScenarioFields.Multitenant.nodeGroups) { s, v throws(SweepError) in
            guard s.multitenant != nil else { throw SweepError("memoryx_node_groups: the scenario has no multitenant section") }
            s.multitenant?.config.memoryXNodeGroups = v.int
        },
        "defect_rate": Definition(help: "wafer defect rate", range: ScenarioFields.range(of: "defect_rate", in: ScenarioFields.wafer),
                                  integer: false) { s, v throws(SweepError) in
            s.cluster.cs2.wafer.defectRate = v.real
        },
        "kernel_efficiency": Definition(help: "fitted kernel efficiency", range: EfficiencyModel.kernelEfficiencyRange, integer: false) { s, v throws(SweepError) in
            s.efficiency.kernelEfficiency = v.real
        },
        "pass_overhead_s": Definition(help: "fitted fixed cost of every layer pass, seconds", range: EfficiencyModel.passOverheadRange,
                                      integer: false) { s, v throws(SweepError) in
            s.efficiency.passOverheadSeconds = v.real
        },
        "per_system_batch": Definition(help: "per-system batch of every scaling experiment", field: ScenarioFields.Scaling.perSystemBatch) { s, v throws(SweepError) in
            guard !s.scaling.isEmpty else { throw SweepError("per_system_batch: the scenario has no scaling experiments") }
            for k in s.scaling.indices { s.scaling[k].perSystemBatch = v.int; s.scaling[k].globalBatch = nil }
        },
    ]

    /// Where a parameter was written, for messages.
    public enum Origin: Sendable, Equatable {
        /// `--param name=v1,v2,...` on the command line (or `params` of the API).
        case commandLine
        /// The parameter at JSON path `path` (`$.parameters[0]`) of the sweep manifest `file`.
        case manifest(file: String, path: String)

        /// The start of a message about the parameter `name`, about one of its values (`value`:
        /// its index and text) or about another member of the manifest's entry (`field`):
        /// `--param systems=999: ` or `out/sweep.json: $.parameters[0].values[1]: systems=999: `.
        func prefix(_ name: String, value: (index: Int, text: String)? = nil, field: String? = nil) -> String {
            switch self {
            case .commandLine:
                return "\(NamedParameter.params.marker) \(name)" + (value.map { "=\($0.text)" } ?? "") + ": "
            case .manifest(let file, let path):
                let at = value.map { JSONPath.element(JSONPath.member(path, "values"), $0.index) }
                    ?? JSONPath.member(path, field ?? "values")
                return "\(file): \(at): \(name)" + (value.map { "=\($0.text)" } ?? "") + ": "
            }
        }
    }

    /// Parses `name=v1,v2,...`.
    public init(parsing text: String) throws(SweepError) {
        guard let eq = text.firstIndex(of: "=") else { throw SweepError("\(NamedParameter.params.marker) \(text): expected name=value1,value2,...") }
        let values = text[text.index(after: eq)...].split(separator: ",", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        try self.init(name: String(text[..<eq]), values: values, origin: .commandLine)
    }

    /// The parameter `name` taking `values` (as written, each checked against its range);
    /// messages name `origin`.
    public init(name: String, values: [String], origin: Origin) throws(SweepError) {
        guard !values.isEmpty, values.allSatisfy({ !$0.isEmpty }) else { throw SweepError(origin.prefix(name) + "empty value") }
        guard values.count <= 10_000 else { throw SweepError(origin.prefix(name) + "at most 10,000 values") }
        switch name {
        case "policy":
            for (i, v) in values.enumerated() where !PolicyName.names.contains(v) {
                throw SweepError(origin.prefix(name, value: (i, v)) + "allowed: \(PolicyName.names.joined(separator: ", "))")
            }
        case "contention":
            for (i, v) in values.enumerated() where ContentionMode(rawValue: v) == nil {
                throw SweepError(origin.prefix(name, value: (i, v)) + "allowed: \(ContentionMode.names.joined(separator: ", "))")
            }
        default:
            guard let d = Self.definitions[name] else {
                throw SweepError(origin.prefix(name, field: "name")
                    + "unknown parameter; allowed: \((Self.definitions.keys.sorted() + ["contention", "policy"]).joined(separator: ", "))")
            }
            for (i, v) in values.enumerated() { _ = try Self.number(v, name: name, d, prefix: origin.prefix(name, value: (i, v))) }
        }
        self.name = name
        self.values = values
    }

    /// Applies `value` of this parameter to `scenario`.
    public func apply(_ value: String, to scenario: inout Scenario) throws(SweepError) {
        switch name {
        case "policy":
            guard scenario.multitenant != nil else { throw SweepError("policy: the scenario has no multitenant section") }
            guard let policy = PolicyName(rawValue: value) else { throw SweepError("policy: unknown policy \(value)") }
            scenario.multitenant?.policies = [policy]
        case "contention":
            guard scenario.multitenant != nil else {
                throw SweepError("contention: the scenario has no multitenant section (contention applies to the shared cluster only)")
            }
            guard let mode = ContentionMode(rawValue: value) else { throw SweepError("contention: unknown method \(value)") }
            scenario.multitenant?.contention = mode
        default:
            guard let d = Self.definitions[name] else { throw SweepError("\(name): unknown") }
            try d.apply(&scenario, try Self.number(value, name: name, d))
        }
    }

    /// `text` as a value of parameter `name`: plain decimal only (`16`, `0.15`, `1e3`; no hex,
    /// `inf` or `nan`), within the range; an integer parameter takes an exact integer (digits are
    /// read exactly; a fraction or an exponent only up to 2^53, where Doubles are exact).
    /// `prefix` starts a refusal (see `Origin`; by default the command line's).
    static func number(_ text: String, name: String, _ d: Definition, prefix: String? = nil) throws(SweepError) -> Number {
        let expected = d.integer ? "an integer in \(d.intRange.lowerBound)...\(d.intRange.upperBound)"
                                 : "a decimal number in \(d.range.lowerBound)...\(d.range.upperBound)"
        func refuse(_ why: String = "") -> SweepError {
            SweepError((prefix ?? Origin.commandLine.prefix(name, value: (0, text))) + "\(why)expected \(expected)")
        }
        guard isDecimal(text), let x = Double(text), x.isFinite else { throw refuse() }
        guard d.integer else {
            guard d.range.contains(x) else { throw refuse() }
            return Number(real: x, int: 0)
        }
        let digits = text.hasPrefix("+") ? String(text.dropFirst()) : text
        if let n = Int(digits) {
            guard d.intRange.contains(n) else { throw refuse() }
            return Number(real: x, int: n)
        }
        // The written value, not its Double: 9007199254740992.5 and 2.00000000000000001 are not integers.
        switch DecimalLiteral(text) {
        case .notInteger: throw refuse()
        case .beyondInt64: throw refuse()
        case .integer(let v):
            guard let n = Int(exactly: v), d.intRange.contains(n) else { throw refuse() }
            guard v.magnitude <= 9_007_199_254_740_992 else {
                throw refuse("not exact beyond 2^53 with a fraction or an exponent; write the integer in plain digits; ")
            }
            return Number(real: Double(n), int: n)
        }
    }

    /// Whether `text` is a plain decimal number: optional sign, digits with an optional fraction,
    /// an optional exponent (no hex, no `inf`/`nan`, no blanks).
    static func isDecimal(_ text: String) -> Bool {
        var b = Array(text.utf8)[...]
        func digits() -> Int {
            var n = 0
            while let c = b.first, c >= 48, c <= 57 { b = b.dropFirst(); n += 1 }
            return n
        }
        if let c = b.first, c == 43 || c == 45 { b = b.dropFirst() }
        var mantissa = digits()
        if b.first == 46 { b = b.dropFirst(); mantissa += digits() }
        guard mantissa > 0 else { return false }
        if let c = b.first, c == 101 || c == 69 {
            b = b.dropFirst()
            if let c = b.first, c == 43 || c == 45 { b = b.dropFirst() }
            guard digits() > 0 else { return false }
        }
        return b.isEmpty
    }
}

extension SweepParameter.Definition {
    /// A parameter that sets a scenario field of the same name: the field's range and kind.
    init(help: String, field: FieldSpec, apply: @escaping @Sendable (inout Scenario, SweepParameter.Number) throws(SweepError) -> Void) {
        self.init(help: help, range: field.bounds, integer: field.isInteger, apply: apply)
    }

    /// A parameter in a larger unit than its field's (TB for bytes): the field's range divided by `scale`.
    init(help: String, scaled range: ClosedRange<Double>, by scale: Double,
         apply: @escaping @Sendable (inout Scenario, SweepParameter.Number) throws(SweepError) -> Void) {
        self.init(help: help, range: range.lowerBound / scale...range.upperBound / scale, integer: false, apply: apply)
    }
}
