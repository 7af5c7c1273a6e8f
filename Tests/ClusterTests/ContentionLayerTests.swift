import Foundation
import XCTest
import Hardware
import SimEngine
import Training
@testable import Cluster

/// Unit tests of the contention layer (issue 19, item 7): the MixStore's waiting threads and the
/// window (`ProbeWindow`) that exact contention measures a mix over.
final class ContentionLayerTests: XCTestCase {
    private func spec(_ model: String, systems: Int, batch: Int) throws -> TrainingSpec {
        TrainingSpec(model: try XCTUnwrap(ModelCatalog.model(named: model)), systems: systems, perSystemBatch: batch,
                     stopping: .samples(10_000))
    }

    /// A thread-safe counter and record for the closures the threads run.
    private final class Tally: @unchecked Sendable {
        private let lock = NSLock()
        private var measured = 0, failures = 0
        private var answers: [(id: Int, times: [Int64])] = []
        func measure() -> Int { lock.lock(); defer { lock.unlock() }; measured += 1; return measured }
        func fail() { lock.lock(); failures += 1; lock.unlock() }
        func answer(_ a: (id: Int, times: [Int64])) { lock.lock(); answers.append(a); lock.unlock() }
        var snapshot: (measured: Int, failures: Int, answers: [(id: Int, times: [Int64])]) {
            lock.lock(); defer { lock.unlock() }; return (measured, failures, answers)
        }
    }

