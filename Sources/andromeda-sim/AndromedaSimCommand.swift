import AndromedaSim
import ArgumentParser
import Foundation
import Reports

@main
struct AndromedaSimCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "andromeda-sim",
        abstract: "Discrete-event simulator of a wafer-scale AI cluster shaped like Cerebras Andromeda.",
        discussion: """
            Examples:
              andromeda-sim run scenarios/genslm.json        (or: andromeda-sim run genslm, from anywhere)
              andromeda-sim run andromeda-multitenant --trace out/mt.json
              andromeda-sim sweep genslm --param systems=1,2,4,8,16 --workers 2
              andromeda-sim plan min-systems --model genslm-1.3b --batch 16 --samples 700000 --deadline-h 12
              andromeda-sim wafer --model genslm-1.3b --layer 1 --op ffn-up --micro-batch 16 --heatmap out/wafer.svg
              andromeda-sim bench phold --lps 1024 --pop 16 --events 5000000
              andromeda-sim host
            Exit status: 0 on success, 2 on bad input (scenario, trace or flags), 1 when an output cannot be written.
            """,
        version: AndromedaVersion.string,
        subcommands: [RunCommand.self, SweepCommand.self, MergeCommand.self, PlanCommand.self, ConvertPhillyCommand.self, ConvertSWFCommand.self,
                      ValidateCommand.self, TrainCommand.self, WaferCommand.self, CalibrateCommand.self, BenchCommand.self, HostCommand.self,
                      ScenarioSchemaCommand.self]
    )

    /// Like ArgumentParser's own entry point, but a bad flag exits with status 2 like any other
    /// bad input (ArgumentParser would use 64).
    static func main() {
        // An interrupted run removes its temporary files and staging folder before it ends.
        TemporaryFiles.installSignalCleanup()
        JemallocLink.check()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            TemporaryFiles.removeAll()
            let code = exitCode(for: error)
            if code == .validationFailure {
                writeStandardError(fullMessage(for: error) + "\n")
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
