import AndromedaSim
import Cluster
import Foundation
import Reports
import Scenarios
import SimHost

/// Every benchmark beside its reference and its ratio, measured in one run (`bench all`).
///
/// PHOLD at 1,024, 16,384 and 262,144 pending events alternates the engine with the C++ binary
/// heap (heap2) of ../shared/bench/phold.cpp, built here with g++ (or c++, clang++) when one is
/// present, and takes medians; checksums must agree. Full-detail training, the shared-cluster and
/// the sweep benchmarks are compared with their goals (docs/performance.md). Ratios above 1 are
/// better.
public struct BenchmarkTable {
    /// Alternating runs per PHOLD size; medians are reported.
    public var runs = 3
    /// Events per PHOLD run.
    public var events = 5_000_000
    /// phold.cpp of the C++ reference (nil: ../shared/bench/phold.cpp from the working folder or
    /// from the repository of `executable`).
    public var reference: String?
    /// Skip the slow rows (full-detail GenSLM, 100,000 and 3,000,000 cluster jobs, exact contention).
    public var quick = false
    /// The andromeda-sim executable: the whole-command rows run it, and the reference is looked
    /// for beside the repository it was built in.
    public var executable: String

    /// A table measured by `executable`'s library, with the defaults above.
    public init(executable: String) { self.executable = executable }

    /// One benchmark's row.
    public struct Row {
        public var name: String
        public var measured: String
        public var reference: String
        public var ratio: Double?
        public var goal: String
        public var note: String
    }

