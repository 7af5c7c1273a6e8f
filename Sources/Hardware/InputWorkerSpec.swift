import SimEngine

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
