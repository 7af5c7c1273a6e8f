import AndromedaSim
import ArgumentParser
import Benchmarks
import Foundation

/// Every benchmark in one table, each beside its reference and the ratio, measured in this run
/// (`BenchmarkTable`).
struct BenchAllCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "all",
        abstract: "Every benchmark beside its reference and its ratio, in one table.",
        discussion: """
            PHOLD at 1,024, 16,384 and 262,144 pending events alternates the engine with the C++ binary heap \
            (heap2) of ../shared/bench/phold.cpp, built here with g++ (or c++, clang++) when one is present, \
            and takes medians; checksums must agree. Full-detail training, the shared-cluster and the sweep \
            benchmarks are compared with their goals (docs/performance.md). Ratios above 1 are better.
            """
    )

    @Option(help: "Alternating runs per PHOLD size (1 to 25); medians are reported.") var runs: Int = 3
    @Option(help: "Events per PHOLD run.") var events: Int = 5_000_000
    @Option(help: "phold.cpp of the C++ reference (default: ../shared/bench/phold.cpp from here or from the repository).")
    var reference: String?
    @Flag(help: "Skip the slow rows (full-detail GenSLM, 100,000 and 3,000,000 cluster jobs, exact contention).") var quick = false

    func validate() throws {
        guard (1...25).contains(runs) else { throw ValidationError("--runs must be 1 to 25") }
        guard (1000...1_000_000_000).contains(events) else { throw ValidationError("--events must be 1000 to 1e9") }
    }

    func run() throws {
        var table = BenchmarkTable(executable: OwnExecutable.path)
        table.runs = runs
        table.events = events
        table.reference = reference
        table.quick = quick
        print(BenchmarkTable.table(try table.rows()), terminator: "")
    }
}