    /// Eight threads ask for the same mix at once: it is measured once, the others wait for that
    /// measurement instead of repeating it, and all get the same id and times.
    func testAMixIsMeasuredOnceWhileTheOtherThreadsWait() throws {
        let store = MixStore(), tally = Tally()
        let mix = [try spec("genslm-123m", systems: 2, batch: 32), try spec("cerebras-gpt-590m", systems: 1, batch: 64)]
        let keys = mix.map(JobConfiguration.init)
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            let a = try? store.times(keys, mix: mix) { () throws(TrainingError) in
                let n = tally.measure()
                Thread.sleep(forTimeInterval: 0.05)   // long enough for the others to arrive and wait
                return (times: [Int64(1000 + n), Int64(2000 + n)], events: 10)
            }
            if let a { tally.answer(a) }
        }
        let s = tally.snapshot
        XCTAssertEqual(s.measured, 1, "a second thread measured a mix being measured")
        XCTAssertEqual(s.answers.count, 8)
        XCTAssertEqual(Set(s.answers.map(\.id)), [0])
        XCTAssert(s.answers.allSatisfy { $0.times == [1001, 2001] })
        // Another mix of the same configurations (other specs) is a mix of its own.
        var other = mix
        other[0].perSystemBatch = 16
        let b = try store.times(keys, mix: other) { () throws(TrainingError) in (times: [7, 8], events: 1) }
        XCTAssertEqual(b.id, 1)
        XCTAssertEqual(b.times, [7, 8])
    }

    /// When the measuring thread fails, a waiting thread measures the mix itself; the failure
    /// reaches only the thread that failed.
    func testAFailedMeasurementIsTakenOverByAWaiter() throws {
        let store = MixStore(), tally = Tally()
        let mix = [try spec("genslm-123m", systems: 1, batch: 32), try spec("genslm-123m", systems: 1, batch: 32)]
        let keys = mix.map(JobConfiguration.init)
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            do {
                let a = try store.times(keys, mix: mix) { () throws(TrainingError) in
                    let n = tally.measure()
                    Thread.sleep(forTimeInterval: 0.05)
                    if n == 1 { throw TrainingError("the first measurement fails") }
                    return (times: [5, 6], events: 3)
                }
                tally.answer(a)
            } catch {
                tally.fail()
            }
        }
        let s = tally.snapshot
        XCTAssertEqual(s.failures, 1)
        XCTAssertEqual(s.measured, 2, "exactly one waiter took over")
        XCTAssertEqual(s.answers.count, 3)
        XCTAssert(s.answers.allSatisfy { $0.id == 0 && $0.times == [5, 6] })
    }

    /// counts(_:) replays the request logs in the order given, as one cache would have seen them.
    func testCountsReplayTheLogsAsOneCache() throws {
        let store = MixStore()
        let a = [try spec("genslm-123m", systems: 1, batch: 32)], b = [try spec("genslm-1.3b", systems: 1, batch: 16)]
        _ = try store.times(a.map(JobConfiguration.init), mix: a) { () throws(TrainingError) in (times: [1], events: 100) }
        _ = try store.times(b.map(JobConfiguration.init), mix: b) { () throws(TrainingError) in (times: [2], events: 40) }
        let c = store.counts([[1, 1], [0, 1, 0]])
        XCTAssertEqual(c.map(\.simulated), [1, 1])
        XCTAssertEqual(c.map(\.cacheHits), [1, 2])
        XCTAssertEqual(c.map(\.events), [40, 100])
        let reversed = store.counts([[0, 1, 0], [1, 1]])
        XCTAssertEqual(reversed.map(\.simulated), [2, 0])
        XCTAssertEqual(reversed.map(\.cacheHits), [1, 2])
    }

    /// The window measures a contending mix as the full co-simulation does, within the largest
    /// difference docs/cluster.md reports over the FIFO week (11 %), with fewer events; both are
    /// slower than each job alone. A window shorter than a step (no whole step, two passes) is
    /// measured too and must still see the contention.
    func testTheWindowAgreesWithTheFullCoSimulationOnAContendingMix() throws {
        let probes = ContentionProbes(cluster: ClusterSpec(), efficiency: EfficiencyModel(), seed: 3)
        let mix = [try spec("cerebras-gpt-6.7b", systems: 4, batch: 8), try spec("llama-7b", systems: 4, batch: 8),
                   try spec("cerebras-gpt-2.7b", systems: 4, batch: 8)].map(ContentionProbes.probeSpec)
        let alone = try mix.map { (s) throws(TrainingError) in try probes.solo(s).stepNanoseconds }
        var before = probes.events
        let window = try probes.coSimulate(mix, window: ProbeWindow())
        let windowEvents = probes.events &- before
        before = probes.events
        let full = try probes.probe(mix)
        let fullEvents = probes.events &- before
        for i in mix.indices {
            XCTAssertGreaterThan(Double(full[i]), Double(alone[i]) * 1.02, "job \(i) must contend")
            XCTAssertEqual(Double(window[i]), Double(full[i]), accuracy: Double(full[i]) * 0.11, "job \(i)")
            XCTAssertGreaterThan(window[i], alone[i], "job \(i): the window sees the contention")
        }
        XCTAssertLessThan(windowEvents, fullEvents, "the window stops before three steps of every job")
        var short = ProbeWindow()
        short.minSteps = 0
        short.minPasses = 2
        short.length = SimDuration(nanoseconds: 1_000_000)
        before = probes.events
        let quick = try probes.coSimulate(mix, window: short)
        XCTAssertLessThan(probes.events &- before, windowEvents, "a shorter window simulates less")
        for i in mix.indices { XCTAssertGreaterThan(quick[i], alone[i], "job \(i)") }
    }

    /// The shared cluster's per-change path is a requirement of `ContentionModel` (nothing
    /// downcasts to mean-field): through `any ContentionModel`, both models give the step times
    /// of `sharing(_:)` from the jobs' facts and table ids.
    func testThePerChangePathGivesTheSharingStepTimes() throws {
        let mix = [try spec("cerebras-gpt-6.7b", systems: 4, batch: 8), try spec("llama-7b", systems: 4, batch: 8)]
            .map(ContentionProbes.probeSpec)
        for mode in [ContentionMode.meanField, .exact] {
            let model: any ContentionModel = mode.make(probes: ContentionProbes(cluster: ClusterSpec(), efficiency: EfficiencyModel(), seed: 3))
            let solos = try mix.map { (s) throws(TrainingError) in try model.solo(s) }
            let duties = solos.map(\.memoryXDuty), steps = solos.map(\.stepNanoseconds), ids = mix.map { model.tableID($0) }
            var out = [Int64](repeating: 0, count: mix.count)
            try out.withUnsafeMutableBufferPointer { (o) throws(TrainingError) in
                try model.sharing(count: mix.count, duties: duties, solos: steps, ids: ids, spec: { mix[$0] }, into: o.baseAddress!)
            }
            XCTAssertEqual(out, try model.sharing(mix), "\(mode)")
            XCTAssertGreaterThan(out[0], steps[0], "\(mode): the mix contends")
        }
    }
}
