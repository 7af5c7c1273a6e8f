import AndromedaSim
import ArgumentParser
import Foundation

struct PlanMemoryXCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "memoryx",
        abstract: "The MemoryX capacity a multitenant workload needs.",
        discussion: "Example: andromeda-sim plan memoryx andromeda-multitenant --policy fifo"
    )
    @Argument(help: "Scenario with a multitenant section.") var scenario: String
    @Option(help: "Policy.") var policy: String = "easy-backfill"

    /// The check of the flags alone (ArgumentParser runs it before `run`; exit status 2).
    func validate() throws {
        guard PolicyName(rawValue: policy) != nil else { throw ValidationError("--policy must be one of \(PolicyName.names.joined(separator: ", "))") }
    }

    func run() throws {
        let s: Scenario
        do { s = try Andromeda.load(scenario) } catch { fail(describe(error)) }
        guard s.multitenant != nil else { fail("\(scenario): no multitenant section") }
        let p = PolicyName(rawValue: policy)!   // validate() checked it
        let a: Planning.MemoryXAnswer
        do {
            a = try ProgressBar.around("plan memoryx") { try Planning.memoryXNeeded(s, policy: p) }
        } catch { fail("\(scenario): \(error)") }
        print(String(format: "largest job: %.1f GB (below this it is rejected)", a.largestJobBytes / 1e9))
        print(String(format: "peak held at once under %@: %.1f GB (at or above this MemoryX never delays a job)",
                     policy as NSString, a.peakConcurrentBytes / 1e9))
    }
}
