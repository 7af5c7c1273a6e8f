import AndromedaSim
import ArgumentParser
import Foundation

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks that print figures (engine speed, memory).",
        subcommands: [BenchAllCommand.self, PholdCommand.self, BenchClusterCommand.self, BenchBurstCommand.self, BenchSweepCommand.self, BenchMergeCommand.self, BenchWaferCommand.self,
                      BenchExactWindowCommand.self, BenchTrainCommand.self]
    )
}
