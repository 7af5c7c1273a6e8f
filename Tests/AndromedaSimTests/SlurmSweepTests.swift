import AndromedaSim
import Foundation
import XCTest

final class SlurmSweepTests: XCTestCase {
    func testScriptsHoldTheArrayTheShardsAndTheMergeAfterOK() throws {
        let s = try SlurmSweep(executable: "/opt/asim/andromeda-sim", scenario: "/data/it's.json",
                               parameters: ["systems=1,2,4", "defect_rate=0,0.2"], shards: 8, workers: 2, out: "/scratch/sw",
                               sbatchOptions: ["--partition=cpu", "--time=01:00:00"])
        XCTAssertEqual(s.chunks, [0..<8])
        let a = s.arrayScript(0)
        for line in ["#SBATCH --array=0-7", "#SBATCH --cpus-per-task=2", "#SBATCH --partition=cpu", "#SBATCH --time=01:00:00",
                     "#SBATCH --output=/dev/null", "shard=$((SLURM_ARRAY_TASK_ID + 0))", "exec >>'/scratch/sw/slurm/shard-'\"$shard\".log 2>&1"] {
            XCTAssert(a.contains(line + "\n"), line)
        }
        XCTAssert(a.contains("exec '/opt/asim/andromeda-sim' sweep '/data/it'\\''s.json' --param 'systems=1,2,4' --param 'defect_rate=0,0.2' --workers 2"), a)
        XCTAssert(a.contains("--shard \"$shard/8\" --out '/scratch/sw/shards/'\"$shard\""), a)
        XCTAssert(s.mergeScript.contains("merge --out '/scratch/sw' --shard-list '/scratch/sw/slurm/shards.txt'"), s.mergeScript)
        XCTAssertEqual(s.shardList, (0..<8).map { "/scratch/sw/shards/\($0)\n" }.joined())
        XCTAssert(s.submitScript.contains("sbatch --parsable --dependency=afterok:\"$dependency\" '/scratch/sw/slurm/merge.sbatch'"))
        XCTAssertEqual(s.shardFolder(3), "/scratch/sw/shards/3")
        // No path ever goes into an #SBATCH line.
        for script in [a, s.mergeScript] {
            for line in script.split(separator: "\n") where line.hasPrefix("#SBATCH") { XCTAssertFalse(line.contains("/scratch"), String(line)) }
        }
    }

    func testLargeSweepsAreSplitIntoArraysOfMaxArraySize() throws {
        let s = try SlurmSweep(executable: "/b", scenario: "genslm", parameters: ["seed=1"], shards: 2500, workers: 1, out: "/o",
                               maxArraySize: 1001)
        XCTAssertEqual(s.chunks, [0..<1001, 1001..<2002, 2002..<2500])
        XCTAssert(s.arrayScript(1).contains("#SBATCH --array=0-1000\n"))
        XCTAssert(s.arrayScript(2).contains("#SBATCH --array=0-497\n"))
        XCTAssert(s.arrayScript(2).contains("shard=$((SLURM_ARRAY_TASK_ID + 2002))\n"))
        XCTAssert(s.arrayScript(2).contains("--shard \"$shard/2500\""))
        XCTAssertEqual(try SlurmSweep(executable: "/b", scenario: "genslm", parameters: [], shards: 3, workers: 1, out: "/o", maxArraySize: 1).chunks.count, 3)
        XCTAssertThrowsError(try SlurmSweep(executable: "/b", scenario: "genslm", parameters: [], shards: 3, workers: 1, out: "/o", maxArraySize: 0))
    }

    func testBadValuesAreRefused() {
        XCTAssertThrowsError(try SlurmSweep(executable: "/b", scenario: "genslm", parameters: ["systems=1"], shards: 0, workers: 1, out: "/o"))
        XCTAssertThrowsError(try SlurmSweep(executable: "/b", scenario: "genslm", parameters: ["a\nb"], shards: 2, workers: 1, out: "/o"))
        XCTAssertThrowsError(try SlurmSweep(executable: "/b", scenario: "genslm", parameters: [], shards: 2, workers: 1, out: "/o",
                                            sbatchOptions: ["partition=x"]))
        XCTAssertThrowsError(try SlurmSweep(executable: "/b", scenario: "genslm", parameters: [], shards: 2, workers: 1, out: "relative"))
    }

    /// A compute node starts the job in another folder: the scenario is an absolute path or a
    /// built-in name, and the job runs in the sweep's slurm folder, where no file shadows a
    /// built-in name.
    func testTheScenarioIsAnAbsolutePathOrABuiltinNameAndTheJobRunsInTheSlurmFolder() throws {
        for bad in ["scenarios/genslm.json", "genslm.json", "nope"] {
            XCTAssertThrowsError(try SlurmSweep(executable: "/b", scenario: bad, parameters: ["seed=1"], shards: 2, workers: 1, out: "/o"), bad) {
                XCTAssert("\($0)".contains("absolute path or a built-in name"), "\($0)")
            }
        }
        for good in ["genslm", "/data/genslm.json"] {
            let s = try SlurmSweep(executable: "/b", scenario: good, parameters: ["seed=1"], shards: 2, workers: 1, out: "/o")
            XCTAssert(s.arrayScript(0).contains("set -euo pipefail\ncd '/o/slurm'\n"), s.arrayScript(0))
        }
    }

