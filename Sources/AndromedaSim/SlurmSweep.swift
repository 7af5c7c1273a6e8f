import Foundation
import Reports

/// The batch scripts that run a sweep on a Slurm cluster: a job array of `shards` tasks, task i
/// running `andromeda-sim sweep ... --shard i/shards` into `<out>/shards/<i>`, and a merge job,
/// submitted with `--dependency=afterok:<array id>`, that joins the shards into `<out>` (the
/// same bytes one machine would have written). See docs/api.md.
///
/// ```swift
/// let s = SlurmSweep(executable: "/opt/asim/andromeda-sim", scenario: "genslm", parameters: ["systems=1,2,4,8"],
///                    shards: 8, workers: 2, out: "/scratch/genslm-sweep")
/// try AtomicFile.write(s.arrayScript, to: "/scratch/genslm-sweep/slurm/array.sbatch")
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

    /// A description of the jobs; throws when a value would break the scripts.
    public init(executable: String, scenario: String, parameters: [String], shards: Int, workers: Int, out: String,
                sbatchOptions: [String] = []) throws(SweepError) {
        guard (1...100_000).contains(shards) else { throw SweepError("--slurm must be 1 to 100000 shards") }
        guard (1...1024).contains(workers) else { throw SweepError("--workers must be 1 to 1024") }
        let values = [("the executable", executable), ("the scenario", scenario), ("--out", out)]
            + parameters.map({ ("--param", $0) }) + sbatchOptions.map({ ("--sbatch-option", $0) })
        for (what, v) in values where v.isEmpty || v.contains(where: { $0 == "\n" || $0 == "\r" || $0 == "\0" }) {
            throw SweepError("\(what) \"\(v)\" cannot go into a batch script (empty, or holds a line break)")
        }
        for o in sbatchOptions where !o.hasPrefix("--") {
            throw SweepError("--sbatch-option \"\(o)\" must be a long sbatch option such as --partition=cpu")
        }
        self.executable = executable
        self.scenario = scenario
        self.parameters = parameters
        self.shards = shards
        self.workers = workers
        self.out = out
        self.sbatchOptions = sbatchOptions
    }

    /// `s` quoted for a POSIX shell.
    static func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    /// The shard folder of task `i`.
    public func shardFolder(_ i: Int) -> String { "\(out)/shards/\(i)" }

    private var header: [String] { sbatchOptions.map { "#SBATCH \($0)" } }

    /// The job array: one task per shard.
    public var arrayScript: String {
        let params = parameters.map { "--param " + Self.quote($0) }.joined(separator: " ")
        return ([
            "#!/bin/bash",
            "# andromeda-sim sweep as a Slurm job array: task i runs shard i of \(shards).",
            "#SBATCH --job-name=asim-sweep",
            "#SBATCH --array=0-\(shards - 1)",
            "#SBATCH --ntasks=1",
            "#SBATCH --cpus-per-task=\(workers)",
            "#SBATCH --output=\(out)/slurm/shard-%a.log",
        ] + header + [
            "set -euo pipefail",
            "exec \(Self.quote(executable)) sweep \(Self.quote(scenario)) \(params) --workers \(workers) \\",
            "  --shard \"${SLURM_ARRAY_TASK_ID}/\(shards)\" --out \(Self.quote(out + "/shards/"))\"${SLURM_ARRAY_TASK_ID}\" --quiet",
        ]).joined(separator: "\n") + "\n"
    }

    /// The merge job (submit it with `--dependency=afterok:<array job id>`).
    public var mergeScript: String {
        ([
            "#!/bin/bash",
            "# Joins the \(shards) shards of the andromeda-sim sweep into \(out).",
            "#SBATCH --job-name=asim-merge",
            "#SBATCH --ntasks=1",
            "#SBATCH --cpus-per-task=1",
            "#SBATCH --output=\(out)/slurm/merge.log",
        ] + header + [
            "set -euo pipefail",
            "shards=()",
            "for i in $(seq 0 \(shards - 1)); do shards+=(\(Self.quote(out + "/shards/"))\"$i\"); done",
            "exec \(Self.quote(executable)) merge --out \(Self.quote(out)) \"${shards[@]}\"",
        ]).joined(separator: "\n") + "\n"
    }

    /// Submits both scripts by hand, in order: the array, then the merge after it.
    public var submitScript: String {
        [
            "#!/bin/bash",
            "# Submits the sweep's job array, then the merge job once every task has succeeded.",
            "set -euo pipefail",
            "array=$(sbatch --parsable \(Self.quote(out + "/slurm/array.sbatch")))",
            "array=${array%%;*}",
            "merge=$(sbatch --parsable --dependency=afterok:\"$array\" \(Self.quote(out + "/slurm/merge.sbatch")))",
            "echo \"array job $array, merge job ${merge%%;*}\"",
        ].joined(separator: "\n") + "\n"
    }

    /// Writes `slurm/array.sbatch`, `slurm/merge.sbatch` and `slurm/submit.sh` into `out` and
    /// creates `out/shards`; returns the three paths.
    public func write() throws -> [String] {
        let dir = out + "/slurm"
        try OutputMarker.checkReusable(out, as: .sweep, shown: out)
        try FileManager.default.createDirectory(atPath: out + "/shards", withIntermediateDirectories: true)
        if OutputMarker.kind(of: out) == nil { try OutputMarker.write(.sweep, into: out) }
        var paths: [String] = []
        for (name, text) in [("array.sbatch", arrayScript), ("merge.sbatch", mergeScript), ("submit.sh", submitScript)] {
            try AtomicFile.write(text, to: "\(dir)/\(name)")
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: "\(dir)/\(name)")
            paths.append("\(dir)/\(name)")
        }
        return paths
    }
}
