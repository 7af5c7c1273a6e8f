/// The system presets by name: the one lookup the scenario format (`cluster.system`), the
/// command line (`train --system`), the C ABI and the validation rows use.
extension ClusterSpec {
    /// The preset names, in the order messages list them.
    public static let presetNames = ["cs-2", "cs-3"]

    /// The cluster of preset `name` ("cs-2": the defaults; "cs-3": ``cs3``), or nil for another name.
    public static func preset(named name: String) -> ClusterSpec? {
        switch name {
        case "cs-2": return ClusterSpec()
        case "cs-3": return .cs3
        default: return nil
        }
    }
}
