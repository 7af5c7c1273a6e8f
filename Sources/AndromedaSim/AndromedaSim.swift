// The library product users import: it re-exports every layer below it.
@_exported import Hardware
@_exported import SimEngine
@_exported import SimHost
@_exported import Training

/// The version of andromeda-sim, written into every summary.
public enum AndromedaVersion {
    /// Semantic version string.
    public static let string = "0.1.0"
}
