import XCTest
import Hardware
import SimEngine
import Training
@testable import Cluster

final class ClusterSimulationTests: XCTestCase {
    func job(_ id: String, user: String = "u", submit: Double = 0, model: String = "genslm-123m", systems: Int = 4,
             batch: Int = 8, samples: Int64 = 20_000, priority: Int = 0) throws -> JobSpec {
        var t = TrainingSpec(model: try XCTUnwrap(ModelCatalog.model(named: model)), systems: systems, perSystemBatch: batch,
                             stopping: .samples(samples))
        t.checkpointEverySteps = 100
        return JobSpec(id: id, user: user, submit: SimTime(nanoseconds: Int64(submit * 1e9)), training: t, priority: priority)
    }

    func simulate(_ jobs: [JobSpec], policy: String = "fifo", config: ClusterConfig = ClusterConfig(),
                  cluster: ClusterSpec = ClusterSpec()) throws -> [JobResult] {
        let sim = ClusterSimulation(jobs: jobs, policy: try XCTUnwrap(PolicyName(rawValue: policy)).make(), config: config, cluster: cluster)
        let r = try sim.run()
        XCTAssertGreaterThan(sim.invariantChecks, 0)
        return r
    }

    /// A probe compiles each job's plan once per configuration and first system: a second probe
    /// of the same mix with other stopping rules compiles nothing and measures the same steps as
    /// fresh probes do.
    func testProbesReusePlansAndMeasureTheSameSteps() throws {
        let a = try job("a", systems: 2, samples: 20_000).training
        var b = a
        b.stopping = .samples(90_000)
        let probes = ContentionProbes(cluster: ClusterSpec(), efficiency: EfficiencyModel(), seed: 42)
        let first = try probes.probe([a, a])
        XCTAssertEqual(probes.plansCompiled, 2)
        let again = try probes.probe([b, b])
        XCTAssertEqual(probes.plansCompiled, 2)
        XCTAssertEqual(again, first)
        let fresh = ContentionProbes(cluster: ClusterSpec(), efficiency: EfficiencyModel(), seed: 42)
        XCTAssertEqual(try fresh.probe([b, b]), first)
    }

    func testJobsThatFitRunTogetherAndOthersWait() throws {
        let r = try simulate([try job("a", systems: 8), try job("b", systems: 8), try job("c", systems: 16)])
        XCTAssertEqual(r.map(\.state), [.finished, .finished, .finished])
        XCTAssertEqual(r[0].firstStart, .zero)
        XCTAssertEqual(r[1].firstStart, .zero)
        // c needs the whole cluster: it starts when both a and b are done.
        let cStart = try XCTUnwrap(r[2].firstStart)
        XCTAssertEqual(cStart, max(try XCTUnwrap(r[0].end), try XCTUnwrap(r[1].end)))
        XCTAssertEqual(r[2].segments.count, 1)
        XCTAssertEqual(r[0].segments[0].systems, Array(0..<8))
        XCTAssertEqual(r[1].segments[0].systems, Array(8..<16))
    }

    func testHeavyTenantsSlowEachOtherThroughSharedMemoryX() throws {
        // Small batches of a large model are streaming-bound: two at once share MemoryX.
        // (Short sequences: little compute per streamed weight.)
        var heavy = try job("h", model: "cerebras-gpt-6.7b", systems: 1, batch: 1).training
        heavy.model.seqLen = 512
        // (Long sequences: attention makes the step compute-heavy, so its MemoryX duty is small.)
        var light = try job("l", systems: 1, batch: 8).training
        light.model.seqLen = 40_960
        var results: [ContentionMode: (alone: Int64, together: [Int64])] = [:]
        for mode in [ContentionMode.exact, .meanField] {
            let model = mode.make(probes: ContentionProbes(cluster: ClusterSpec(), efficiency: EfficiencyModel(), seed: 1))
            XCTAssertEqual(model.mode, mode)
            let alone = try model.solo(heavy).stepNanoseconds
            let together = try model.sharing([heavy, heavy])
            XCTAssertGreaterThan(Double(together[0]), Double(alone) * 1.3, "\(mode): two heavy tenants must slow each other")
            // Identical tenants see the same slowdown (the exact method's window measures each
            // from its own start offset, so within a fraction of a percent).
            XCTAssertEqual(Double(together[0]), Double(together[1]), accuracy: Double(together[0]) * 0.005)
            // A compute-bound job barely notices a neighbour.
            let lightAlone = try model.solo(light).stepNanoseconds
            let mixed = try model.sharing([light, light])
            XCTAssertLessThan(Double(mixed[0]), Double(lightAlone) * 1.05, "\(mode)")
            XCTAssertEqual(try model.sharing([heavy, heavy]), together, "cached")
            // exact: the heavy pair, and the light pair unless its streams are below the contention
            // threshold; mean-field: the two background levels around the heavy neighbour's duty.
            XCTAssert((mode == .exact ? 1...2 : 2...2).contains(model.probes.simulated), "\(mode): \(model.probes.simulated) probes")
            results[mode] = (alone, together)
        }
        // The mean-field approximation stays close to co-simulating both tenants.
        let exact = try XCTUnwrap(results[.exact]).together[0], mean = try XCTUnwrap(results[.meanField]).together[0]
        XCTAssertEqual(Double(mean), Double(exact), accuracy: 0.15 * Double(exact))
    }

