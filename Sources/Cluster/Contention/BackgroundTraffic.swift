import FlowNetwork
import SimEngine

/// Synthetic MemoryX traffic standing for "the other tenants" in a mean-field contention probe:
/// `streams` periodic transfers of `bytes` over `links`, each started every `period`, staggered
/// evenly, so that alone they would keep the links busy a given fraction of the time. They share
/// bandwidth with the probed job's flows by the network model's rule (max-min in ``FlowNetwork``),
/// as real tenants do; any ``NetworkModel`` carries them.
final class BackgroundTraffic: Component {
    let network: any NetworkModel
    let links: [LinkID]
    let bytes: Double
    let period: SimDuration
    let streams: Int
    var id: UInt32 = 0

    /// Traffic over `links` (bandwidth `bytesPerSecond`) whose duty cycle alone is `duty`
    /// (may exceed 1: then `ceil(duty)` concurrent streams), in transfers of `bytes`.
    init(network: any NetworkModel, links: [LinkID], bytesPerSecond: Double, duty: Double, bytes: Double) throws(SimulationError) {
        self.network = network
        self.links = links
        self.bytes = bytes
        // The duty is derived from user values: bounded before it becomes a count of streams.
        guard duty.isFinite, duty >= 0, duty <= 1e6 else { throw .model("background traffic: duty \(duty) outside 0...1e6") }
        streams = max(1, Int(duty.rounded(.up)))
        let perStream = duty / Double(streams)
        period = try SimDuration(seconds: bytes / bytesPerSecond / max(perStream, 1e-6), "background period")
    }

    var busy: [Bool] = []
    var due: [Bool] = []
    /// Event kinds: a stream's period tick, and the end of its transfer (payload: the stream).
    enum Kind: UInt32 { case tick = 0, done }

    func start(_ sim: Simulation) throws(SimulationError) {
        busy = Array(repeating: false, count: streams)
        due = busy
        for k in 0..<streams {
            let offset = SimDuration(nanoseconds: period.nanoseconds / Int64(streams) * Int64(k))
            try sim.schedule(after: offset, target: id, arg: EventArgument(Kind.tick, k).raw)
        }
    }

    /// A tick starts a transfer every period (deferred while the previous one is still going);
    /// a completion frees the stream.
    func handle(_ event: Event, in sim: Simulation) throws(SimulationError) {
        let a = EventArgument<Kind>(raw: event.arg)
        let k = a.payload
        guard k < streams, let kind = a.kind else { throw .model("background traffic: unknown event \(event.arg)") }
        if kind == .tick {
            try sim.schedule(after: period, target: id, arg: a.raw)
            if busy[k] { due[k] = true } else { try transfer(k, sim) }
        } else {
            busy[k] = false
            if due[k] {
                due[k] = false
                try transfer(k, sim)
            }
        }
    }

    func transfer(_ k: Int, _ sim: Simulation) throws(SimulationError) {
        busy[k] = true
        try network.startFlow(bytes: bytes, links: links, notify: id, arg: EventArgument(Kind.done, k).raw, latency: nil, in: sim)
    }
}
