import AndromedaSim
import ArgumentParser
import Foundation

struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Answer capacity-planning questions by simulation.",
        subcommands: [PlanMinSystemsCommand.self, PlanMaxRateCommand.self, PlanMemoryXCommand.self, PlanCompareCommand.self]
    )
}
