import Foundation
import Reports
import SimHost

/// The wall-clock figures of one scenario run: `timing.json`, the one output that differs from
/// run to run (everything else depends only on the scenario and its seed).
///
/// ```swift
/// let clock = ContinuousClock(), t0 = clock.now
/// let results = try Andromeda.run(try Andromeda.load("genslm"))
/// let timing = RunTiming(results, wallSeconds: RunTiming.seconds(clock.now - t0), fullDetail: false)
/// try timing.write(toFolder: "out/genslm")          // out/genslm/timing.json
/// ```
public struct RunTiming: Sendable, Equatable {
    /// Wall-clock seconds of the run (as the caller measured it: the command line counts from
    /// before the scenario is read to after the simulation).
    public var wallSeconds: Double
    /// Events of the scaling experiments.
    public var scalingEvents: UInt64
    /// Jobs of the shared cluster (every policy runs the same jobs; 0 without a multitenant section).
    public var clusterJobs: Int
    /// The shared cluster's own events, over all policies.
    public var clusterEvents: UInt64
    /// Events of the contention probes, over all policies.
    public var contentionProbeEvents: UInt64
    /// Peak resident memory of the process, bytes.
    public var peakResidentBytes: UInt64
    /// The process allocator's statistics when it reports them (jemalloc), else nil.
    public var allocator: AllocatorStats?
    /// Whether every step was simulated (no steady-state fast-forward).
    public var fullDetail: Bool

    /// Every event the run simulated: the scaling runs, the shared cluster's own events and its
    /// contention probes.
    public var events: UInt64 { scalingEvents + clusterEvents + contentionProbeEvents }
    /// Events per wall-clock second.
    public var eventsPerSecond: Double { Double(events) / max(wallSeconds, 1e-9) }

    /// The figures of `results`, with the process's memory read now.
    public init(_ results: Andromeda.Results, wallSeconds: Double, fullDetail: Bool) {
        self.wallSeconds = wallSeconds
        scalingEvents = results.scaling.eventsSimulated
        clusterJobs = results.policies.first?.jobs.count ?? 0
        clusterEvents = results.policies.reduce(UInt64(0)) { $0 + $1.events }
        contentionProbeEvents = results.policies.reduce(UInt64(0)) { $0 + $1.probeEvents }
        peakResidentBytes = Allocator.peakResidentBytes()
        allocator = Allocator.stats()
        self.fullDetail = fullDetail
    }

    /// `timing.json`: members in a fixed order, wall seconds to 6 decimals, events per second to 0.
    public var json: JSONOutput {
        .object([
            ("wall_seconds", .double(wallSeconds, decimals: 6)),
            ("events", .int(Int64(events))),
            ("scaling_events", .int(Int64(scalingEvents))),
            ("cluster_jobs", .int(Int64(clusterJobs))),
            ("contention_probe_events", .int(Int64(contentionProbeEvents))),
            ("cluster_events", .int(Int64(clusterEvents))),
            ("events_per_second", .double(eventsPerSecond, decimals: 0)),
            ("peak_resident_bytes", .int(Int64(peakResidentBytes))),
            ("allocator", .string(allocator?.allocator ?? Allocator.name)),
            ("allocated_bytes", .int(Int64(allocator?.allocatedBytes ?? 0))),
            ("full_detail", .bool(fullDetail)),
        ])
    }

    /// Writes `timing.json` into `folder` (atomically).
    public func write(toFolder folder: String) throws(ReportError) {
        try json.write(to: folder + "/timing.json")
    }

    /// A `Duration` in seconds.
    public static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
}
