/// The scenarios shipped in `Scenarios/` at the repository root, compiled in so that a bare name
/// (`andromeda-sim run genslm`) works from any directory.
///
/// The files are the only copy: `Sources/Scenarios/Builtin` is a symbolic link to `Scenarios/`,
/// declared as a SwiftPM resource embedded in code (`.embedInCode`), so SwiftPM compiles each
/// file's bytes into the generated `PackageResources.<file_name>`. A new scenario file needs one
/// line in ``files`` (a test fails, naming the file, when one is missing).
public enum BuiltinScenarios {
    /// Scenario name (file name without .json) -> JSON text.
    public static let all: [String: String] = Dictionary(
        uniqueKeysWithValues: files.map { ($0.name, String(decoding: $0.bytes, as: UTF8.self)) })

    /// Every file of `Scenarios/`: its name without `.json` and its bytes.
    static let files: [(name: String, bytes: [UInt8])] = [
        ("andromeda-multitenant", PackageResources.andromeda_multitenant_json),
        ("cerebras-gpt", PackageResources.cerebras_gpt_json),
        ("genslm", PackageResources.genslm_json),
        ("genslm-2to4", PackageResources.genslm_2to4_json),
        ("genslm-scaling", PackageResources.genslm_scaling_json),
    ]
}
