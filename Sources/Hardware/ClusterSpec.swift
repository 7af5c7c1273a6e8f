import SimEngine

/// The whole cluster: how many systems and the shared tiers.
public struct ClusterSpec: Sendable, Equatable {
    /// The most systems a cluster, a scaling point, a job's gang or a trace row may have: 192,
    /// twelve Andromedas (the Helios-scale runs of docs/performance.md). Stated once, here: every
    /// range of systems above the training what-if's is ``systemsRange``.
    public static let maxSystems = 192
    /// The systems any cluster may have: 1...``maxSystems``.
    public static let systemsRange = 1...maxSystems

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
    /// What a system is called in reports and trace tracks ("CS-2"; the CS-3 preset: "CS-3").
    public var systemName = "CS-2"
    /// The 16-system Andromeda cluster with the default values.
    public init() {}

    /// A cluster of CS-3 systems (docs/model.md, "CS-3 preset"): WSE-3 wafers, I/O 30 % above a
    /// CS-2's, MemoryX of 12 TB (the middle published option), the same SwarmX and input workers.
    public static var cs3: ClusterSpec {
        var c = ClusterSpec()
        c.systemName = "CS-3"
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
