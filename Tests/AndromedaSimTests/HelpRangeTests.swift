import Foundation
import XCTest

/// Help ranges equal the checks (issue 22, item 7): for every option of every command whose help
/// states a numeric range ("1 to 192", "1-1e15", "0 to 1, above 0"), the range is read from the
/// `--help` text itself, and the binary is run with the two ends (accepted: any exit but 2, or
/// still running after a few seconds, i.e. past its checks) and with the values just outside
/// (refused: exit 2, naming the option). A help text that drifts from its check fails here.
final class HelpRangeTests: XCTestCase {
    /// Each command, with the arguments that make the rest of its command line valid.
    static let commands: [(path: [String], base: [String])] = [
        (["bench", "all"], []),
        (["bench", "burst"], []),
        (["bench", "cluster"], []),
        (["bench", "exact-window"], []),
        (["bench", "merge"], []),
        (["bench", "sweep"], []),
        (["bench", "wafer"], []),
        (["bench", "phold"], ["--events", "1000"]),
        (["plan", "max-rate"], ["andromeda-multitenant", "--p95-wait-h", "1", "--jobs", "1"]),
        (["plan", "min-systems"], ["--model", "genslm-123m", "--batch", "8", "--samples", "1e6", "--deadline-h", "10"]),
        (["sweep"], ["genslm", "--param", "seed=1,2", "--slurm", "2"]),
        (["convert-philly"], ["INPUT-PHILLY", "--out", "OUT.csv"]),
        (["convert-swf"], ["INPUT-SWF", "--out", "OUT.csv"]),
        (["train"], ["--model", "genslm-123m", "--steps", "1"]),
        (["wafer"], ["--model", "genslm-123m"]),
    ]

    /// Options whose range needs other options set for an end to be valid (the help states the
    /// joint rule too): per option ("command option" where the name is not enough), the
    /// arguments added at its low end and at its high end.
    static let companions: [String: (low: [String], high: [String])] = [
        "lps": (["--pop", "1"], ["--pop", "1"]),
        "rows": ([], ["--columns", "256", "--pn", "1"]),
        "columns": (["--pk", "1", "--pn", "1"], ["--rows", "256"]),
        "k": (["--pk", "1"], ["--pk", "1"]),
        "n": (["--pn", "1", "--nb", "1"], ["--nb", "1048576"]),
        "micro-batch": ([], ["--seq-len", "1"]),
        "min": (["--max", "1e9"], ["--max", "1e9"]),
        "max": (["--min", "9e-6"], ["--min", "9e-6"]),
        "plan max-rate jobs": ([], ["--min", "1"]),
        // (plan min-systems: 1e6 samples per system split into at most 65,534 passes per step.)
        "plan min-systems batch": ([], ["--model", "cerebras-gpt-111m"]),
    ]
    /// Low ends stated by a rule of the help rather than a number: plan max-rate's --min is at
    /// least (jobs + 10 sqrt(jobs)) / 1279800, 8.595e-6 jobs/h for the one job given here.
    static let lowEnds: [String: (accepted: String, refused: String)] = ["min": ("8.6e-6", "8.5e-6")]
    static let skipped: Set<String> = ["grid", "trace-cores", "shard"]

    struct Range { var flag: String; var low: String; var high: String; var lowExclusive: Bool; var highExclusive: Bool }

