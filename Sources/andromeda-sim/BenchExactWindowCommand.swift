import AndromedaSim
import ArgumentParser
import Cluster
import Foundation

struct BenchExactWindowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exact-window",
        abstract: "Exact contention's window against the full co-simulation, over every mix of the week scenario under one policy.",
        discussion: """
            Runs andromeda-multitenant with exact contention under one policy; every new mix of running jobs is measured \
            by the window (the method exact contention uses) and by the full co-simulation it replaced, as placed and with \
            the mix placed in reverse order. Prints the window's differences from the full co-simulation beside the full \
            co-simulation's own differences under the reversed placement (docs/cluster.md). Slow: about a minute.
            Example: andromeda-sim bench exact-window --policy fifo
            """
    )

    @Option(help: "Policy: \(PolicyName.names.joined(separator: ", ")).") var policy: String = "fifo"
    @Option(parsing: .unconditional, help: "Window length, ms of simulated time (1 to 60000).") var windowMs: Double?
    @Option(parsing: .unconditional, help: "Steps' worth of passes every job finishes in the window (0 to 8).") var minSteps: Int?
    @Option(parsing: .unconditional, help: "Weight broadcasts every job finishes before the window opens (1 to 1000).") var warmPasses: Int?
    @Option(parsing: .unconditional, help: "Weight broadcasts every job finishes in the window (1 to 100000).") var minPasses: Int?

    func validate() throws {
        guard PolicyName(rawValue: policy) != nil else {
            throw ValidationError("--policy must be one of \(PolicyName.names.joined(separator: ", "))")
        }
        if let w = windowMs, !(w.isFinite && w >= 1 && w <= 60_000) { throw ValidationError("--window-ms must be 1 to 60000") }
        if let s = minSteps, !(0...8).contains(s) { throw ValidationError("--min-steps must be 0 to 8") }
        if let p = warmPasses, !(1...1000).contains(p) { throw ValidationError("--warm-passes must be 1 to 1000") }
        if let p = minPasses, !(1...100_000).contains(p) { throw ValidationError("--min-passes must be 1 to 100000") }
    }

    func run() throws {
        var window = ProbeWindow()
        if let w = windowMs { window.length = SimDuration(nanoseconds: Int64((w * 1e6).rounded())) }
        if let s = minSteps { window.minSteps = s }
        if let p = warmPasses { window.warmPasses = p }
        if let p = minPasses { window.minPasses = p }
        var scenario = try Andromeda.load("andromeda-multitenant")
        scenario.multitenant?.contention = .exact
        let study = try ExactWindowStudy.run(scenario, policy: PolicyName(rawValue: policy)!, window: window)
        print(String(format: "window: %.0f ms, at least %d step(s) and %d passes per job, opened after %d passes",
                     Double(window.length.nanoseconds) / 1e6, window.minSteps, window.minPasses, window.warmPasses))
        print(study.table, terminator: "")
    }
}
