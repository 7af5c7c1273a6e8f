import AndromedaSim
import ArgumentParser
import Benchmarks
import Foundation
import ScenarioFormat

struct PholdCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "phold",
        abstract: "PHOLD on the engine's real scheduling path; same model and last line as ../shared/bench.",
        discussion: "Example: andromeda-sim bench phold --lps 1024 --pop 16 --events 5000000 --seed 42"
    )

    @Option(parsing: .unconditional, help: "Logical processes (1 to 16,777,216).") var lps: UInt32 = 1024
    @Option(parsing: .unconditional, help: "Initial events per logical process (1 to 4096; lps x pop at most 16,777,216).") var pop: UInt32 = 16
    @Option(parsing: .unconditional, help: "Events to handle (1 to 10^12; a float such as 2e7 is accepted).") var events: String = "2000000"
    @Option(parsing: .unconditional, help: "Random seed.") var seed: UInt64 = 42
    @Option(parsing: .unconditional, help: "Lookahead in seconds (at least 0, below 1e6).") var lookahead: Double = 0.1
    @Option(parsing: .unconditional, help: "Repeat the run R times and print each (1 to 100).") var runs: Int = 1

    func validate() throws {
        guard (1...16_777_216).contains(lps) else { throw ValidationError("--lps must be 1 to 16777216") }
        guard (1...4096).contains(pop) else { throw ValidationError("--pop must be 1 to 4096") }
        guard Int(lps) * Int(pop) <= PHOLD.maxInitialEvents else {
            throw ValidationError("--lps x --pop is \(Int(lps) * Int(pop)); allowed: at most \(PHOLD.maxInitialEvents) initial events")
        }
        guard parsedEvents != nil else { throw ValidationError("--events must be a whole number from 1 to 1e12 (plain decimal; 2e7 works)") }
        guard lookahead.isFinite, lookahead >= 0, lookahead < 1e6 else {
            throw ValidationError("--lookahead must be at least 0 and below 1e6 seconds")
        }
        guard (1...100).contains(runs) else { throw ValidationError("--runs must be 1 to 100") }
    }

    var parsedEvents: UInt64? {
        // The written value, exactly: 2.5 and 0x10 are refused, 2e7 is 20,000,000.
        guard case .integer(let n) = DecimalLiteral(events), (1...1_000_000_000_000).contains(n) else { return nil }
        return UInt64(n)
    }

    func run() throws {
        var p = PHOLD.Parameters()
        p.lps = lps
        p.population = pop
        p.events = parsedEvents ?? 1
        p.seed = seed
        p.lookaheadSeconds = lookahead
        for _ in 0..<runs {
            let (r, secs) = try PHOLD.timed(p)
            print(PHOLD.report(r, seconds: secs))
        }
    }
}