    /// The options of `help` with a numeric range in their text.
    static func ranges(in help: String) -> [Range] {
        // Join each option's wrapped lines.
        var entries: [String] = []
        for line in help.split(separator: "\n", omittingEmptySubsequences: false) {
            let s = String(line)
            if s.hasPrefix("  --") { entries.append(s) } else if s.hasPrefix("      "), !entries.isEmpty {
                entries[entries.count - 1] += " " + s.trimmingCharacters(in: .whitespaces)
            } else if !s.hasPrefix("  ") { entries.append("") }
        }
        let number = #"(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?(?:e-?\d+)?(?:\^\d+)?)"#
        let pattern = try! NSRegularExpression(pattern: number + #"(?: to |-)"# + number + #"(?![\w(^])"#)
        var out: [Range] = []
        for e in entries where e.hasPrefix("  --") {
            let flag = String(e.dropFirst(4).prefix { $0 != " " })
            guard !skipped.contains(flag), e.contains("<") else { continue }
            let text = e as NSString
            guard let m = pattern.firstMatch(in: e, range: NSRange(location: 0, length: text.length)) else { continue }
            let low = text.substring(with: m.range(at: 1)), high = text.substring(with: m.range(at: 2))
            func says(_ word: String, _ v: String) -> Bool {
                e.range(of: word + " " + NSRegularExpression.escapedPattern(for: v) + #"(?![0-9.e])"#, options: .regularExpression) != nil
            }
            out.append(Range(flag: flag, low: low, high: high, lowExclusive: says("above", low), highExclusive: says("below", high)))
        }
        return out
    }

    /// "16,777,216", "2^40", "1e-6" as a number.
    static func value(_ s: String) -> Double {
        let t = s.replacingOccurrences(of: ",", with: "")
        if let caret = t.firstIndex(of: "^") {
            return pow(Double(t[..<caret])!, Double(t[t.index(after: caret)...])!)
        }
        return Double(t)!
    }

    /// A number as the command line gets it: an integer when it is one.
    static func text(_ x: Double) -> String {
        if x == x.rounded(), abs(x) < 1e18 { return String(Int64(x)) }
        return "\(x)"
    }

    /// Runs the binary; a run still going after `seconds` is stopped and reported as nil (it
    /// got past its checks).
    func status(_ args: [String], in dir: URL, seconds: Double = 2) throws -> (status: Int32?, err: String) {
        let p = Process()
        p.executableURL = try CLIHarness.binary()
        p.arguments = args
        p.currentDirectoryURL = dir
        let errFile = dir.appendingPathComponent("stderr-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: errFile.path, contents: nil)
        let handle = try FileHandle(forWritingTo: errFile)
        p.standardError = handle
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let deadline = Date().addingTimeInterval(seconds)
        while p.isRunning && Date() < deadline { usleep(20_000) }
        var stopped = false
        if p.isRunning {
            stopped = true
            p.interrupt()
            p.waitUntilExit()
        }
        try handle.close()
        let err = (try? String(contentsOf: errFile, encoding: .utf8)) ?? ""
        return (stopped ? nil : p.terminationStatus, err)
    }

    func testEveryHelpRangeIsTheRangeTheCheckEnforces() throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("asim-help-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        try "jobid,user,submitted_time,num_gpus,duration_s\nj1,u,2017-10-01 00:00:00,8,3600\n"
            .write(to: scratch.appendingPathComponent("INPUT-PHILLY"), atomically: true, encoding: .utf8)
        try "1 0 0 3600 64 -1 -1 64 3600 -1 1 1 1 -1 1 -1 -1 -1\n"
            .write(to: scratch.appendingPathComponent("INPUT-SWF"), atomically: true, encoding: .utf8)
        var checked = 0
        for c in Self.commands {
            let help = try CLIHarness.run(c.path + ["--help"]).out
            let ranges = Self.ranges(in: help)
            XCTAssertFalse(ranges.isEmpty && c.path != ["sweep"], "\(c.path): no range found in its help")
            for r in ranges {
                let low = Self.value(r.low), high = Self.value(r.high)
                let integral = low == low.rounded() && high == high.rounded() && high < 0x1p52
                let below = integral ? low - 1 : low * (1 - 1e-6) - (low == 0 ? 1e-6 : 0)
                let above = integral ? high + 1 : high * (1 + 1e-6)
                let inside = (high - low) * 1e-6
                let extra = Self.companions[(c.path + [r.flag]).joined(separator: " ")] ?? Self.companions[r.flag] ?? ([], [])
                // (value, companions) accepted, and refused.
                var accepted: [(String, [String])] = []
                var refused: [(String, [String])] = [(Self.text(above), extra.high)]
                if r.highExclusive {
                    refused.append((Self.text(high), extra.high))
                    accepted.append((Self.text(integral ? high - 1 : high - inside), extra.high))
                } else {
                    accepted.append((Self.text(high), extra.high))
                }
                if let ends = Self.lowEnds[r.flag] {
                    accepted.append((ends.accepted, extra.low))
                    refused.append((ends.refused, extra.low))
                } else if r.lowExclusive {
                    refused.append((Self.text(low), extra.low))
                    accepted.append((Self.text(integral ? low + 1 : low + inside), extra.low))
                } else {
                    accepted.append((Self.text(low), extra.low))
                    refused.append((Self.text(below), extra.low))
                }
                for (value, extra) in accepted {
                    // A converter writes its trace CSV only to a new path: the last one's goes first.
                    try? FileManager.default.removeItem(at: scratch.appendingPathComponent("OUT.csv"))
                    let args = c.path + c.base + extra + ["--\(r.flag)", value]
                    let s = try status(args, in: scratch)
                    XCTAssertNotEqual(s.status, 2, "\(args.joined(separator: " ")): the help allows it; refused: \(s.err)")
                    checked += 1
                }
                for (v, extra) in refused {
                    let args = c.path + c.base + extra + ["--\(r.flag)", v]
                    let s = try status(args, in: scratch, seconds: 60)
                    XCTAssertEqual(s.status, 2, "\(args.joined(separator: " ")): outside the help's \(r.low) to \(r.high); \(s.err)")
                    XCTAssert(s.err.contains(r.flag) || s.err.contains(r.flag.replacingOccurrences(of: "-", with: "_")),
                              "\(args.joined(separator: " ")): the message must name \(r.flag): \(s.err)")
                    checked += 1
                }
            }
        }
        XCTAssertGreaterThan(checked, 100, "the help texts must yield the ranges")
    }
}
