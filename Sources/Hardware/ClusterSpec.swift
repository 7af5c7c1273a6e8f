import SimEngine

/// A CS-2 system: one wafer and its I/O (12 x 100 GbE = 1.2 Tb/s = 150 GB/s each way: ALCF).
public struct CS2Spec: Sendable, Equatable {
    /// The system's wafer.
    public var wafer = WaferSpec()
    /// I/O bandwidth into (and, separately, out of) the system, bytes/s.
    public var ioBytesPerSecond: Double = 150e9
    /// Power drawn while training, watts (about 20-23 kW per system: uncertain).
    public var powerWatts: Double = 20_000
    /// Power drawn while idle, watts (assumed: the wafer alone draws about 15 kW when busy).
    public var idlePowerWatts: Double = 5_000
    /// A CS-2 with the default values (docs/model.md).
    public init() {}
}

/// MemoryX: holds weights and optimizer state, streams weights out, takes gradients in and runs
/// the optimizer (Cerebras MemoryX glossary).
public struct MemoryXSpec: Sendable, Equatable {
    /// Capacity for weights and optimizer state, bytes (4 TB to 2.4 PB configurations: 4 TB assumed).
    public var capacityBytes: Double = 4e12
    /// Bytes of state per parameter: fp32 master weight + Adam moments + fp16 copy (16: ZeRO paper).
    public var stateBytesPerParameter: Double = 16
    /// Streaming bandwidth out (weights) and, separately, in (gradients), bytes/s; "matches a
    /// CS-2's I/O bandwidth" (MemoryX glossary): 150 GB/s.
    public var streamBytesPerSecond: Double = 150e9
    /// Optimizer update rate, parameters/s. Derived: keeps up with gradients arriving at the
    /// stream bandwidth at 4 bytes per parameter (150e9 / 4).
    public var updateParametersPerSecond: Double = 37.5e9
    /// Bytes per parameter streamed each way per pass (32 bits: weight-streaming white paper).
    public var bytesPerParameterStreamed: Double = 4
    /// MemoryX with the default values (docs/model.md).
    public init() {}
}

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
    /// SwarmX with the default values (docs/model.md).
    public init() {}

    /// Bandwidth of one tree edge, bytes/s.
    public var edgeBytesPerSecond: Double { portBytesPerSecond * Double(portsPerEdge) }

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

/// The servers that feed training data to each system (Andromeda: 284 EPYC servers with
/// 2 x 100 GbE for 16 systems).
public struct InputWorkerSpec: Sendable, Equatable {
    /// Input bandwidth available to one system, bytes/s. Derived: 284 servers x 25 GB/s / 16
    /// systems, capped by nothing else here (the system's own I/O link is modelled separately).
    public var bytesPerSecondPerSystem: Double = 284.0 * 25e9 / 16.0
    /// Bytes per input token (int32 token ids: assumed).
    public var bytesPerToken: Double = 4
    /// Input workers with the default values (docs/model.md).
    public init() {}
}

/// The whole cluster: how many systems and the shared tiers.
public struct ClusterSpec: Sendable, Equatable {
    /// Systems in the cluster (Andromeda: 16).
    public var systems: Int = 16
    /// Every system's CS-2: wafer, I/O and power.
    public var cs2 = CS2Spec()
    /// The MemoryX tier.
    public var memoryX = MemoryXSpec()
    /// The SwarmX broadcast-reduce tree.
    public var swarmX = SwarmXSpec()
    /// The servers that feed input data.
    public var inputWorkers = InputWorkerSpec()
    /// The 16-system Andromeda cluster with the default values.
    public init() {}

    /// A cluster of CS-3 systems (docs/model.md, "CS-3 preset"): WSE-3 wafers, I/O 30 % above a
    /// CS-2's, MemoryX of 12 TB (the middle published option), the same SwarmX and input workers.
    public static var cs3: ClusterSpec {
        var c = ClusterSpec()
        c.cs2.wafer = .wse3
        c.cs2.ioBytesPerSecond = 150e9 * 1.3
        c.cs2.powerWatts = 23_000
        c.memoryX.capacityBytes = 12e12
        c.memoryX.streamBytesPerSecond = 150e9 * 1.3
        c.memoryX.updateParametersPerSecond = 150e9 * 1.3 / 4
        c.swarmX.portsPerEdge = 16
        return c
    }
}
