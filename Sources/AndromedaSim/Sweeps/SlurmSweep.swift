import Foundation
import Reports
import Scenarios

/// The batch scripts that run a sweep on a Slurm cluster: job arrays of at most `maxArraySize`
/// tasks each (the cluster's `MaxArraySize`; a larger sweep is split into chunks), task t of
/// chunk c running `andromeda-sim sweep ... --shard i/shards` (i = the chunk's first shard + t)
/// into `<out>/shards/<i>`, and a merge job, submitted with `--dependency=afterok:<every chunk>`,
/// that joins the shards listed in `<out>/slurm/shards.txt` into `<out>` (the same bytes one
/// machine would have written). Paths are never put in `#SBATCH` lines (whose parser and
/// `%` patterns would mangle spaces, quotes and `%`): the scripts redirect their own output to
/// `<out>/slurm/shard-<i>.log` and `merge.log`, with every path quoted for the shell. See docs/api.md.
///
/// ```swift
/// let s = SlurmSweep(executable: "/opt/asim/andromeda-sim", scenario: "genslm", parameters: ["systems=1,2,4,8"],
///                    shards: 8, workers: 2, out: "/scratch/genslm-sweep")
/// let paths = try s.write()   // slurm/array-0.sbatch, slurm/merge.sbatch, slurm/submit.sh
/// ```
public struct SlurmSweep: Sendable, Equatable {
    /// Absolute path of the andromeda-sim binary the jobs run (it must exist on the compute nodes).
    public var executable: String
    /// The scenario: a built-in name or an absolute path readable on the compute nodes.
    public var scenario: String
    /// The `--param` values, `name=v1,v2,...`.
    public var parameters: [String]
    /// Array tasks (shards), 1...100,000.
    public var shards: Int
    /// Worker threads per task (`--workers`, and the task's `--cpus-per-task`).
    public var workers: Int
    /// Absolute output folder: the merged results; `shards/<i>` and `slurm/` inside it.
    public var out: String
    /// Extra `#SBATCH` options for both jobs (e.g. `--partition=cpu`, `--time=02:00:00`).
    public var sbatchOptions: [String]
    /// The most tasks in one job array (the cluster's `MaxArraySize`: indices 0...max-1).
    public var maxArraySize: Int
    /// The largest `MaxArraySize` Slurm accepts.
    public static let maxArraySizeLimit = 4_000_001
    /// Slurm's default `MaxArraySize`.
    public static let defaultMaxArraySize = 1001

    /// A description of the jobs; throws when a value would break the scripts.
    public init(executable: String, scenario: String, parameters: [String], shards: Int, workers: Int, out: String,
                sbatchOptions: [String] = [], maxArraySize: Int = SlurmSweep.defaultMaxArraySize) throws(SweepError) {
        typealias P = NamedParameter
        guard (1...100_000).contains(shards) else { throw SweepError("\(P.shards.marker) must be 1 to 100000 shards") }
        guard (1...Self.maxArraySizeLimit).contains(maxArraySize) else {
            throw SweepError("\(P.maxArraySize.marker) \(maxArraySize): allowed range 1...\(Self.maxArraySizeLimit) (the cluster's MaxArraySize; "
                + "0 there means it allows no job arrays)")
        }
        guard out.hasPrefix("/") else { throw SweepError("\(P.out.marker) \"\(out)\" must be an absolute path in a batch script") }
        // A relative path would be read from wherever the job starts on a compute node.
        guard scenario.hasPrefix("/") || BuiltinScenarios.all[scenario] != nil else {
            throw SweepError("the scenario \"\(scenario)\" must be an absolute path or a built-in name in a batch script "
                + "(built-in: \(BuiltinScenarios.all.keys.sorted().joined(separator: ", ")))")
        }
        guard (1...1024).contains(workers) else { throw SweepError("\(P.workers.marker) must be 1 to 1024") }
        let values = [("the executable", executable), ("the scenario", scenario), (P.out.marker, out)]
            + parameters.map({ (P.params.marker, $0) }) + sbatchOptions.map({ (P.sbatchOptions.marker, $0) })
        for (what, v) in values where v.isEmpty || v.contains(where: { $0 == "\n" || $0 == "\r" || $0 == "\0" }) {
            throw SweepError("\(what) \"\(v)\" cannot go into a batch script (empty, or holds a line break)")
        }
        for o in sbatchOptions where !o.hasPrefix("--") {
            throw SweepError("\(P.sbatchOptions.marker) \"\(o)\" must be a long sbatch option such as --partition=cpu")
        }
        self.executable = executable
        self.scenario = scenario
        self.parameters = parameters
        self.shards = shards
        self.workers = workers
        self.out = out
        self.sbatchOptions = sbatchOptions
        self.maxArraySize = maxArraySize
    }

    /// The fingerprint of the sweep (`Sweep.fingerprint`): when set, ``write()`` refuses a
    /// folder that already holds another sweep's results.
    public var fingerprint: String?

    /// `s` quoted for a POSIX shell.
    static func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    /// The shard folder of task `i`.
    public func shardFolder(_ i: Int) -> String { "\(out)/shards/\(i)" }

    private var header: [String] { sbatchOptions.map { "#SBATCH \($0)" } }

    /// The shards of each job array, in order: consecutive ranges of at most `maxArraySize`.
    public var chunks: [Range<Int>] {
        stride(from: 0, to: shards, by: maxArraySize).map { $0..<min($0 + maxArraySize, shards) }
    }