    func testImpossibleJobsAreRejectedWithAReason() throws {
        var hw = ClusterSpec()
        hw.memoryX.capacityBytes = 50e9
        let r = try simulate([try job("big", model: "cerebras-gpt-6.7b", systems: 1, batch: 1), try job("wide", systems: 32),
                         try job("ok", systems: 2)], cluster: hw)
        XCTAssertEqual(r[0].state, .rejected)
        XCTAssert(r[0].reason.contains("MemoryX"), r[0].reason)
        XCTAssertEqual(r[1].state, .rejected)
        XCTAssert(r[1].reason.contains("32 systems"), r[1].reason)
        XCTAssertEqual(r[2].state, .finished)
    }

    func testMemoryXCapacityAndNodeGroupsMakeJobsWait() throws {
        var hw = ClusterSpec()
        let big = try job("a", model: "cerebras-gpt-6.7b", systems: 1, batch: 1, samples: 3000)
        let state = Double(big.training.model.parameters) * 16
        hw.memoryX.capacityBytes = state * 1.5      // room for one at a time
        let r = try simulate([big, try job("b", model: "cerebras-gpt-6.7b", systems: 1, batch: 1, samples: 3000)], cluster: hw)
        XCTAssertEqual(r[1].firstStart, r[0].end, "b waits for a's MemoryX state to be released")
        var groups = ClusterConfig()
        groups.memoryXNodeGroups = 1
        let g = try simulate([try job("c", systems: 1), try job("d", systems: 1)], config: groups)
        XCTAssertEqual(g[1].firstStart, g[0].end, "one node group serves one job at a time")
    }

    func testCompileCacheFillsWhenACompileFinishes() throws {
        let a = try job("a", systems: 2, samples: 2000)
        let first = try simulate([a])[0]
        let later = try job("b", submit: try XCTUnwrap(first.end).seconds + 60, systems: 2, samples: 2000)
        let together = try job("c", submit: 60, systems: 2, samples: 2000)
        let r = try simulate([a, later, together])
        let compile = a.training.fixedCosts.compile.nanoseconds
        // b comes after a's compile: cached. c starts while a is still compiling: compiles too.
        XCTAssertEqual(r[0].soloRunTime.nanoseconds - r[1].soloRunTime.nanoseconds, compile)
        XCTAssertEqual(r[2].soloRunTime, r[0].soloRunTime)
    }

    func testOtherJobsDoNotRestartAFinalCheckpoint() throws {
        let a = try job("a", systems: 1, samples: 4004)          // 501 steps: a final checkpoint of its own
        let alone = try simulate([a])[0]
        // Short jobs arrive every 30 s while a writes its final checkpoint (about 4 minutes).
        let end = try XCTUnwrap(alone.end).seconds
        let others = try (0..<12).map { k in
            var o = try job("o\(k)", submit: end - 400 + Double(k) * 30, systems: 1, samples: 100)
            o.training.fixedCosts.compileCached = true     // their start-ups end inside a's checkpoint
            return o
        }
        let crowded = try simulate([a] + others)
        XCTAssertEqual(crowded[0].end, alone.end, "the final checkpoint ends when it would alone")
    }

    func testFailuresRestartFromTheLastCheckpointAndCountLostWork() throws {
        var cfg = ClusterConfig()
        cfg.failures = FailureModel(mtbf: .seconds(3 * 3600), repair: .seconds(600))
        let jobs = try (0..<6).map { try job("j\($0)", systems: 4, samples: 200_000) }
        let r = try simulate(jobs, config: cfg)
        XCTAssert(r.allSatisfy { $0.state == .finished })
        XCTAssertGreaterThan(r.reduce(0) { $0 + $1.restarts }, 0)
        XCTAssertGreaterThan(r.reduce(Int64(0)) { $0 + $1.lostWork.nanoseconds }, 0)
        let failed = r.first { $0.restarts > 0 }
        XCTAssertEqual(failed?.segments.first?.reasonEnded, "failure")
        XCTAssertEqual(try simulate(jobs, config: cfg), r, "same seed, same run")
    }

    func testPriorityPreemptionCheckpointsAndRequeues() throws {
        let low = try job("low", systems: 16, samples: 400_000, priority: 0)
        let high = try job("high", submit: 3600, systems: 8, samples: 10_000, priority: 5)
        let r = try simulate([low, high], policy: "priority-preempt")
        XCTAssertEqual(r[0].restarts, 1)
        XCTAssertEqual(r[0].segments.first?.reasonEnded, "preempted")
        XCTAssertEqual(r[1].state, .finished)
        XCTAssertLessThan(try XCTUnwrap(r[1].end), try XCTUnwrap(r[0].end))
        XCTAssertEqual(r[0].state, .finished)
    }

    func testMaintenanceDrainsSystems() throws {
        var cfg = ClusterConfig()
        cfg.maintenance = [MaintenanceWindow(start: SimTime(nanoseconds: 1_800_000_000_000), duration: .seconds(7200), systems: [0, 1])]
        let r = try simulate([try job("a", systems: 16, samples: 300_000)], config: cfg)
        XCTAssertEqual(r[0].state, .finished)
        XCTAssertEqual(r[0].segments.first?.reasonEnded, "maintenance")
        XCTAssertEqual(r[0].segments.count, 2)
        XCTAssertGreaterThanOrEqual(r[0].segments[1].start, SimTime(nanoseconds: 1_800_000_000_000 + 7_200_000_000_000))
    }

    func testHorizonLeavesUnfinishedJobsWithAReason() throws {
        var cfg = ClusterConfig()
        cfg.horizon = SimTime(nanoseconds: 600_000_000_000)
        let r = try simulate([try job("a", systems: 16), try job("b", systems: 16)], config: cfg)
        XCTAssertEqual(r.map(\.state), [.unfinished, .unfinished])
        XCTAssert(r[1].reason.contains("queued"), r[1].reason)
    }
}
