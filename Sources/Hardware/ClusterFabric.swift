import FlowNetwork
import SimEngine

/// The links of the cluster in a shared-bandwidth network model (any `NetworkModel`; the runs
/// use `FlowNetwork`, max-min fair sharing):
/// MemoryX's stream-out and gradient-in ports, each system's I/O in and out, each system's input
/// feed, and per job a SwarmX broadcast-reduce tree over the job's systems.
///
/// Every transfer of the training model is a flow over some of these links, so two transfers
/// that share a link share its bandwidth by the model's rule (max-min fairness in `FlowNetwork`).
public final class ClusterFabric {
    /// The cluster whose links these are.
    public let spec: ClusterSpec
    /// The network model that holds the links.
    public let network: any NetworkModel
    /// MemoryX weight stream out.
    public let memoryXOut: LinkID
    /// MemoryX gradient stream in.
    public let memoryXIn: LinkID
    /// Per system: I/O into the system (weights and input data share it).
    public let systemIn: [LinkID]
    /// Per system: I/O out of the system (gradients).
    public let systemOut: [LinkID]
    /// Per system: the input workers' feed.
    public let inputFeed: [LinkID]

    /// Builds the fabric's links in `network` (which must already be registered).
    public init(spec: ClusterSpec, network: any NetworkModel) throws(SimulationError) {
        self.spec = spec
        self.network = network
        let mx = spec.memoryX
        memoryXOut = try network.addLink(name: "memoryx-out", bytesPerSecond: mx.streamBytesPerSecond, latency: .zero)
        memoryXIn = try network.addLink(name: "memoryx-in", bytesPerSecond: mx.streamBytesPerSecond, latency: .zero)
        var sIn: [LinkID] = [], sOut: [LinkID] = [], feed: [LinkID] = []
        for s in 0..<spec.systems {
            sIn.append(try network.addLink(name: "cs2-\(s)-in", bytesPerSecond: spec.cs2.ioBytesPerSecond, latency: .zero))
            sOut.append(try network.addLink(name: "cs2-\(s)-out", bytesPerSecond: spec.cs2.ioBytesPerSecond, latency: .zero))
            // The input feed runs at the slower of the servers' network share and their CPU
            // preprocessing rate (docs/model.md, input workers).
            feed.append(try network.addLink(name: "input-\(s)", bytesPerSecond: spec.inputWorkers.effectiveBytesPerSecondPerSystem,
                                            latency: .microseconds(10)))
        }
        systemIn = sIn
        systemOut = sOut
        inputFeed = feed
    }

    /// Builds the SwarmX tree for a job on `systems` (indexes into the cluster) and returns the
    /// link sets of its broadcast (MemoryX -> systems) and reduction (systems -> MemoryX).
    public func dataPath(for systems: [Int], label: String) throws(SimulationError) -> DataPath {
        let sx = spec.swarmX
        let shape = sx.shape(for: systems.count)
        var down: [LinkID] = [memoryXOut], up: [LinkID] = [memoryXIn]
        // Edges: one per leaf and per node-to-parent, level by level from the leaves. A down edge
        // runs at the parent's fan-out rate, an up edge at the child's adder rate (the adder of a
        // node with k children is shared by its k inputs).
        var edgeIndex = 0
        for (level, nodes) in shape.enumerated() {
            let below = level == 0 ? nil : shape[level - 1]
            for (n, children) in nodes.enumerated() {
                for c in 0..<children {
                    let e = n * max(2, sx.fanout) + c
                    let upRate = below.map { sx.reduceBytesPerSecond(children: $0[e]) } ?? sx.edgeBytesPerSecond
                    down.append(try network.addLink(name: "swarmx-\(label)-L\(level)-\(e)-down",
                                                    bytesPerSecond: sx.broadcastBytesPerSecond, latency: sx.levelLatency))
                    up.append(try network.addLink(name: "swarmx-\(label)-L\(level)-\(e)-up",
                                                  bytesPerSecond: upRate, latency: sx.levelLatency))
                    edgeIndex += 1
                }
            }
        }
        // The root's own output towards MemoryX runs through its adder too.
        if let top = shape.last, let rootChildren = top.first {
            up.append(try network.addLink(name: "swarmx-\(label)-root-up",
                                          bytesPerSecond: sx.reduceBytesPerSecond(children: rootChildren), latency: .zero))
        }
        for s in systems {
            down.append(systemIn[s])
            up.append(systemOut[s])
        }
        let latency = try sx.pipelineLatency(for: systems.count, reduce: false)
        let reduceLatency = try sx.pipelineLatency(for: systems.count, reduce: true)
        return DataPath(broadcast: down, reduce: up, treeLatency: latency, levels: shape.count, treeEdges: edgeIndex,
                        reduceLatency: reduceLatency)
    }
}

/// The links a job's weight broadcasts and gradient reductions cross.
public struct DataPath: Sendable, Equatable {
    /// MemoryX out, every down edge of the tree, every system's input port.
    public let broadcast: [LinkID]
    /// Every system's output port, every up edge of the tree, MemoryX in.
    public let reduce: [LinkID]
    /// Latency of a broadcast from the root to a leaf: per level, the level latency plus one
    /// chunk of pipeline fill.
    public let treeLatency: SimDuration
    /// The same for a reduction from the leaves to MemoryX (the fill runs at the adders' rate).
    public let reduceLatency: SimDuration
    /// Levels of broadcast-reduce nodes.
    public let levels: Int
    /// Edges of the tree (each has a down and an up link).
    public let treeEdges: Int

    /// A data path from its parts.
    public init(broadcast: [LinkID], reduce: [LinkID], treeLatency: SimDuration, levels: Int, treeEdges: Int,
                reduceLatency: SimDuration? = nil) {
        self.broadcast = broadcast
        self.reduce = reduce
        self.treeLatency = treeLatency
        self.reduceLatency = reduceLatency ?? treeLatency
        self.levels = levels
        self.treeEdges = treeEdges
    }
}
