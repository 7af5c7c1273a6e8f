import SimEngine

/// The fixed costs of one Cerebras software release (compile, weight load, programming,
/// checkpoint), each with the era its number comes from. A scenario names a profile
/// (`fixed_costs.profile`); fields set next to it override the profile's values.
public struct SoftwareRelease: Sendable, Equatable {
    /// Where one figure comes from and when.
    public struct Provenance: Sendable, Equatable {
        /// The scenario field.
        public let field: String
        /// The year or release the figure was measured in.
        public let era: String
        /// Where it comes from.
        public let source: String
    }

    /// Profile name (what a scenario writes).
    public let name: String
    /// The runs it describes.
    public let summary: String
    /// The costs.
    public let fixedCosts: FixedCosts
    /// One entry per figure.
    public let provenance: [Provenance]

    /// The ALCF CS-2 cluster logs (software R2.1.1, 2023): the measured defaults.
    public static let r211 = SoftwareRelease(
        name: "r2.1.1", summary: "ALCF CS-2 cluster logs, software R2.1.1 (2023)", fixedCosts: FixedCosts(),
        provenance: [
            Provenance(field: "compile_s", era: "2023 (R2.1.1)", source: "ALCF CS-2 logs: compile about 34 min"),
            Provenance(field: "initial_weight_load_s", era: "2023 (R2.1.1)", source: "ALCF CS-2 logs: initial weight send 1.5-2.2 min (midpoint)"),
            Provenance(field: "programming_s", era: "2023 (R2.1.1)", source: "ALCF CS-2 logs: device programming about 1.4 min"),
            Provenance(field: "checkpoint_base_s", era: "2023 (R2.1.1)", source: "ALCF CS-2 logs: each checkpoint 4-11 min (lower end)"),
            Provenance(field: "checkpoint_bytes_per_s", era: "none", source: "assumed"),
            Provenance(field: "queue_wait_s", era: "none", source: "assumed: an idle cluster"),
        ])

    /// The GenSLM runs on Andromeda (SC22, 2022). No start-up figure of a 2022 release was
    /// published, so every value is the 2023 (R2.1.1) measurement carried back, and says so.
    public static let sc22 = SoftwareRelease(
        name: "sc22", summary: "GenSLM on Andromeda (SC22, 2022): no 2022 start-up figures were published; the 2023 R2.1.1 values are used",
        fixedCosts: FixedCosts(),
        provenance: [
            Provenance(field: "compile_s", era: "2023 value used for a 2022 run", source: "ALCF CS-2 logs R2.1.1 (no 2022 figure)"),
            Provenance(field: "initial_weight_load_s", era: "2023 value used for a 2022 run", source: "ALCF CS-2 logs R2.1.1 (no 2022 figure)"),
            Provenance(field: "programming_s", era: "2023 value used for a 2022 run", source: "ALCF CS-2 logs R2.1.1 (no 2022 figure)"),
            Provenance(field: "checkpoint_base_s", era: "2023 value used for a 2022 run", source: "ALCF CS-2 logs R2.1.1 (no 2022 figure)"),
            Provenance(field: "checkpoint_bytes_per_s", era: "none", source: "assumed"),
            Provenance(field: "queue_wait_s", era: "none", source: "assumed: an idle cluster"),
        ])

    /// Profiles a scenario can name, by name.
    public static let catalog: [String: SoftwareRelease] = [r211.name: r211, sc22.name: sc22]
    /// The profile used when a scenario names none.
    public static let defaultName = r211.name
}
