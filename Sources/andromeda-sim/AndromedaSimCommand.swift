import AndromedaSim
import ArgumentParser

@main
struct AndromedaSimCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "andromeda-sim",
        abstract: "Discrete-event simulator of a wafer-scale AI cluster shaped like Cerebras Andromeda.",
        discussion: """
            Examples:
              andromeda-sim bench phold --lps 1024 --pop 16 --events 5000000
              andromeda-sim host
            """,
        version: AndromedaVersion.string,
        subcommands: [RunCommand.self, SweepCommand.self, MergeCommand.self, PlanCommand.self, ConvertPhillyCommand.self, TrainCommand.self, CalibrateCommand.self, BenchCommand.self, HostCommand.self]
    )
}
