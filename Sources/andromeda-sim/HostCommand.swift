import AndromedaSim
import ArgumentParser
import SimHost

struct HostCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "host",
        abstract: "Print the host topology (hwloc) and the allocator with its statistics (jemalloc)."
    )

    func run() throws {
        print(hostReport(topology: HostTopology.detect(), stats: Allocator.stats()), terminator: "")
    }
}
