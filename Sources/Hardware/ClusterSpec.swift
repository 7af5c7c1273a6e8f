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
    /// Run-time jitter of one pass on one system: the coefficient of variation of a lognormal
    /// multiplier (mean 1) drawn per pass per system from the scenario seed (assumed: 0.01; no
    /// published figure). The slowest system paces each synchronised pass, so the expected cost
    /// grows with the number of systems (about sigma x sqrt(2 ln N)).
    public var computeJitter: Double = 0.01
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

/// The servers that feed training data to each system (Andromeda: 284 EPYC servers with
/// 2 x 100 GbE for 16 systems).
public struct InputWorkerSpec: Sendable, Equatable {
    /// Input bandwidth available to one system, bytes/s. Derived: 284 servers x 25 GB/s / 16
    /// systems, capped by nothing else here (the system's own I/O link is modelled separately).
    public var bytesPerSecondPerSystem: Double = 284.0 * 25e9 / 16.0
    /// Bytes per input token (int32 token ids: assumed).
    public var bytesPerToken: Double = 4
    /// Input servers per system (Andromeda: 284 EPYC 7713 servers for 16 systems).
    public var serversPerSystem: Double = 284.0 / 16.0
    /// CPU cores per input server (AMD EPYC 7713: 64 cores).
    public var coresPerServer: Double = 64
    /// Input worker processes per system (Model Zoo `num_workers_per_csx` 1, each a data loader
    /// with `num_workers` 8 processes: 8 cores busy per system). Capped by the cores available.
    public var processesPerSystem: Double = 8
    /// CPU time to prepare one token on one core (read pre-tokenised HDF5, shuffle, pack; assumed:
    /// 50 ns per token).
    public var cpuSecondsPerToken: Double = 50e-9
    /// Input workers with the default values (docs/model.md).
    public init() {}

    /// Cores preparing input for one system.
    public var coresPerSystem: Double { min(processesPerSystem, serversPerSystem * coresPerServer) }

    /// Bytes per second the CPU pipeline of one system produces (infinite when preprocessing is free).
    public var preprocessedBytesPerSecond: Double {
        cpuSecondsPerToken > 0 ? coresPerSystem / cpuSecondsPerToken * bytesPerToken : .infinity
    }

    /// The rate of one system's input feed: the slower of its network share and its CPU pipeline.
    public var effectiveBytesPerSecondPerSystem: Double { min(bytesPerSecondPerSystem, preprocessedBytesPerSecond) }
}

/// The host-side runtime that coordinates a job's systems each step (no published figure: the
/// values are assumed; docs/model.md).
public struct RuntimeSpec: Sendable, Equatable {
    /// Fixed time per step spent by the coordinator between the last optimizer update and the
    /// next step's first broadcast (assumed: 1 ms).
    public var stepOverhead = SimDuration.microseconds(1000)
    /// Added per doubling of the systems (a barrier across the job's hosts: ceil(log2 N) rounds;
    /// assumed: 0.25 ms per round).
    public var stepOverheadPerDoubling = SimDuration.microseconds(250)
    /// The assumed defaults.
    public init() {}

    /// The coordinator's time per step for a job on `systems` systems.
    public func overhead(systems: Int) throws(SimulationError) -> SimDuration {
        var rounds: Int64 = 0
        while (1 << rounds) < systems { rounds += 1 }
        return try stepOverhead.adding(try stepOverheadPerDoubling.multiplied(by: rounds, "coordinator overhead"))
    }
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
    /// The host runtime that coordinates each step.
    public var runtime = RuntimeSpec()
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
