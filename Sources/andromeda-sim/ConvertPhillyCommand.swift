import AndromedaSim
import ArgumentParser
import Foundation
import Workloads

struct ConvertPhillyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert-philly",
        abstract: "Convert a flattened Microsoft Philly job log to an andromeda-sim trace CSV (rule in docs/workloads.md).",
        discussion: "Example: andromeda-sim convert-philly philly.csv --out traces/philly-trace.csv --gpus-per-system 8"
    )

    @Argument(help: "Flattened Philly CSV (jobid,user,submitted_time,num_gpus,duration_s).") var input: String
    @Option(help: "Output trace CSV: a new path (an existing file is refused, never replaced).") var out: String
    @Option(parsing: .unconditional, help: "GPUs that stand for one CS-2 (1-1024).") var gpusPerSystem: Int = 8
    @Option(parsing: .unconditional, help: "Largest gang in systems (1-\(ClusterSpec.maxSystems)).") var maxSystems: Int = 16
    @Option(parsing: .unconditional, help: "Sustained FLOP/s of one Philly GPU (1e9-1e16).") var flopsPerGpu: Double = 5e12

    func validate() throws {
        guard (1...1024).contains(gpusPerSystem), ClusterSpec.systemsRange.contains(maxSystems), (1e9...1e16).contains(flopsPerGpu) else {
            throw ValidationError("--gpus-per-system 1-1024, --max-systems 1-\(ClusterSpec.maxSystems), --flops-per-gpu 1e9-1e16")
        }
    }

    func run() throws {
        var o = PhillyConverter.Options()
        o.gpusPerSystem = gpusPerSystem
        o.maxSystems = maxSystems
        o.flopsPerGPUSecond = flopsPerGpu
        TraceConversion.runCommand(input: input, out: out, what: "Philly log") { text in
            try PhillyConverter.convert(text: text, file: input, options: o)
        }
    }
}