    /// Measures every row (PHOLD against the C++ reference, then the goals).
    public func rows() throws -> [Row] {
        var rows: [Row] = []
        let ref = buildReference()
        defer { if let ref { try? FileManager.default.removeItem(atPath: ref) } }
        let goals: [UInt32: Double] = [64: 1.1, 1024: 1.5, 16384: 1.5]
        for lps: UInt32 in [64, 1024, 16384] {
            var p = PHOLD.Parameters()
            p.lps = lps
            p.population = 16
            p.events = UInt64(events)
            var mine: [Double] = [], theirs: [Double] = []
            var checksum: UInt64 = 0, refChecksum: UInt64?
            for _ in 0..<runs {
                if let ref, let (rate, sum) = runReference(ref, p) {
                    theirs.append(rate)
                    refChecksum = sum
                }
                let clock = ContinuousClock()
                let t0 = clock.now
                let r = try PHOLD.run(p)
                mine.append(Double(r.events) / max(seconds(clock.now - t0), 1e-9))
                checksum = r.checksum
            }
            let m = median(mine)
            let c = theirs.isEmpty ? nil : median(theirs)
            let agree = refChecksum.map { $0 == checksum ? "checksums equal (\($0))" : "CHECKSUMS DIFFER (\($0) vs \(checksum))" }
            rows.append(Row(name: "PHOLD \(lps) x 16 (\(Int(lps) * 16) pending)", measured: mrate(m),
                            reference: c.map { "C++ heap2 " + mrate($0) } ?? "C++ heap2 n/a (no compiler or phold.cpp)",
                            ratio: c.map { m / $0 }, goal: String(format: ">= %.1fx", goals[lps] ?? 1),
                            note: agree ?? "engine checksum \(checksum)"))
        }

        if !quick {
            let s = try Andromeda.load("genslm")
            let clock = ContinuousClock()
            let t0 = clock.now
            let r = try Andromeda.run(s, fullDetail: true)
            let wall = seconds(clock.now - t0)
            let rate = Double(r.scaling.eventsSimulated) / max(wall, 1e-9)
            rows.append(Row(name: "run genslm --full-detail", measured: mrate(rate), reference: "goal 10.0 M events/s",
                            ratio: rate / 10e6, goal: ">= 1.0x",
                            note: String(format: "%llu events in %.1f s", r.scaling.eventsSimulated, wall)))
        }
        do {
            let s = try Andromeda.load("genslm")
            let clock = ContinuousClock()
            let t0 = clock.now
            let r = try Andromeda.run(s)
            let wall = seconds(clock.now - t0)
            rows.append(Row(name: "run genslm (fast-forward)", measured: String(format: "%.3f s", wall), reference: "goal 2 s",
                            ratio: 2 / max(wall, 1e-9), goal: ">= 1.0x", note: "\(r.scaling.eventsSimulated) events"))
        }
        for (jobs, goal) in quick ? [(10_000, 5.0)] : [(10_000, 5.0), (100_000, 60.0)] {
            let m = try ClusterBenchmark.measure(jobs: jobs, policy: "easy-backfill", contention: "mean-field", seed: 42, rate: 2.5)
            rows.append(Row(name: "bench cluster --jobs \(jobs) --rate 2.5", measured: String(format: "%.2f s", m.simulateSeconds),
                            reference: String(format: "goal %.0f s", goal), ratio: goal / max(m.simulateSeconds, 1e-9),
                            goal: ">= 1.0x", note: String(format: "utilisation %.2f", m.run.metrics.utilization)))
        }
        if !quick {
            // Helios scale (issue 12, goal 4): 3,000,000 generated jobs on 192 systems.
            let m = try ClusterBenchmark.measure(jobs: 3_000_000, systems: 192, policy: "easy-backfill", contention: "mean-field",
                                                    seed: 42, rate: nil)
            let peak = Double(Allocator.peakResidentBytes())
            rows.append(Row(name: "bench cluster --jobs 3000000 --systems 192", measured: String(format: "%.1f s", m.simulateSeconds),
                            reference: "goal 60 s, 2 GiB", ratio: 60 / max(m.simulateSeconds, 1e-9), goal: ">= 1.0x",
                            note: String(format: "peak RSS %.0f MiB, utilisation %.2f", peak / 1_048_576, m.run.metrics.utilization)))
            // Exact contention against mean-field on the week scenario (issue 12, goal 3: within 10x).
            var week = try Andromeda.load("andromeda-multitenant")
            let clock = ContinuousClock()
            var times: [Double] = []
            for mode in [ContentionMode.meanField, .exact] {
                week.multitenant?.contention = mode
                let t0 = clock.now
                _ = try MultitenantRunner.run(week)
                times.append(seconds(clock.now - t0))
            }
            rows.append(Row(name: "run andromeda-multitenant, exact", measured: String(format: "%.1f s", times[1]),
                            reference: String(format: "mean-field %.2f s (goal: 10x it)", times[0]),
                            ratio: 10 * times[0] / max(times[1], 1e-9), goal: ">= 1.0x", note: "every policy, simulation only"))
            // The same as whole commands, as the issue measured it (76 s against 0.7 s): `run` of
            // the week scenario with each method, alternating, medians of `runs`.
            if let whole = try wholeCommands() {
                rows.append(Row(name: "same, whole commands", measured: String(format: "%.1f s", whole.exact),
                                reference: String(format: "mean-field %.2f s (goal: 10x it)", whole.meanField),
                                ratio: 10 * whole.meanField / max(whole.exact, 1e-9), goal: ">= 1.0x",
                                note: "run, median of \(runs)"))
            }
        }
        let w = try SweepBenchmark.measure(workers: 2)
        rows.append(Row(name: "bench sweep (8 points, 2 workers)", measured: String(format: "%.2fx speed-up", w.one / w.many),
                        reference: String(format: "1 worker %.2f s, 2 workers %.2f s", w.one, w.many),
                        ratio: (w.one / w.many) / 1.8, goal: ">= 1.8x speed-up",
                        note: w.identical ? "files identical" : "FILES DIFFER"))
        return rows
    }

    // MARK: The C++ reference

