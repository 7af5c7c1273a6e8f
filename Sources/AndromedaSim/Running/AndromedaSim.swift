// The library product users import. It re-exports no module: its façade (Facade.swift) names the
// types a capacity-planning program needs, so `import AndromedaSim` is all such a program writes;
// a program that reaches below the façade imports (and declares) that module itself.
import Cluster
import Hardware
import Reports
import ScenarioFormat
import Scenarios
import SimEngine
import SimHost
import Training
import Wafer
import Workloads

/// The version of andromeda-sim, written into every summary.
public enum AndromedaVersion {
    /// Semantic version string.
    public static let string = "0.2.0"
}
