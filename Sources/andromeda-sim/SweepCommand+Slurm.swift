import AndromedaSim
import ArgumentParser
import Foundation

extension SweepCommand {
    /// `sweep ... --slurm N [--submit]`: writes the job array and the merge job, and submits them.
    func writeSlurm(shards: Int, directory: String) throws {
        let fm = FileManager.default
        let cwd = fm.currentDirectoryPath
        func absolute(_ p: String) -> String { p.hasPrefix("/") ? p : cwd + "/" + p }
        // The jobs may start in another folder: paths become absolute; a built-in name stays.
        let source = fm.fileExists(atPath: scenario) ? absolute(scenario) : scenario
        let exe = OwnExecutable.path
        let job: SlurmSweep
        do {
            job = try SlurmSweep(executable: exe, scenario: source, parameters: params, shards: shards,
                                 workers: workers ?? 1, out: URL(fileURLWithPath: absolute(directory)).standardizedFileURL.path,
                                 sbatchOptions: sbatchOptions)
        } catch { fail("\(error)") }
        let paths: [String]
        do { paths = try job.write() } catch let e as OutputRefused { fail("\(e)") } catch {
            FileHandle.standardError.write(Data("andromeda-sim: \(error)\n".utf8))
            throw ExitCode(1)
        }
        print("wrote \(paths.joined(separator: ", "))")
        guard submit else {
            print("submit with: \(paths[2])   (the array of \(shards) shards, then the merge job after it)")
            return
        }
        let array = try sbatch(["--parsable", paths[0]])
        let merge = try sbatch(["--parsable", "--dependency=afterok:\(array)", paths[1]])
        print("submitted array job \(array) (\(shards) shards) and merge job \(merge) (afterok:\(array)); results in \(job.out)")
    }

    /// Runs sbatch with `args`; returns the job id it prints (`--parsable`: id[;cluster]).
    func sbatch(_ args: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["sbatch"] + args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        do { try p.run() } catch {
            FileHandle.standardError.write(Data("andromeda-sim: cannot run sbatch: \(error)\n".utf8))
            throw ExitCode(1)
        }
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let id = String(decoding: o, as: UTF8.self).split(separator: ";").first.map {
            $0.trimmingCharacters(in: .whitespacesAndNewlines)
        } ?? ""
        guard p.terminationStatus == 0, !id.isEmpty, id.allSatisfy(\.isNumber) else {
            FileHandle.standardError.write(Data(("andromeda-sim: sbatch \(args.joined(separator: " ")) failed (status \(p.terminationStatus)): "
                + String(decoding: e, as: UTF8.self) + "\n").utf8))
            throw ExitCode(1)
        }
        return id
    }
}