    /// Builds phold.cpp into a temporary binary, or nil when there is no source or compiler.
    func buildReference() -> String? {
        let fm = FileManager.default
        var candidates: [String] = []
        if let reference { candidates.append(reference) }
        candidates.append(fm.currentDirectoryPath + "/../shared/bench/phold.cpp")
        // From the executable (<repo>/.build/<triple>/<config>/andromeda-sim, the real path behind
        // .build/<config>) up to the repository's parent.
        var dir = URL(fileURLWithPath: executable).deletingLastPathComponent()
        while dir.pathComponents.count > 1, dir.lastPathComponent != ".build" { dir = dir.deletingLastPathComponent() }
        if dir.lastPathComponent == ".build" {
            let parent = dir.deletingLastPathComponent().deletingLastPathComponent()
            candidates.append(parent.appendingPathComponent("shared/bench/phold.cpp").path)
        }
        guard let source = candidates.first(where: { fm.fileExists(atPath: $0) }) else { return nil }
        let out = fm.temporaryDirectory.appendingPathComponent("asim-phold-ref-\(getpid())").path
        for compiler in ["g++", "c++", "clang++"] {
            if let status = try? execute(["/usr/bin/env", compiler, "-std=c++17", "-O2", "-o", out, source]).status, status == 0 {
                return out
            }
        }
        return nil
    }

    /// Runs the reference once; returns its rate and checksum.
    func runReference(_ binary: String, _ p: PHOLD.Parameters) -> (Double, UInt64)? {
        guard let r = try? execute([binary, "--lps", "\(p.lps)", "--pop", "\(p.population)", "--events", "\(p.events)",
                                    "--seed", "\(p.seed)", "--queue", "heap2", "--runs", "1"]),
              r.status == 0, let last = r.output.split(separator: "\n").last else { return nil }
        var rate: Double?, sum: UInt64?
        for field in last.split(separator: " ") {
            if field.hasPrefix("rate=") { rate = Double(field.dropFirst(5)) }
            if field.hasPrefix("checksum=") { sum = UInt64(field.dropFirst(9)) }
        }
        guard let rate, let sum else { return nil }
        return (rate, sum)
    }

    /// Medians of `runs` whole `run` commands of this executable per method, alternating: the
    /// week scenario as shipped (mean-field) and with `"contention": "exact"`, from temporary
    /// copies; nil when the executable or the scenario cannot be found.
    func wholeCommands() throws -> (meanField: Double, exact: Double)? {
        let fm = FileManager.default
        let exe = executable
        guard fm.isExecutableFile(atPath: exe), let week = BuiltinScenarios.all["andromeda-multitenant"],
              week.contains("\"multitenant\": {") else { return nil }
        // A folder of its own, so the one removed afterwards is the one made here.
        let base = try TemporaryFiles.makeFolder(prefix: "asim-bench-exact-")
        defer { try? fm.removeItem(atPath: base) }
        let files = ["mean-field": week,
                     "exact": week.replacingOccurrences(of: "\"multitenant\": {", with: "\"multitenant\": {\"contention\": \"exact\",")]
        for (mode, text) in files { try Data(text.utf8).write(to: URL(fileURLWithPath: "\(base)/\(mode).json")) }
        let clock = ContinuousClock()
        var times: [String: [Double]] = [:]
        for k in 0..<runs {
            for mode in ["mean-field", "exact"] {
                let t0 = clock.now
                let r = try execute([exe, "run", "\(base)/\(mode).json", "--out", "\(base)/\(mode)-\(k)"])
                guard r.status == 0 else { return nil }
                times[mode, default: []].append(seconds(clock.now - t0))
            }
        }
        return (median(times["mean-field"] ?? [0]), median(times["exact"] ?? [0]))
    }

    func execute(_ argv: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: argv[0])
        process.arguments = Array(argv.dropFirst())
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    // MARK: Formatting

    func median(_ xs: [Double]) -> Double {
        let s = xs.sorted()
        return s[(s.count - 1) / 2]
    }

    func mrate(_ r: Double) -> String { String(format: "%.1f M events/s", r / 1e6) }

    /// The rows as a plain-text table with a header and a rule.
    public static func table(_ rows: [Row]) -> String {
        let header = ["benchmark", "measured", "reference (same run)", "ratio", "goal", "note"]
        let cells = rows.map { [$0.name, $0.measured, $0.reference, $0.ratio.map { String(format: "%.2fx", $0) } ?? "n/a", $0.goal, $0.note] }
        var widths = header.map(\.count)
        for c in cells { for (i, x) in c.enumerated() { widths[i] = max(widths[i], x.count) } }
        func line(_ c: [String]) -> String {
            c.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces) + "\n"
        }
        return line(header) + line(widths.map { String(repeating: "-", count: $0) }) + cells.map(line).joined()
    }
}
