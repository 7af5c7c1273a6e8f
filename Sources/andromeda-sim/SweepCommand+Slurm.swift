import AndromedaSim
import ArgumentParser
import Foundation

extension SweepCommand {
    /// `sweep ... --slurm N [--submit]`: writes the job arrays (chunks of the cluster's
    /// MaxArraySize) and the merge job, and submits them.
    /// `source` is the scenario as sweep.json records it (``recordedSource(_:)``): the absolute
    /// path of its file, or a built-in name.
    func writeSlurm(_ sweep: Sweep, source: String, shards: Int, directory: String) throws {
        let cwd = FileManager.default.currentDirectoryPath
        func absolute(_ p: String) -> String { p.hasPrefix("/") ? p : cwd + "/" + p }
        let exe = OwnExecutable.path
        let (arraySize, origin) = maxArraySize.map { ($0, "--max-array-size") } ?? Self.clusterMaxArraySize()
        var job: SlurmSweep
        do {
            job = try SlurmSweep(executable: exe, scenario: source, parameters: params, shards: shards,
                                 workers: workers ?? 1, out: URL(fileURLWithPath: absolute(directory)).standardizedFileURL.path,
                                 sbatchOptions: sbatchOptions, maxArraySize: arraySize)
        } catch { fail(describe(error)) }
        job.fingerprint = sweep.fingerprint
        let paths: [String]
        do { paths = try job.write() } catch let e as OutputRefused { fail(e.commandLineMessage) } catch let e as SweepError { fail(describe(e)) } catch { cannotWrite(error) }
        let chunks = job.chunks.count
        print("wrote \(paths.joined(separator: ", ")) and \(job.shardListPath)")
        print("\(shards) shards in \(chunks) job array\(chunks == 1 ? "" : "s") of at most \(arraySize) tasks (MaxArraySize from \(origin))")
        guard submit else {
            print("submit with: \(job.submitScriptPath)   (the arrays of \(shards) shards, then the merge job after them)")
            return
        }
        var arrays: [String] = []
        for c in job.chunks.indices {
            do {
                arrays.append(try sbatch(["--parsable", job.arrayScriptPath(c)]))
            } catch {
                if !arrays.isEmpty {
                    writeStandardError("andromeda-sim: array jobs \(arrays.joined(separator: " ")) were submitted before "
                        + "the failure; cancel them with: scancel \(arrays.joined(separator: " "))\n")
                }
                throw error
            }
        }
        let dependency = "afterok:" + arrays.joined(separator: ":")
        let merge = try sbatch(["--parsable", "--dependency=\(dependency)", job.mergeScriptPath])
        print("submitted array job\(arrays.count == 1 ? "" : "s") \(arrays.joined(separator: " ")) (\(shards) shards) and merge job \(merge) "
            + "(\(dependency)); results in \(job.out)")
    }

    /// The cluster's MaxArraySize from `scontrol show config`, or Slurm's default (1001) when it
    /// cannot be read; and where the figure came from.
    static func clusterMaxArraySize() -> (Int, String) {
        let fallback = (SlurmSweep.defaultMaxArraySize, "Slurm's default: scontrol show config did not give it; set --max-array-size")
        guard let r = try? runTool("scontrol", ["show", "config"]), r.status == 0 else { return fallback }
        for line in r.out.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2, parts[0] == "MaxArraySize", let n = Int(parts[1]) {
                guard n >= 1 else { fail("the cluster's MaxArraySize is \(n): it allows no job arrays, so --slurm cannot be used") }
                return (min(n, SlurmSweep.maxArraySizeLimit), "scontrol show config")
            }
        }
        return fallback
    }

    /// Runs `tool` (found on PATH) with `args`; its status and outputs.
    static func runTool(_ tool: String, _ args: [String]) throws -> (status: Int32, out: String, err: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [tool] + args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    /// Runs sbatch with `args`; returns the job id it prints (`--parsable`: id[;cluster]).
    func sbatch(_ args: [String]) throws -> String {
        let r: (status: Int32, out: String, err: String)
        do { r = try Self.runTool("sbatch", args) } catch {
            writeStandardError("andromeda-sim: cannot run sbatch: \(error)\n")
            throw ExitCode(1)
        }
        let id = r.out.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""
        guard r.status == 0, !id.isEmpty, id.allSatisfy(\.isNumber) else {
            writeStandardError("andromeda-sim: sbatch \(args.joined(separator: " ")) failed (status \(r.status)): "
                + r.err + "\n")
            throw ExitCode(1)
        }
        return id
    }
}
