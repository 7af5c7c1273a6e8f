import AndromedaSim
import ArgumentParser
import Foundation
import Reports
import SimHost

struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Run a scenario over a grid of parameters, in parallel, resumably, optionally as one shard of many.",
        discussion: """
            Each --param adds a dimension: name=v1,v2,... The grid is their Cartesian product (the first
            --param varies slowest). Results go to --out (default out/<scenario>-sweep/): sweep_scaling.csv
            and sweep_cluster.csv, byte-identical for any --workers and any sharding. Finished points are
            kept in points/; re-running into the same folder skips them (so Ctrl-C loses nothing finished).
            --shard i/n (0 <= i < n) runs the points k with k mod n = i (e.g. i=$SLURM_ARRAY_TASK_ID);
            `andromeda-sim merge` joins the shard folders. --slurm N writes Slurm job arrays of N shards in all (chunks of at most
            --max-array-size, the cluster's MaxArraySize) and a merge job that depends on every one of them into
            <out>/slurm/ (--submit also submits them with sbatch; docs/api.md).
            Parameters:
            \(SweepParameter.help)
            Example: andromeda-sim sweep genslm --param systems=1,2,4,8,16 --param defect_rate=0,0.15 --workers 2
            """
    )

    @Argument(help: "Scenario file or built-in name.") var scenario: String
    @Option(name: .customLong("param"), help: "name=v1,v2,... (repeatable).") var params: [String] = []
    @Option(parsing: .unconditional, help: "Worker threads, each pinned to its own core (default: the CPUs this process may use).") var workers: Int?
    @Option(parsing: .unconditional, help: "Run only shard i of n (i/n, 0 <= i < n).") var shard: String?
    @Option(help: "Output folder (default out/<scenario>-sweep).") var out: String?
    @Flag(help: "No progress bar.") var quiet = false
    @Option(parsing: .unconditional, help: "Write a Slurm job array of N shards and a merge job into <out>/slurm/ instead of running.") var slurm: Int?
    @Flag(help: "With --slurm: submit the array and the merge job (afterok) with sbatch.") var submit = false
    @Option(name: .customLong("sbatch-option"), help: "With --slurm: an extra #SBATCH option, e.g. --partition=cpu (repeatable).")
    var sbatchOptions: [String] = []
    @Option(parsing: .unconditional, help: "With --slurm: the most tasks per job array (the cluster's MaxArraySize, 1-4000001; default: read with scontrol show config, else 1001); more shards are split into several arrays.")
    var maxArraySize: Int?

    func validate() throws {
        if let w = workers, !(1...1024).contains(w) { throw ValidationError("--workers must be 1 to 1024") }
        if let s = shard, SweepCommand.parseShard(s) == nil { throw ValidationError("--shard must be i/n with 0 <= i < n <= 100000") }
        guard !params.isEmpty else { throw ValidationError("give at least one --param name=v1,v2,...") }
        if let n = slurm, !(1...100_000).contains(n) { throw ValidationError("--slurm must be 1 to 100000 shards") }
        if slurm != nil, shard != nil { throw ValidationError("--slurm writes every shard's job; leave out --shard") }
        if slurm == nil, submit || !sbatchOptions.isEmpty || maxArraySize != nil {
            throw ValidationError("--submit, --sbatch-option and --max-array-size need --slurm N")
        }
        if let m = maxArraySize, !(1...SlurmSweep.maxArraySizeLimit).contains(m) {
            throw ValidationError("--max-array-size must be 1 to \(SlurmSweep.maxArraySizeLimit)")
        }
    }

    static func parseShard(_ s: String) -> (Int, Int)? {
        let parts = s.split(separator: "/")
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n >= 1, n <= 100_000, i >= 0, i < n else { return nil }
        return (i, n)
    }

    static func load(_ scenario: String, _ params: [String]) -> Sweep {
        load(scenario) { () throws(SweepError) in try params.map { (p) throws(SweepError) in try SweepParameter(parsing: p) } }
    }

    /// The sweep of `parameters` (evaluated after the scenario is loaded, so that a scenario
    /// error is reported first) over `scenario`; exits with status 2 on an error.
    static func load(_ scenario: String, _ parameters: () throws(SweepError) -> [SweepParameter]) -> Sweep {
        do {
            return try Sweep(scenario: try Andromeda.load(scenario), parameters: try parameters())
        } catch {
            fail(describe(error))
        }
    }

    /// `scenario` as recorded in sweep.json: the absolute path of the file it names, so that
    /// `merge` finds it from any folder, or the built-in name.
    static func recordedSource(_ scenario: String) -> String {
        guard case .file(let path)? = try? ScenarioLocator.load(scenario).source else { return scenario }
        return URL(fileURLWithPath: path).standardizedFileURL.path
    }

    /// The scenario file of a recorded source (an absolute path), or nil for a built-in name.
    static func sourceFile(_ source: String) -> String? { source.hasPrefix("/") ? source : nil }

    func run() throws {
        let source = Self.recordedSource(scenario)
        let sweep = Self.load(source, params)
        let dir = out ?? "out/\(sweep.scenario.name)-sweep"
        do {
            try OutputSafety.checkFolder(OutputLock.checked(dir), shown: dir,
                                         against: OutputSafety.inputs(scenarioFile: Self.sourceFile(source), sweep.scenario))
        } catch { fail(describe(error)) }
        if let n = slurm { return try writeSlurm(sweep, source: source, shards: n, directory: dir) }
        let count = workers ?? max(1, CPUBinder.shared.allowedCPUs.count)
        let sh = shard.flatMap(Self.parseShard) ?? (0, 1)
        let tty = isatty(2) == 1 && !quiet
        let clock = ContinuousClock()
        let t0 = clock.now
        do {
            let started = SweepPointCounter()
            let outcome = try SweepRunner.run(sweep, source: source, directory: dir, workers: count, shard: sh) { done, total in
                guard tty else { return }
                // The ETA from the points this run finished (points already on disk took no time).
                let ran = started.next(done)
                let el = clock.now - t0
                let secs = Double(el.components.seconds) + Double(el.components.attoseconds) * 1e-18
                let eta = ran > 0 ? secs / Double(ran) * Double(total - done) : nil
                let text = ProgressBar.line("sweep", fraction: total > 0 ? Double(done) / Double(total) : 1, eta: eta)
                writeStandardError("\r\(text) \(done)/\(total) points\u{1B}[K")
            }
            if tty { writeStandardError("\n") }
            let el = clock.now - t0
            let secs = Double(el.components.seconds) + Double(el.components.attoseconds) * 1e-18
            if !quiet {
                print(String(format: "%d points (%d run, %d already done) on %d workers in %.2f s; %@", outcome.points, outcome.ran,
                             outcome.skipped, count, secs,
                             (outcome.complete ? "wrote \(dir)/sweep_scaling.csv and sweep_cluster.csv"
                                               : "shard done; join the shards with andromeda-sim merge") as NSString))
            }
        } catch let e as SweepError {
            fail(describe(e))
        } catch let e as OutputRefused {
            fail(e.commandLineMessage)
        } catch {
            cannotWrite(error)
        }
    }
}
