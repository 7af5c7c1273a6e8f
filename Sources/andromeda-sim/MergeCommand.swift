import AndromedaSim
import ArgumentParser
import Foundation

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Join the folders of a sharded sweep into the files one machine would have written.",
        discussion: "Example: andromeda-sim merge --out out/all out/shard0 out/shard1"
    )

    @Option(help: "Output folder.") var out: String
    @Argument(help: "Shard output folders.") var shards: [String]

    func run() throws {
        guard let first = shards.first, let def = SweepRunner.storedDefinition(first) else {
            fail("\(shards.first ?? "merge"): no readable sweep.json (not a sweep output folder)")
        }
        let sweep = SweepCommand.load(def.source, def.parameters)
        do {
            try OutputSafety.checkFolder(OutputLock.checked(out), shown: out,
                                         against: OutputSafety.inputs(scenarioFile: SweepCommand.sourceFile(def.source), sweep.scenario))
        } catch { fail("\(error)") }
        do {
            let complete = try SweepRunner.merge(sweep, source: def.source, shards: shards, into: out)
            print(complete ? "wrote \(out)/sweep_scaling.csv and sweep_cluster.csv"
                           : "merged; some points are still missing (run the remaining shards)")
        } catch let e as SweepError {
            fail("\(e)")
        } catch let e as OutputRefused {
            fail("\(e)")
        } catch {
            cannotWrite(error)
        }
    }
}