    /// The folder of the scripts, the logs and the shard list.
    public var slurmFolder: String { out + "/slurm" }
    /// The job array script of chunk `c`.
    public func arrayScriptPath(_ c: Int) -> String { "\(slurmFolder)/array-\(c).sbatch" }
    /// The merge job's script.
    public var mergeScriptPath: String { slurmFolder + "/merge.sbatch" }
    /// The script that submits every chunk and then the merge job.
    public var submitScriptPath: String { slurmFolder + "/submit.sh" }
    /// The list of shard folders the merge job reads (one per line).
    public var shardListPath: String { slurmFolder + "/shards.txt" }

    /// The job array of chunk `c`: one task per shard of `chunks[c]`.
    public func arrayScript(_ c: Int) -> String {
        let r = chunks[c]
        let params = parameters.map { "--param " + Self.quote($0) }.joined(separator: " ")
        return ([
            "#!/bin/bash",
            "# andromeda-sim sweep as a Slurm job array (chunk \(c + 1) of \(chunks.count)): task t runs shard \(r.lowerBound) + t of \(shards).",
            "#SBATCH --job-name=asim-sweep",
            "#SBATCH --array=0-\(r.count - 1)",
            "#SBATCH --ntasks=1",
            "#SBATCH --cpus-per-task=\(workers)",
            "#SBATCH --output=/dev/null",
        ] + header + [
            "set -euo pipefail",
            // Every path here is absolute; a built-in name must not meet a file of that name in
            // the folder the job starts in, so the job runs in the sweep's own slurm folder.
            "cd \(Self.quote(slurmFolder))",
            "shard=$((SLURM_ARRAY_TASK_ID + \(r.lowerBound)))",
            "exec >>\(Self.quote(slurmFolder + "/shard-"))\"$shard\".log 2>&1",
            "exec \(Self.quote(executable)) sweep \(Self.quote(scenario)) \(params) --workers \(workers) \\",
            "  --shard \"$shard/\(shards)\" --out \(Self.quote(out + "/shards/"))\"$shard\" --quiet",
        ]).joined(separator: "\n") + "\n"
    }

    /// The shard folders, one per line, for `merge --shard-list`.
    public var shardList: String { (0..<shards).map { shardFolder($0) + "\n" }.joined() }

    /// The merge job (submit it with `--dependency=afterok:<every array job id>`).
    public var mergeScript: String {
        ([
            "#!/bin/bash",
            "# Joins the \(shards) shards of the andromeda-sim sweep listed in slurm/shards.txt into the output folder.",
            "#SBATCH --job-name=asim-merge",
            "#SBATCH --ntasks=1",
            "#SBATCH --cpus-per-task=1",
            "#SBATCH --output=/dev/null",
        ] + header + [
            "set -euo pipefail",
            "exec >>\(Self.quote(slurmFolder + "/merge.log")) 2>&1",
            "exec \(Self.quote(executable)) merge --out \(Self.quote(out)) --shard-list \(Self.quote(shardListPath))",
        ]).joined(separator: "\n") + "\n"
    }

    /// Submits the chunks by hand, in order, then the merge after all of them.
    public var submitScript: String {
        [
            "#!/bin/bash",
            "# Submits the sweep's job arrays (\(chunks.count)), then the merge job once every task of every array has succeeded.",
            "set -euo pipefail",
            "ids=()",
            "for c in $(seq 0 \(chunks.count - 1)); do",
            "  id=$(sbatch --parsable \(Self.quote(slurmFolder + "/array-"))\"$c\".sbatch)",
            "  ids+=(\"${id%%;*}\")",
            "done",
            "dependency=$(IFS=:; echo \"${ids[*]}\")",
            "merge=$(sbatch --parsable --dependency=afterok:\"$dependency\" \(Self.quote(mergeScriptPath)))",
            "echo \"array jobs ${ids[*]}, merge job ${merge%%;*}\"",
        ].joined(separator: "\n") + "\n"
    }

    /// Writes the array scripts, `slurm/merge.sbatch`, `slurm/submit.sh` and `slurm/shards.txt`
    /// into `out` and creates `out/shards`; returns the paths of the scripts (arrays, merge, submit).
    public func write() throws -> [String] {
        try OutputMarker.checkReusable(out, as: .sweep, shown: out)
        if let fingerprint {
            // The jobs would run and the merge refuse them at the end: refuse now.
            for folder in [out, shardFolder(0)] {
                if let existing = SweepRunner.storedFingerprint(folder), existing != fingerprint {
                    throw SweepRunner.differentSweep(folder)
                }
            }
        }
        do {
            try FileManager.default.createDirectory(atPath: out + "/shards", withIntermediateDirectories: true)
        } catch {
            throw ReportError("\(out)/shards: cannot create the folder: \(error.localizedDescription)")
        }
        if OutputMarker.kind(of: out) == nil { try OutputMarker.write(.sweep, into: out) }
        // Array scripts of an earlier, differently chunked --slurm into this folder go.
        for name in (try? FileManager.default.contentsOfDirectory(atPath: slurmFolder)) ?? []
            where name.hasPrefix("array-") && name.hasSuffix(".sbatch") {
            try? FileManager.default.removeItem(atPath: slurmFolder + "/" + name)
        }
        var paths: [String] = []
        let scripts = chunks.indices.map { (arrayScriptPath($0), arrayScript($0)) }
            + [(mergeScriptPath, mergeScript), (submitScriptPath, submitScript)]
        for (path, text) in scripts {
            try AtomicFile.write(text, to: path)
            do {
                try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
            } catch {
                throw ReportError("\(path): cannot make it executable: \(error.localizedDescription)")
            }
            paths.append(path)
        }
        try AtomicFile.write(shardList, to: shardListPath)
        return paths
    }
}
