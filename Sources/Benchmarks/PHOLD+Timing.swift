import Foundation
import SimEngine

extension PHOLD {
    /// Runs PHOLD once and measures the wall clock around ``run(_:)``.
    public static func timed(_ p: Parameters) throws(SimulationError) -> (result: Result, seconds: Double) {
        let clock = ContinuousClock()
        let start = clock.now
        let r = try run(p)
        return (r, seconds(clock.now - start))
    }

    /// The two lines `bench phold` prints per run; the last has the fields of ../shared/bench
    /// (events, seconds, rate, checksum), which its compare-phold script reads.
    public static func report(_ r: Result, seconds secs: Double) -> String {
        let finalTime = String(format: "%.9f", r.finalTime.seconds)
        return "pending=\(r.pending) final_time=\(finalTime)\n"
            + "events=\(r.events) seconds=\(String(format: "%.6f", secs)) rate=\(String(format: "%.0f", Double(r.events) / secs)) checksum=\(r.checksum)"
    }
}
