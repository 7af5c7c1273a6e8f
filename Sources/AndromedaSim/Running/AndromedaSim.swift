// The library product users import: it re-exports every layer below it, so `import AndromedaSim`
// is all a capacity-planning program needs.
@_exported import Cluster
@_exported import Hardware
@_exported import Reports
@_exported import ScenarioFormat
@_exported import Scenarios
@_exported import SimEngine
@_exported import SimHost
@_exported import Training
@_exported import Wafer
@_exported import Workloads

/// The version of andromeda-sim, written into every summary.
public enum AndromedaVersion {
    /// Semantic version string.
    public static let string = "0.2.0"
}
