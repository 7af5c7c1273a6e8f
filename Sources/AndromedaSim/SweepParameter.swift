import Cluster
import Hardware
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
        let help: String
        let range: ClosedRange<Double>
        let integer: Bool
        let apply: @Sendable (inout Scenario, Double) throws(SweepError) -> Void
    }

    /// Every parameter `sweep --param` accepts.
    public static var help: String {
        (definitions.keys.sorted().map { "\($0): \(definitions[$0]?.help ?? "")" } + ["policy: one of \(PolicyCatalog.names.joined(separator: ", "))", "contention: mean-field or exact"]).joined(separator: "\n")
    }

    static let definitions: [String: Definition] = [
        "systems": Definition(help: "system count of every scaling experiment (1-192)", range: 1...192, integer: true) { s, v throws(SweepError) in
            guard !s.scaling.isEmpty else { throw SweepError("systems: the scenario has no scaling experiments (use cluster_systems)") }
            for k in s.scaling.indices { s.scaling[k].systems = [Int(v)] }
            if Int(v) > s.cluster.systems { s.cluster.systems = Int(v) }
        },
        "cluster_systems": Definition(help: "systems in the cluster (1-192)", range: 1...192, integer: true) { s, v throws(SweepError) in
            s.cluster.systems = Int(v)
            if var m = s.multitenant {
                m.config.cluster.systems = Int(v)
                m.config.memoryXNodeGroups = max(m.config.memoryXNodeGroups, Int(v))
                s.multitenant = m
            }
        },
        "seed": Definition(help: "random seed (0-2^53)", range: 0...9_007_199_254_740_992, integer: true) { s, v throws(SweepError) in
            s.seed = UInt64(v)
            s.multitenant?.config.seed = UInt64(v)
        },
        "arrival_rate_per_h": Definition(help: "generated jobs per hour (0.001-1e6)", range: 0.001...1e6, integer: false) { s, v throws(SweepError) in
            guard s.multitenant?.generator != nil else { throw SweepError("arrival_rate_per_h: the scenario generates no jobs") }
            s.multitenant?.generator?.arrivalRatePerHour = v
        },
        "jobs": Definition(help: "generated job count (1-10,000,000)", range: 1...10_000_000, integer: true) { s, v throws(SweepError) in
            guard s.multitenant?.generator != nil else { throw SweepError("jobs: the scenario generates no jobs") }
            s.multitenant?.generator?.jobs = Int(v)
        },
        "memoryx_capacity_tb": Definition(help: "MemoryX capacity, TB (0.001-1e6)", range: 0.001...1e6, integer: false) { s, v throws(SweepError) in
            s.cluster.memoryX.capacityBytes = v * 1e12
            s.multitenant?.config.cluster.memoryX.capacityBytes = v * 1e12
        },
        "memoryx_gbps": Definition(help: "MemoryX stream bandwidth, GB/s (0.001-1e6)", range: 0.001...1e6, integer: false) { s, v throws(SweepError) in
            s.cluster.memoryX.streamBytesPerSecond = v * 1e9
            s.multitenant?.config.cluster.memoryX.streamBytesPerSecond = v * 1e9
        },
        "memoryx_node_groups": Definition(help: "MemoryX node groups (1-1024)", range: 1...1024, integer: true) { s, v throws(SweepError) in
            guard s.multitenant != nil else { throw SweepError("memoryx_node_groups: the scenario has no multitenant section") }
            s.multitenant?.config.memoryXNodeGroups = Int(v)
        },
        "defect_rate": Definition(help: "wafer defect rate (0-0.5)", range: 0...0.5, integer: false) { s, v throws(SweepError) in
            s.cluster.cs2.wafer.defectRate = v
            s.multitenant?.config.cluster.cs2.wafer.defectRate = v
        },
        "kernel_efficiency": Definition(help: "calibrated kernel efficiency (0.001-1)", range: 0.001...1, integer: false) { s, v throws(SweepError) in
            s.efficiency.kernelEfficiency = v
            s.multitenant?.config.efficiency.kernelEfficiency = v
        },
        "per_system_batch": Definition(help: "per-system batch of every scaling experiment (1-1e6)", range: 1...1_000_000, integer: true) { s, v throws(SweepError) in
            guard !s.scaling.isEmpty else { throw SweepError("per_system_batch: the scenario has no scaling experiments") }
            for k in s.scaling.indices { s.scaling[k].perSystemBatch = Int(v); s.scaling[k].globalBatch = nil }
        },
    ]

    /// Parses `name=v1,v2,...`.
    public init(parsing text: String) throws(SweepError) {
        guard let eq = text.firstIndex(of: "=") else { throw SweepError("--param \(text): expected name=value1,value2,...") }
        let name = String(text[..<eq])
        let values = text[text.index(after: eq)...].split(separator: ",", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        guard !values.isEmpty, values.allSatisfy({ !$0.isEmpty }) else { throw SweepError("--param \(name): empty value") }
        guard values.count <= 10_000 else { throw SweepError("--param \(name): at most 10,000 values") }
        switch name {
        case "policy":
            for v in values where !PolicyCatalog.names.contains(v) {
                throw SweepError("--param policy=\(v): allowed: \(PolicyCatalog.names.joined(separator: ", "))")
            }
        case "contention":
            for v in values where StepTimeOracle.ContentionMode(rawValue: v) == nil {
                throw SweepError("--param contention=\(v): allowed: mean-field, exact")
            }
        default:
            guard let d = Self.definitions[name] else {
                throw SweepError("--param \(name): unknown parameter; allowed: \((Self.definitions.keys.sorted() + ["contention", "policy"]).joined(separator: ", "))")
            }
            for v in values {
                guard let x = Double(v), x.isFinite, d.range.contains(x), !d.integer || x == x.rounded() else {
                    throw SweepError("--param \(name)=\(v): expected \(d.integer ? "an integer" : "a number") in \(d.range.lowerBound)...\(d.range.upperBound)")
                }
            }
        }
        self.name = name
        self.values = values
    }

    /// Applies `value` of this parameter to `scenario`.
    public func apply(_ value: String, to scenario: inout Scenario) throws(SweepError) {
        switch name {
        case "policy":
            guard scenario.multitenant != nil else { throw SweepError("policy: the scenario has no multitenant section") }
            scenario.multitenant?.policies = [value]
        case "contention":
            scenario.multitenant?.contention = StepTimeOracle.ContentionMode(rawValue: value) ?? .meanField
        default:
            guard let d = Self.definitions[name], let x = Double(value) else { throw SweepError("\(name): unknown") }
            try d.apply(&scenario, x)
        }
    }
}

/// A sweep that cannot run as asked.
public struct SweepError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What is wrong, for the user.
    public let message: String
    /// An error reporting `message`.
    public init(_ message: String) { self.message = message }
    /// The message.
    public var description: String { message }
}

import Foundation
