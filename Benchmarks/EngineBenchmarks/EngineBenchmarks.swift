// The engine's benchmarks under ordo-one/benchmark: `swift package --disable-sandbox benchmark`
// (docs/performance.md). Wall clock, throughput, peak memory and the number of mallocs per run:
// PHOLD at 1,000,000 and 2,000,000 events makes the same number of mallocs when the engine
// allocates nothing per event. The side-by-side comparison with the C++ and SimPy references of
// ../shared/bench stays with `andromeda-sim bench phold` and `bench all`.
import Benchmark
import Benchmarks
import FlowNetwork
import SimEngine

/// Streams that each restart a transfer over their own path whenever one completes, until
/// `remaining` transfers have completed: flows starting and ending, rates recomputed each time.
final class Streams: Component {
    let network: FlowNetwork
    let paths: [PathID]
    var remaining: Int
    let id: UInt32

    init(network: FlowNetwork, paths: [PathID], transfers: Int, id: UInt32) {
        self.network = network
        self.paths = paths
        remaining = transfers
        self.id = id
    }

    func start(_ k: Int, _ sim: Simulation) throws(SimulationError) {
        try network.startFlow(bytes: 1e6 * Double(k + 1), path: paths[k], notify: id, arg: UInt32(k), latency: nil, in: sim)
    }

    func handle(_ event: Event, in sim: Simulation) throws(SimulationError) {
        remaining -= 1
        if remaining >= paths.count { try start(Int(event.arg), sim) }
    }

    /// Four streams over two shared links and a link of their own each, `transfers` in all.
    static func run(transfers: Int) throws(SimulationError) -> UInt64 {
        let sim = Simulation()
        var components = ComponentSet()
        let net = FlowNetwork()
        net.register(in: &components)
        let shared = [try net.addLink(name: "a", bytesPerSecond: 1e9, latency: .zero),
                      try net.addLink(name: "b", bytesPerSecond: 2e9, latency: .zero)]
        var paths: [PathID] = []
        for k in 0..<4 {
            let own = try net.addLink(name: "own\(k)", bytesPerSecond: 0.6e9, latency: .zero)
            paths.append(try net.preparePath([shared[k % 2], own] + (k == 3 ? [shared[0]] : [])))
        }
        let streams = Streams(network: net, paths: paths, transfers: transfers, id: UInt32(components.count))
        components.register(streams)
        for k in 0..<paths.count { try streams.start(k, sim) }
        _ = try sim.run(&components)
        return sim.eventsHandled
    }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .throughput, .peakMemoryResident, .mallocCountTotal],
                                           maxDuration: .seconds(5), maxIterations: 10)
    for (lps, events) in [(64, 1_000_000), (1024, 1_000_000), (1024, 2_000_000), (16384, 1_000_000)] as [(UInt32, UInt64)] {
        Benchmark("PHOLD \(lps) x 16, \(events) events") { benchmark in
            var p = PHOLD.Parameters()
            p.lps = lps
            p.events = events
            for _ in benchmark.scaledIterations { blackHole(try PHOLD.run(p)) }
        }
    }
    Benchmark("FlowNetwork, 4 streams on shared links, 100000 transfers") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try Streams.run(transfers: 100_000)) }
    }
}
