import CHwloc
import Foundation

/// Hardware layout of the machine running the simulator, as seen by this process.
///
/// Counts come from hwloc; when hwloc fails or reports an empty level (common in
/// containers that hide `/sys`), the missing figures fall back to the PU count
/// and finally to 1, and `source` says so. Every count is at least 1.
public struct HostTopology: Sendable, Codable, Equatable {
    /// Number of processor packages (sockets).
    public var packages: Int
    /// Number of NUMA nodes.
    public var numaNodes: Int
    /// Number of physical cores.
    public var cores: Int
    /// Number of processing units (hardware threads).
    public var processingUnits: Int
    /// OS indexes of the CPUs this process may run on (cgroup cpuset narrowed by
    /// the process affinity mask), ascending and never empty.
    public var allowedCPUs: [Int]
    /// Where the figures come from: "hwloc 2.9.0", possibly followed by
    /// "; fallback: ..." notes and a "not this system" warning, or "fallback: <reason>" when hwloc was unusable.
    public var source: String

    /// Creates a topology from explicit figures (for tests and reports).
    public init(
        packages: Int, numaNodes: Int, cores: Int, processingUnits: Int,
        allowedCPUs: [Int], source: String
    ) {
        self.packages = packages
        self.numaNodes = numaNodes
        self.cores = cores
        self.processingUnits = processingUnits
        self.allowedCPUs = allowedCPUs
        self.source = source
    }

    /// Detects the host topology with hwloc. Never crashes and never prints to
    /// stdout (hwloc itself may warn on stderr when `/sys` is hidden).
    public static func detect() -> HostTopology {
        guard let topology = HwlocTopology() else {
            return fallback(reason: "hwloc could not load the topology")
        }
        return from(topology)
    }

    /// Builds the value from an already loaded hwloc topology.
    static func from(_ topology: HwlocTopology) -> HostTopology {
        var notes: [String] = []
        var pus = topology.count(HWLOC_OBJ_PU)
        if pus == 0 {
            pus = max(1, ProcessInfo.processInfo.activeProcessorCount)
            notes.append("no PU objects, PUs = active processor count")
        }
        var cores = topology.count(HWLOC_OBJ_CORE)
        if cores == 0 {
            cores = pus
            notes.append("no core objects, cores = PUs")
        }
        var packages = topology.count(HWLOC_OBJ_PACKAGE)
        if packages == 0 {
            packages = 1
            notes.append("no package objects, assumed 1")
        }
        var numa = topology.count(HWLOC_OBJ_NUMANODE)
        if numa == 0 {
            numa = 1
            notes.append("no NUMA nodes, assumed 1")
        }
        var allowed = topology.allowedCPUs()
        if allowed.isEmpty {
            allowed = Array(0..<pus)
            notes.append("empty allowed cpuset, assumed 0-\(pus - 1)")
        }
        var source = "hwloc \(topology.libraryVersion)"
        if !notes.isEmpty {
            source += "; fallback: " + notes.joined(separator: "; ")
        }
        if !topology.isThisSystem {
            source += "; not this system (synthetic, XML or HWLOC_FSROOT): binding disabled"
        }
        return HostTopology(
            packages: packages, numaNodes: numa, cores: cores, processingUnits: pus,
            allowedCPUs: allowed, source: source)
    }

    /// A topology built without hwloc: one package, one NUMA node and one core
    /// per active processor, all of them allowed.
    static func fallback(reason: String) -> HostTopology {
        let count = max(1, ProcessInfo.processInfo.activeProcessorCount)
        return HostTopology(
            packages: 1, numaNodes: 1, cores: count, processingUnits: count,
            allowedCPUs: Array(0..<count), source: "fallback: \(reason)")
    }
}
