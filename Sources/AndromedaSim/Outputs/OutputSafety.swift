import Cluster
import Foundation
import Reports
import Scenarios

/// The checks that keep outputs off inputs and off each other, done before anything runs or is
/// written: an output path never names the scenario, the trace it reads or a file the run itself
/// writes, and an input never lies inside an output folder that the program replaces. Paths are
/// compared by identity (`PathIdentity`: device and inode after following links, or the resolved
/// parent and name of a path that does not exist yet), never by spelling. Refusals are
/// `OutputRefused` (exit 2).
public enum OutputSafety {
    /// The files (and policy folders) a run writes at the top of its output folder.
    public static let runNames: Set<String> = {
        var names: Set<String> = ["scaling.csv", "summary.json", "timing.json", "report.html", "policies.csv",
                                  "throughput.svg", "speedup.svg", "time_to_train.svg", "efficiency.svg",
                                  "utilization.svg", "wait_cdf.svg", OutputMarker.file]
        for p in PolicyName.allCases { names.insert(p.rawValue) }
        return names
    }()

    /// The files a scenario reads: the scenario file itself (nil for a built-in) and its trace.
    public static func inputs(scenarioFile: String?, _ scenario: Scenario) -> [(what: String, path: String)] {
        var out: [(String, String)] = []
        if let f = scenarioFile { out.append(("the scenario \(f)", f)) }
        if let t = scenario.multitenant?.tracePath { out.append(("the trace \(t) that the scenario reads", t)) }
        return out
    }

    /// Refuses an output `folder` (as the user wrote it: `shown`) that holds one of `inputs` or is
    /// one of them: the program writes into it (and a run replaces it as a whole).
    public static func checkFolder(_ folder: String, shown: String, against inputs: [(what: String, path: String)]) throws(OutputRefused) {
        for (what, path) in inputs {
            if PathIdentity.same(folder, path) {
                throw OutputRefused("\(NamedParameter.out.marker) \(shown): is \(what); choose another \(NamedParameter.out.marker)")
            }
            if let inside = PathIdentity.relative(path, inside: folder) {
                throw OutputRefused("\(NamedParameter.out.marker) \(shown): holds \(what) (as \(inside)); the outputs written there could replace it, "
                    + "so move the input out of the folder or choose another \(NamedParameter.out.marker)")
            }
        }
    }

    /// Checks a run's `--trace` path against the inputs and the output folder: refused when it is
    /// an input, the output folder itself, or inside the folder under a name the run writes or
    /// within one (a policy's folder), or under a hidden name (the marker). A subfolder of another
    /// name is fine: the trace is then written with the folder's set. Returns its path relative
    /// to the folder when it is inside. Outside the folder it is a `SingleFileOutput` (module
    /// Reports), checked by ``checkSingleFile(_:inputs:)``, and never the name of the folder's
    /// lock or staging folder.
    public static func checkTrace(_ trace: String, folder: String, inputs: [(what: String, path: String)]) throws(OutputRefused) -> String? {
        for (what, path) in inputs where PathIdentity.same(trace, path) {
            throw overwritten(trace, .trace, what)
        }
        if PathIdentity.same(trace, folder) {
            throw OutputRefused("\(NamedParameter.trace.marker) \(trace): is the output folder (\(NamedParameter.out.marker)); choose a file such as \(folder)/trace.json")
        }
        guard let inside = PathIdentity.relative(trace, inside: folder) else {
            if OutputLock.isAuxiliary(trace, of: folder) {
                throw OutputRefused("\(NamedParameter.trace.marker) \(trace): is a name the lock or staging of the output folder "
                    + "(\(NamedParameter.out.marker)) takes; choose another \(NamedParameter.trace.marker) path")
            }
            try checkSingleFile(runTrace(trace), inputs: inputs)
            return nil
        }
        let first = String(inside.prefix { $0 != "/" })
        if first.hasPrefix(".") || runNames.contains(first) {
            throw OutputRefused("\(NamedParameter.trace.marker) \(trace): is \(inside) in the output folder, under a name the run writes itself "
                + "(\(runNames.sorted().joined(separator: ", "))) or a hidden one; choose another name, such as trace.json")
        }
        return inside
    }

    /// A run's `--trace` outside its output folder, as a single-file output.
    static func runTrace(_ trace: String) -> SingleFileOutput {
        SingleFileOutput(trace, parameter: .trace, format: .perfettoTrace)
    }

    /// Checks a single-file output (a converter's `--out`, a `--trace` or `--heatmap`) before
    /// anything is written: it is none of `inputs` (the files the command reads, by identity),
    /// then it obeys the rule of `SingleFileOutput` (module Reports: a new path, or a file of the
    /// same format the program wrote; never inside an andromeda-sim output folder).
    public static func checkSingleFile(_ output: SingleFileOutput, inputs: [(what: String, path: String)]) throws(OutputRefused) {
        for (what, path) in inputs where PathIdentity.same(output.path, path) {
            throw overwritten(output.path, output.parameter, what)
        }
        try output.check()
    }

    /// The refusal of an output `path` (given as `parameter`) that is the input `what`.
    static func overwritten(_ path: String, _ parameter: NamedParameter, _ what: String) -> OutputRefused {
        OutputRefused("\(parameter.marker) \(path): is \(what); it would be overwritten: choose another \(parameter.marker) path")
    }
}
