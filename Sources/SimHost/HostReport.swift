/// Human-readable description of the host for the `andromeda-sim host` command:
/// packages, NUMA nodes, cores, PUs, the allowed CPU list in compact ranges,
/// and the allocator with its statistics in MiB.
///
/// - Parameters:
///   - topology: usually `HostTopology.detect()`.
///   - stats: usually `Allocator.stats()`; nil prints the allocator name only.
///   - peakResidentBytes: optional peak RSS (e.g. `Allocator.peakResidentBytes()`).
/// - Returns: several lines, each ending in a newline.
public func hostReport(
    topology: HostTopology, stats: AllocatorStats?, peakResidentBytes: UInt64? = nil
) -> String {
    var lines: [String] = []
    lines.append("Host topology")
    lines.append("  source:       \(topology.source)")
    lines.append("  packages:     \(topology.packages)")
    lines.append("  NUMA nodes:   \(topology.numaNodes)")
    lines.append("  cores:        \(topology.cores)")
    lines.append("  PUs:          \(topology.processingUnits)")
    lines.append(
        "  allowed CPUs: \(formatCPUList(topology.allowedCPUs)) "
            + "(\(topology.allowedCPUs.count) of \(topology.processingUnits))")
    if let stats {
        lines.append("Allocator: \(stats.allocator)")
        lines.append("  allocated:    \(mebibytes(stats.allocatedBytes))")
        lines.append("  active:       \(mebibytes(stats.activeBytes))")
        lines.append("  resident:     \(mebibytes(stats.residentBytes))")
        lines.append("  mapped:       \(mebibytes(stats.mappedBytes))")
    } else {
        lines.append("Allocator: \(Allocator.name) (statistics unavailable)")
    }
    if let peakResidentBytes {
        lines.append("  peak RSS:     \(mebibytes(peakResidentBytes))")
    }
    return lines.joined(separator: "\n") + "\n"
}

/// Formats CPU indexes as compact ranges, e.g. [0, 1, 2, 5, 7, 8] -> "0-2,5,7-8".
/// Input order and duplicates do not matter; an empty list gives "none".
public func formatCPUList(_ cpus: [Int]) -> String {
    let sorted = Array(Set(cpus)).sorted()
    guard var start = sorted.first else { return "none" }
    var parts: [String] = []
    var previous = start
    for cpu in sorted.dropFirst() {
        if cpu == previous + 1 {
            previous = cpu
            continue
        }
        parts.append(start == previous ? "\(start)" : "\(start)-\(previous)")
        start = cpu
        previous = cpu
    }
    parts.append(start == previous ? "\(start)" : "\(start)-\(previous)")
    return parts.joined(separator: ",")
}

/// Bytes as MiB with two decimals, e.g. "12.34 MiB".
func mebibytes(_ bytes: UInt64) -> String {
    let hundredths = (bytes &* 100 + (1 << 19)) >> 20
    let fraction = hundredths % 100
    return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction) MiB"
}
