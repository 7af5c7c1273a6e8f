import AndromedaSim
import ArgumentParser
import Scenarios

/// Prints docs/scenario.schema.json as the field declarations generate it (hidden: the file is
/// written and checked by scripts/scenario-schema, which `scripts/test` runs with `--check`).
struct ScenarioSchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scenario-schema",
        abstract: "Print the JSON Schema of the scenario format, generated from the field declarations.",
        shouldDisplay: false
    )

    func run() throws {
        print(ScenarioSchema.text, terminator: "")
    }
}
