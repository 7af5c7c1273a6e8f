import AndromedaSim
import ArgumentParser
import Foundation
import Reports
import Workloads

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Join the folders of a sharded sweep into the files one machine would have written.",
        discussion: """
            Shard folders are given as arguments, or one per line in the file of --shard-list (what the
            Slurm merge job does: any number of shards, no command-line limit), or both.
            Example: andromeda-sim merge --out out/all out/shard0 out/shard1
            """
    )

    @Option(help: "Output folder.") var out: String
    @Option(help: "A file listing shard folders, one per line.") var shardList: String?
    @Argument(help: "Shard output folders.") var shards: [String] = []

    /// The most shard folders a merge takes (one per point at most).
    static let maxShards = Sweep.maxPoints

    func validate() throws {
        guard !shards.isEmpty || shardList != nil else { throw ValidationError("give the shard folders as arguments or with --shard-list FILE") }
        guard shards.count <= Self.maxShards else {
            throw ValidationError("\(shards.count) shard folders; allowed: 1...\(Self.maxShards) (one per point at most)")
        }
    }

    func run() throws {
        var shards = self.shards
        if let list = shardList {
            // Read as far as the first folder too many (with those given as arguments), never further.
            do { shards += try ShardList.read(list, limit: Self.maxShards, besides: shards.count) } catch { fail(describe(error)) }
        }
        // A shard list may name no folder.
        guard !shards.isEmpty else { fail("give the shard folders as arguments or with --shard-list FILE") }
        let stored: (source: String, parameters: [SweepParameter])?
        do { stored = try SweepRunner.storedDefinition(shards[0]) } catch { fail(describe(error)) }
        guard let def = stored else { fail("\(shards[0]): no readable sweep.json (not a sweep output folder)") }
        let sweep = SweepCommand.load(def.source) { def.parameters }
        do {
            try OutputSafety.checkFolder(OutputLock.checked(out), shown: out,
                                         against: OutputSafety.inputs(scenarioFile: SweepCommand.sourceFile(def.source), sweep.scenario))
        } catch { fail(describe(error)) }
        do {
            let complete = try SweepRunner.merge(sweep, source: def.source, shards: shards, into: out)
            print(complete ? "wrote \(out)/sweep_scaling.csv and sweep_cluster.csv"
                           : "merged; some points are still missing (run the remaining shards)")
        } catch let e as SweepError {
            fail(describe(e))
        } catch let e as OutputRefused {
            fail(e.commandLineMessage)
        } catch {
            cannotWrite(error)
        }
    }
}
