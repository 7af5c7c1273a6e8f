import AndromedaSim
import ArgumentParser
import Foundation
import SimHost
import Wafer

/// `bench wafer`: the core-level referee's speed and memory on one GEMM (default: GenSLM-1.3B's
/// FFN-up at micro-batch 16 on the full 994 x 750 grid).
struct BenchWaferCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wafer",
        abstract: "Core-level referee speed: one GEMM as events on every core of the grid.",
        discussion: """
            Default: GenSLM-1.3B FFN-up (T = 16 x 10240, K = 2048, N = 8192) tiled pk = 64, pn = 11, Nb = 16 \
            on the full 994 x 750 grid.
            Example: andromeda-sim bench wafer --runs 3
            """
    )

    @Option(help: "Grid rows (1 to 16384; rows x columns at most 4194304).") var rows: Int = 994
    @Option(help: "Grid columns (1 to 16384; rows x columns at most 4194304).") var columns: Int = 750
    @Option(help: "Tokens T (1 to 2^40).") var tokens: Int = 16 * 10_240
    @Option(help: "Input dimension K (1 to 2^30).") var k: Int = 2048
    @Option(help: "Output dimension N (1 to 2^30; with Nb, fewer than 2^29 blocks per group and at most 4e9 (core, block) pairs).") var n: Int = 8192
    @Option(help: "Columns per group pk (1 to min(columns, K)).") var pk: Int = 64
    @Option(help: "Column groups pn (1 to min(columns / pk, N)).") var pn: Int = 11
    @Option(help: "Output columns per block Nb (1 to N).") var nb: Int = 16
    @Option(help: "Per-hop latency, cycles (0 to 1e6).") var hop: Double = WaferSpec().hopLatencyCycles
    @Option(help: "Detour latency into a defective position, cycles (0 to 1e9).") var detour: Double = WaferSpec().detourLatencyCycles
    @Option(help: "Weight ingress, words per cycle (> 0; 'inf' for buffered).") var ingress: String = "34.09"
    @Option(help: "Fraction of grid positions defective (0 to 1).") var defectRate: Double = 0.001
    @Option(help: "Repeat the run R times (1 to 100).") var runs: Int = 1
    @Option(help: "Random seed for the defects.") var seed: UInt64 = 42

    func validate() throws {
        guard (1...100).contains(runs) else { throw ValidationError("--runs must be 1 to 100") }
        guard defectRate >= 0, defectRate <= 1 else { throw ValidationError("--defect-rate must be 0 to 1") }
        guard parsedIngress != nil else { throw ValidationError("--ingress must be a number above 0 or inf") }
    }

    var parsedIngress: Double? {
        guard let v = Double(ingress), v > 0, !v.isNaN else { return nil }
        return v
    }

    func run() throws {
        do {
            let bench = try RefereeBenchmark(rows: rows, columns: columns, tokens: tokens, k: k, n: n, pk: pk, pn: pn, nb: nb,
                                             hopLatencyCycles: hop, detourLatencyCycles: detour,
                                             ingressWordsPerCycle: parsedIngress ?? .infinity, defectRate: defectRate, seed: seed)
            print("grid \(rows) x \(columns), T=\(tokens) K=\(k) N=\(n), pt=\(bench.rowsUsed) pk=\(pk) pn=\(pn) Nb=\(nb), defects \(bench.defectCount)")
            for _ in 0..<runs {
                let run = try bench.run()
                let r = run.result, secs = run.wallSeconds, allocated = run.allocatedBytes
                let stats = Allocator.stats()
                print(String(format: "cycles=%.1f time_us=%.3f events=%llu core_blocks=%d wall_s=%.3f events_per_s=%.0f peak_pending=%d",
                             r.cycles, Double(r.nanoseconds) / 1e3, r.events, r.coreBlocks, secs, Double(r.events) / max(secs, 1e-9),
                             r.peakPendingEvents))
                print(String(format: "allocated_during_run_mib=%.1f bytes_per_event=%.3f",
                             Double(allocated) / 1_048_576, Double(allocated) / Double(max(r.events, 1))))
                print(String(format: "peak_rss_mib=%.1f jemalloc_allocated_mib=%.1f jemalloc_resident_mib=%.1f utilisation_used=%.4f max_resident_blocks=%d",
                             Double(Allocator.peakResidentBytes()) / 1_048_576, Double(stats?.allocatedBytes ?? 0) / 1_048_576,
                             Double(stats?.residentBytes ?? 0) / 1_048_576, r.usedUtilization, r.maxResidentWeightBlocks))
            }
        } catch {
            fail(Self.namingFlags("\(error)"))
        }
    }

    /// The problem's own parameter names at the head of an error message, as this command's flags.
    static func namingFlags(_ message: String) -> String {
        let flags: [(String, String)] = [
            ("rows x columns:", "--rows x --columns:"), ("rows:", "--rows:"), ("columns:", "--columns:"),
            ("hopLatencyCycles:", "--hop:"), ("detourLatencyCycles:", "--detour:"), ("ingressWordsPerCycle:", "--ingress:"),
            ("tokens:", "--tokens:"), ("dIn:", "--k (K):"), ("dOut:", "--n (N):"), ("tiling.rowsUsed:", "--rows / --tokens (rows used):"),
            ("tiling.columnsPerGroup:", "--pk:"), ("tiling.groups:", "--pn:"), ("tiling.blockColumns:", "--nb:"),
            ("tiling:", "--n / --nb / --pk / --pn (tiling):"),
        ]
        for (name, flag) in flags where message.hasPrefix(name) { return flag + message.dropFirst(name.count) }
        return message
    }
}