    /// The command resolves the scenario as sweep.json records it (a folder named like a built-in
    /// is not a scenario; a relative file becomes absolute) and refuses a folder holding the
    /// results of another sweep before writing any job.
    func testTheCommandWritesAResolvedScenarioAndRefusesAnotherSweepsFolder() throws {
        let cli = try CLIHarness()
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("slurm-cli-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: base) }
        try FileManager.default.createDirectory(at: base.appendingPathComponent("genslm-2to4"), withIntermediateDirectories: true)
        var r = try cli.run(["sweep", "genslm-2to4", "--param", "systems=1,2", "--slurm", "2", "--out", "w1"], cwd: base)
        XCTAssertEqual(r.status, 0, r.err)
        var script = try String(contentsOf: base.appendingPathComponent("w1/slurm/array-0.sbatch"), encoding: .utf8)
        XCTAssert(script.contains(" sweep 'genslm-2to4' --param"), script)
        let root = CLIHarness.root.path
        r = try cli.run(["sweep", "scenarios/genslm-2to4.json", "--param", "systems=1,2", "--slurm", "2", "--out", base.path + "/w2"])
        XCTAssertEqual(r.status, 0, r.err)
        script = try String(contentsOf: base.appendingPathComponent("w2/slurm/array-0.sbatch"), encoding: .utf8)
        XCTAssert(script.contains(" sweep '\(root)/Scenarios/genslm-2to4.json' --param"), script)
        r = try cli.run(["sweep", "genslm-2to4", "--param", "systems=1,2", "--out", "w3", "--quiet", "--workers", "1"], cwd: base)
        XCTAssertEqual(r.status, 0, r.err)
        try cli.refused(["sweep", "genslm-2to4", "--param", "systems=1,4", "--slurm", "2", "--out", "w3"], "holds the results of a different sweep",
                        cwd: base)
        XCTAssertFalse(FileManager.default.fileExists(atPath: base.path + "/w3/slurm"))
    }

    func testWriteCreatesExecutableScripts() throws {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("slurm-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: d) }
        let s = try SlurmSweep(executable: "/b", scenario: "genslm", parameters: ["systems=1,2"], shards: 5, workers: 1, out: d,
                               maxArraySize: 2)
        let paths = try s.write()
        XCTAssertEqual(paths.map { URL(fileURLWithPath: $0).lastPathComponent },
                       ["array-0.sbatch", "array-1.sbatch", "array-2.sbatch", "merge.sbatch", "submit.sh"])
        for p in paths { XCTAssert(FileManager.default.isExecutableFile(atPath: p), p) }
        XCTAssert(FileManager.default.fileExists(atPath: d + "/shards"))
        XCTAssertEqual(try String(contentsOfFile: d + "/slurm/shards.txt", encoding: .utf8).split(separator: "\n").count, 5)
    }

    /// The scripts run by bash, as Slurm would run them, with paths holding a space, both quotes,
    /// `%`, `$` and a backslash: every shard and the merge get the path unchanged. `sbatch` is a
    /// stub that runs each array task in turn and records the dependency of the merge.
    func testScriptsRunUnderBashWithHostilePaths() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("slurm-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: base) }
        let out = base + "/my sweep's \"100%\" $HOME %j \\n"
        let bin = base + "/bin"
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        // The executable records its arguments, one per line, into the file named by its --out (or the merge's).
        let fake = bin + "/fake sim"
        try "#!/bin/bash\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done\n".write(toFile: fake, atomically: true, encoding: .utf8)
        let sbatch = bin + "/sbatch"
        try """
            #!/bin/bash
            # A stand-in for sbatch: --parsable [--dependency=D] SCRIPT; runs every task of an array.
            dep=""; script=""
            for a in "$@"; do case "$a" in --parsable) ;; --dependency=*) dep="${a#--dependency=}" ;; *) script="$a" ;; esac; done
            n=$(sed -n 's/^#SBATCH --array=0-\\([0-9]*\\)$/\\1/p' "$script")
            id=$((RANDOM + 100))
            if [ -n "$n" ]; then
              for t in $(seq 0 "$n"); do SLURM_ARRAY_TASK_ID=$t bash "$script" || exit 1; done
            else
              printf '%s\\n' "$dep" > "$(dirname "$script")/dependency.txt"; bash "$script" || exit 1
            fi
            echo "$id"
            """.write(toFile: sbatch, atomically: true, encoding: .utf8)
        for f in [fake, sbatch] { try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: f) }
        let s = try SlurmSweep(executable: fake, scenario: base + "/it's a \"scenario\".json", parameters: ["seed=1,2,3"], shards: 5,
                               workers: 1, out: out, maxArraySize: 2)
        _ = try s.write()
        let r = try CLIHarness.run(["-c", "PATH=\"$0:$PATH\" exec bash \"$1\"", bin, s.submitScriptPath],
                                   executable: URL(fileURLWithPath: "/bin/sh"))
        XCTAssertEqual(r.status, 0, r.out + r.err)
        for i in 0..<5 {
            let log = try String(contentsOfFile: "\(out)/slurm/shard-\(i).log", encoding: .utf8).split(separator: "\n").map(String.init)
            XCTAssertEqual(log, ["sweep", base + "/it's a \"scenario\".json", "--param", "seed=1,2,3", "--workers", "1",
                                 "--shard", "\(i)/5", "--out", "\(out)/shards/\(i)", "--quiet"])
        }
        let merge = try String(contentsOfFile: out + "/slurm/merge.log", encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertEqual(merge, ["merge", "--out", out, "--shard-list", out + "/slurm/shards.txt"])
        let dependency = try String(contentsOfFile: out + "/slurm/dependency.txt", encoding: .utf8)
        XCTAssert(dependency.hasPrefix("afterok:") && dependency.split(separator: ":").count == 4, dependency)
    }
}
