import AndromedaSim
import ArgumentParser
import Foundation
import Workloads

struct ConvertSWFCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert-swf",
        abstract: "Convert a Parallel Workloads Archive SWF log to an andromeda-sim trace CSV (rule in docs/workloads.md).",
        discussion: """
            Cancelled jobs (status 5) and jobs that never ran are skipped; -1 marks a missing field.
            Example: andromeda-sim convert-swf SDSC-SP2-1998-4.2-cln.swf --out traces/sdsc.csv --processors-per-system 64
            """
    )

    @Argument(help: "SWF log (18 whitespace-separated fields per line, ';' header comments).") var input: String
    @Option(help: "Output trace CSV: a new path (an existing file is refused, never replaced).") var out: String
    @Option(parsing: .unconditional, help: "Processors that stand for one CS-2 (1-1000000).") var processorsPerSystem: Int = 64
    @Option(parsing: .unconditional, help: "Largest gang in systems (1-\(ClusterSpec.maxSystems)).") var maxSystems: Int = 16
    @Option(parsing: .unconditional, help: "Sustained FLOP/s of one logged processor (1e6-1e16).") var flopsPerProcessor: Double = 1e10

    func validate() throws {
        guard (1...1_000_000).contains(processorsPerSystem), ClusterSpec.systemsRange.contains(maxSystems),
              flopsPerProcessor.isFinite, (1e6...1e16).contains(flopsPerProcessor) else {
            throw ValidationError("--processors-per-system 1-1000000, --max-systems 1-\(ClusterSpec.maxSystems), --flops-per-processor 1e6-1e16")
        }
    }

    func run() throws {
        var o = SWFConverter.Options()
        o.processorsPerSystem = processorsPerSystem
        o.maxSystems = maxSystems
        o.flopsPerProcessorSecond = flopsPerProcessor
        TraceConversion.runCommand(input: input, out: out, what: "SWF log") { text in
            try SWFConverter.convert(text: text, file: input, options: o)
        }
    }
}
