import AndromedaSim
import Foundation
import XCTest

final class SlurmSweepTests: XCTestCase {
    func testScriptsHoldTheArrayTheShardsAndTheMergeAfterOK() throws {
        let s = try SlurmSweep(executable: "/opt/asim/andromeda-sim", scenario: "/data/it's.json",
                               parameters: ["systems=1,2,4", "defect_rate=0,0.2"], shards: 8, workers: 2, out: "/scratch/sw",
                               sbatchOptions: ["--partition=cpu", "--time=01:00:00"])
        let a = s.arrayScript
        for line in ["#SBATCH --array=0-7", "#SBATCH --cpus-per-task=2", "#SBATCH --partition=cpu", "#SBATCH --time=01:00:00",
                     "#SBATCH --output=/scratch/sw/slurm/shard-%a.log"] {
            XCTAssert(a.contains(line + "\n"), line)
        }
        XCTAssert(a.contains("exec '/opt/asim/andromeda-sim' sweep '/data/it'\\''s.json' --param 'systems=1,2,4' --param 'defect_rate=0,0.2' --workers 2"), a)
        XCTAssert(a.contains("--shard \"${SLURM_ARRAY_TASK_ID}/8\" --out '/scratch/sw/shards/'\"${SLURM_ARRAY_TASK_ID}\""), a)
        XCTAssert(s.mergeScript.contains("for i in $(seq 0 7)") && s.mergeScript.contains("merge --out '/scratch/sw' \"${shards[@]}\""))
        XCTAssert(s.submitScript.contains("sbatch --parsable --dependency=afterok:\"$array\" '/scratch/sw/slurm/merge.sbatch'"))
        XCTAssertEqual(s.shardFolder(3), "/scratch/sw/shards/3")
    }

    func testBadValuesAreRefused() {
        XCTAssertThrowsError(try SlurmSweep(executable: "/b", scenario: "genslm", parameters: ["systems=1"], shards: 0, workers: 1, out: "/o"))
        XCTAssertThrowsError(try SlurmSweep(executable: "/b", scenario: "genslm", parameters: ["a\nb"], shards: 2, workers: 1, out: "/o"))
        XCTAssertThrowsError(try SlurmSweep(executable: "/b", scenario: "genslm", parameters: [], shards: 2, workers: 1, out: "/o",
                                            sbatchOptions: ["partition=x"]))
    }

    func testWriteCreatesExecutableScripts() throws {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("slurm-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: d) }
        let s = try SlurmSweep(executable: "/b", scenario: "genslm", parameters: ["systems=1,2"], shards: 2, workers: 1, out: d)
        let paths = try s.write()
        XCTAssertEqual(paths.map { URL(fileURLWithPath: $0).lastPathComponent }, ["array.sbatch", "merge.sbatch", "submit.sh"])
        for p in paths { XCTAssert(FileManager.default.isExecutableFile(atPath: p), p) }
        XCTAssert(FileManager.default.fileExists(atPath: d + "/shards"))
    }
}
