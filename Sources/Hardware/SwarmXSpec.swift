import SimEngine

/// SwarmX: a tree of broadcast-reduce nodes between MemoryX and the systems (SwarmX glossary).
public struct SwarmXSpec: Sendable, Equatable {
    /// Children per node (one 1:4 broadcast-reduce per node).
    public var fanout: Int = 4
    /// Bandwidth of one port, bytes/s (100 Gb/s).
    public var portBytesPerSecond: Double = 12.5e9
    /// Parallel ports per tree edge (12, to match a CS-2's 12 x 100 GbE: derived).
    public var portsPerEdge: Int = 12
    /// Latency added by each level of the tree (assumed: switch plus reduction pipeline).
    public var levelLatency = SimDuration.microseconds(2)
    /// Bytes per second one node can replicate to its children (broadcast fan-out), counted once
    /// per byte received. Default: the edge rate ("line rate", SwarmX glossary).
    public var nodeBroadcastBytesPerSecond: Double = 150e9
    /// Bytes per second of child input one node can add together (gradient reduction). A node with
    /// k children must add k input streams, so its output rate is this / k. Default: every port at
    /// line rate, 4 x 150e9 ("reduces at line rate", SwarmX glossary).
    public var nodeReduceBytesPerSecond: Double = 600e9
    /// Transfers are pipelined through the tree in chunks of this many bytes; each node forwards a
    /// chunk only once it holds all of it, so every level adds one chunk time of pipeline fill
    /// (assumed: 1 MiB).
    public var chunkBytes: Double = 1_048_576
    /// SwarmX with the default values (docs/model.md).
    public init() {}

    /// Bandwidth of one tree edge, bytes/s.
    public var edgeBytesPerSecond: Double { portBytesPerSecond * Double(portsPerEdge) }

    /// Rate of the down links leaving a node (the slower of the edge and the node's fan-out).
    public var broadcastBytesPerSecond: Double { min(edgeBytesPerSecond, nodeBroadcastBytesPerSecond) }

    /// Rate of the up link leaving a node with `children` children (edge, or the adder shared by
    /// its inputs).
    public func reduceBytesPerSecond(children: Int) -> Double {
        min(edgeBytesPerSecond, nodeReduceBytesPerSecond / Double(max(1, children)))
    }

    /// Children of each node, level by level from the leaves up, for `systems` leaves: level 0
    /// holds the nodes whose children are the systems. The last node of a level may have fewer.
    public func shape(for systems: Int) -> [[Int]] {
        var out: [[Int]] = []
        var width = max(1, systems)
        let f = max(2, fanout)
        for _ in 0..<levels(for: systems) {
            let nodes = (width + f - 1) / f
            out.append((0..<nodes).map { i in min(f, width - i * f) })
            width = nodes
        }
        return out
    }

    /// Pipeline fill and switching latency of one transfer through the tree for `systems`
    /// leaves: per level, `levelLatency` plus one chunk at the level's slowest rate.
    public func pipelineLatency(for systems: Int, reduce: Bool) throws(SimulationError) -> SimDuration {
        var ns: Int64 = 0
        for level in shape(for: systems) {
            let children = level.max() ?? 1
            let rate = reduce ? reduceBytesPerSecond(children: children) : broadcastBytesPerSecond
            let fill = chunkBytes / rate * 1e9
            guard fill.isFinite, fill < 1e15 else { throw .model("SwarmX: a chunk of \(chunkBytes) B takes too long") }
            let (a, o1) = ns.addingReportingOverflow(levelLatency.nanoseconds)
            let (b, o2) = a.addingReportingOverflow(Int64(fill.rounded(.up)))
            guard !o1, !o2 else { throw .model("SwarmX: tree latency overflows") }
            ns = b
        }
        return SimDuration(nanoseconds: ns)
    }

    /// Levels of broadcast-reduce nodes needed for `systems` leaves (at least one).
    public func levels(for systems: Int) -> Int {
        var levels = 1, reach = max(1, fanout)
        while reach < systems { reach *= max(2, fanout); levels += 1 }
        return levels
    }

    /// Broadcast-reduce nodes in the tree for `systems` leaves (grows linearly with N).
    public func nodeCount(for systems: Int) -> Int {
        var nodes = 0, width = max(1, systems)
        repeat {
            width = (width + max(2, fanout) - 1) / max(2, fanout)
            nodes += width
        } while width > 1
        return nodes
    }
}
