import AndromedaSim
import ArgumentParser
import Foundation

struct PlanCompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Two clusters (scenarios) side by side.",
        discussion: "Example: andromeda-sim plan compare Scenarios/genslm.json my-cluster.json"
    )
    @Argument(help: "Scenario A.") var a: String
    @Argument(help: "Scenario B.") var b: String

    func run() throws {
        let sa: Scenario, sb: Scenario
        do { sa = try Andromeda.load(a); sb = try Andromeda.load(b) } catch { fail(describe(error)) }
        print("figure".padding(toLength: 56, withPad: " ", startingAt: 0) + String(format: "%14@ %14@ %9@", sa.name as NSString, sb.name as NSString, "B/A" as NSString))
        let rows: [(figure: String, a: Double, b: Double)]
        do { rows = try ProgressBar.around("plan compare", { try Planning.compare(sa, sb) }) } catch { fail(describe(error)) }
        for row in rows {
            print(row.figure.padding(toLength: 56, withPad: " ", startingAt: 0)
                  + String(format: "%14.3f %14.3f %9.3f", row.a, row.b, row.a == 0 ? 0 : row.b / row.a))
        }
    }
}
