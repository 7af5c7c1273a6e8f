import SimEngine
import Wafer

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
