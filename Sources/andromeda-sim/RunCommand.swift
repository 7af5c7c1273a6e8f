import AndromedaSim
import ArgumentParser
import Foundation

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a scenario: print a table and write CSV and JSON results.",
        discussion: """
            SCENARIO is a path (Scenarios/genslm.json; scenarios/genslm.json also works from the
            repository root) or the name of a built-in scenario (genslm), which works from anywhere.
            Outputs go to --out (default out/<scenario name>/): scaling.csv and summary.json, which
            depend only on the scenario and its seed, and timing.json with wall-clock figures. They
            are written to a staging folder beside --out and swapped in as one set, so the folder
            always holds one whole run; --out must be new, empty or an earlier run's output (its
            marker file .andromeda-sim-output.json says so: a folder of yours is never cleared), and a
            second run into the same folder at the same time is refused (exit 2).
            Example: andromeda-sim run scenarios/genslm.json --out out/genslm
            """
    )

    @Argument(help: "Scenario file or built-in name.") var scenario: String
    @Option(help: "Output folder (default out/<scenario name>).") var out: String?
    @Flag(help: "Simulate every step in detail (turn off the steady-state fast-forward).") var fullDetail = false
    @Flag(help: "Print nothing but errors.") var quiet = false
    @Option(help: "Write a Chrome/Perfetto trace JSON here (capped at 500,000 events): inside --out, or a new path or a trace andromeda-sim wrote outside any other output folder.")
    var trace: String?

    func validate() throws {
        if let trace {
            var isDirectory: ObjCBool = false
            guard !trace.isEmpty, !trace.hasSuffix("/"),
                  !(FileManager.default.fileExists(atPath: trace, isDirectory: &isDirectory) && isDirectory.boolValue) else {
                throw ValidationError("--trace must name a file (got \"\(trace)\")")
            }
        }
    }

    func run() throws {
        let clock = ContinuousClock()
        let t0 = clock.now
        let parsed: Scenario
        let scenarioFile: String?
        do { (parsed, scenarioFile) = try Andromeda.open(scenario) } catch { fail(describe(error)) }
        let dir = out ?? "out/\(parsed.name)"
        // Checked against the inputs and locked before the run; staged and swapped in as one set after it.
        let folder: RunFolder
        do {
            folder = try RunFolder(dir, scenario: parsed, scenarioFile: scenarioFile, trace: trace)
        } catch let e as OutputRefused { fail(e.commandLineMessage) } catch { cannotWrite(error) }
        let timeline = trace.map { _ in ChromeTrace() }
        let run: Andromeda.Results
        do {
            run = try ProgressBar.around("run \(parsed.name)", show: !quiet) {
                // An exact-contention run states its expected cost first (standard error).
                try Andromeda.run(parsed, fullDetail: fullDetail, trace: timeline,
                                  notice: quiet ? nil : { writeStandardError($0 + "\n") })
            }
        } catch { fail("\(scenario): \(error)") }
        let results = run.scaling, policyRuns = run.policies
        let timing = RunTiming(run, wallSeconds: RunTiming.seconds(clock.now - t0), fullDetail: fullDetail)
        do {
            try folder.write(run, timing: timing, timeline: timeline)
        } catch let e as OutputRefused {
            fail(e.commandLineMessage)
        } catch {
            cannotWrite(error)
        }
        if !quiet {
            print("scenario \(parsed.name) (seed \(parsed.seed))")
            if !results.rows.isEmpty { print(ScalingOutputs.table(results), terminator: "") }
            if !policyRuns.isEmpty {
                print("shared cluster: \(timing.clusterJobs) jobs on \(parsed.cluster.systems) systems, every policy:")
                print(ClusterOutputs.table(policyRuns), terminator: "")
            }
            let allocated = timing.allocator.map { String(format: ", jemalloc allocated %.1f MiB", Double($0.allocatedBytes) / 1_048_576) } ?? ""
            let split = policyRuns.isEmpty ? "" : " (cluster \(timing.clusterEvents), contention probes \(timing.contentionProbeEvents))"
            print(String(format: "wall %.3f s, %llu events%@ (%.2f M events/s), peak RSS %.1f MiB%@; wrote %@/",
                         timing.wallSeconds, timing.events, split as NSString, timing.eventsPerSecond / 1e6,
                         Double(timing.peakResidentBytes) / 1_048_576, allocated as NSString, dir as NSString))
        }
    }
}
