import Foundation
import XCTest
import Cluster
import Hardware
import Reports
import SimEngine
import Training

/// The Chrome/Perfetto trace: valid JSON, the expected tracks, the cap, byte-identical output, and
/// no effect on the simulated results.
final class TraceTests: XCTestCase {
    func genslm(systems: Int, steps: Int64 = 400) throws -> TrainingSpec {
        var s = TrainingSpec(model: try XCTUnwrap(ModelCatalog.model(named: "genslm-123m")), systems: systems,
                             perSystemBatch: 32, stopping: .steps(steps))
        s.checkpointEverySteps = 100
        return s
    }

    func clusterJobs() throws -> [JobSpec] {
        func job(_ id: String, systems: Int, submit: Int64) throws -> JobSpec {
            var t = TrainingSpec(model: try XCTUnwrap(ModelCatalog.model(named: "genslm-123m")), systems: systems,
                                 perSystemBatch: 8, stopping: .samples(20_000))
            t.checkpointEverySteps = 100
            return JobSpec(id: id, user: "u", submit: SimTime(nanoseconds: submit), training: t)
        }
        // b needs the whole cluster, so it queues behind a.
        return [try job("a", systems: 8, submit: 0), try job("b", systems: 16, submit: 1_000_000_000)]
    }

    /// Traces a GenSLM-123M run on 1 system (tracks passed straight to the trace) and on 4 (in a
    /// group), then the cluster run; returns the trace and the results.
    func traceAll(maxEvents: Int = 500_000) throws -> (ChromeTrace, [TrainingResult], [JobResult]) {
        let trace = ChromeTrace(maxEvents: maxEvents)
        let one = try TrainingRun.simulate(try genslm(systems: 1), cluster: ClusterSpec(), seed: 42, trace: trace)
        let four = try TrainingRun.simulate(try genslm(systems: 4), cluster: ClusterSpec(), seed: 42,
                                            trace: trace.group("genslm-123m on 4 systems"))
        let sim = ClusterSimulation(jobs: try clusterJobs(), policy: PolicyName.fifo.make(),
                                    config: ClusterConfig())
        sim.trace = trace.group("cluster")
        let jobs = try sim.run()
        return (trace, [one, four], jobs)
    }

    struct Parsed {
        var events: [[String: Any]]
        var other: [String: Any]
        /// (pid, tid) -> thread name, pid -> process name.
        var threads: [[Int]: String]
        var processes: [Int: String]

        func events(onTrack name: String, process: String? = nil) -> [[String: Any]] {
            events.filter { e in
                guard let pid = e["pid"] as? Int, let tid = e["tid"] as? Int, e["ph"] as? String != "M" else { return false }
                return threads[[pid, tid]] == name && (process == nil || processes[pid] == process)
            }
        }
    }

    func parse(_ text: String) throws -> Parsed {
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
        let root = try XCTUnwrap(object as? [String: Any], "the trace is a JSON object")
        let events = try XCTUnwrap(root["traceEvents"] as? [[String: Any]], "traceEvents is an array of objects")
        let other = try XCTUnwrap(root["otherData"] as? [String: Any])
        var threads: [[Int]: String] = [:], processes: [Int: String] = [:]
        for e in events where e["ph"] as? String == "M" {
            let pid = try XCTUnwrap(e["pid"] as? Int), tid = try XCTUnwrap(e["tid"] as? Int)
            let name = (e["args"] as? [String: Any])?["name"] as? String
            if e["name"] as? String == "thread_name" { threads[[pid, tid]] = name }
            if e["name"] as? String == "process_name" { processes[pid] = name }
        }
        return Parsed(events: events, other: other, threads: threads, processes: processes)
    }

    func testTraceIsValidJSONWithTheExpectedTracks() throws {
        let (trace, results, _) = try traceAll()
        let p = try parse(trace.render())
        XCTAssertEqual(trace.droppedEvents, 0)
        XCTAssertEqual(p.other["dropped_events"] as? Int, 0)
        XCTAssertEqual(p.other["recorded_events"] as? Int, trace.recordedEvents)
        XCTAssertEqual(p.events.filter { $0["ph"] as? String != "M" }.count, trace.recordedEvents)

        let trackNames = Set(p.threads.values)
        for name in ["CS-2 0", "MemoryX out", "MemoryX in", "MemoryX optimizer", "SwarmX genslm-123m x1", "genslm-123m x1",
                     "SwarmX genslm-123m x4", "genslm-123m x4", "job a", "job b", "CS-2 15", "Cluster",
                     "CS-2 3", "genslm-123m x4 pacing"] {
            XCTAssert(trackNames.contains(name), "no track \(name) in \(trackNames.sorted())")
        }
        // Per-system lanes: each pass of the 4-system run names the system that paced it.
        let paced = p.events.compactMap { $0["name"] as? String }.filter { $0.contains("paced by CS-2 ") }
        XCTAssertFalse(paced.isEmpty)
        // Groups: tracks passed straight to the trace by kind, the others by their group.
        let processNames = Set(p.processes.values)
        for name in ["CS-2 systems", "MemoryX", "SwarmX", "Jobs", "genslm-123m on 4 systems", "cluster"] {
            XCTAssert(processNames.contains(name), "no process \(name) in \(processNames.sorted())")
        }

        // Every event has a phase, a time and a name; spans have a non-negative duration.
        for e in p.events where e["ph"] as? String != "M" {
            let ts = try XCTUnwrap(e["ts"] as? Double, "\(e)")
            XCTAssertGreaterThanOrEqual(ts, 0)
            XCTAssertNotNil(e["name"] as? String)
            if e["ph"] as? String == "X" { XCTAssertGreaterThanOrEqual(try XCTUnwrap(e["dur"] as? Double, "\(e)"), 0) }
        }

        // The 1-system run: one step span per step simulated in detail, the skipped ones as one
        // fast-forward span per stretch, a compute span per pass of every detailed step.
        let one = results[0]
        let job = p.events(onTrack: "genslm-123m x1")
        let steps = job.filter { ($0["name"] as? String)?.hasPrefix("step ") == true }
        XCTAssertEqual(Int64(steps.count), one.stepsToTrain - one.fastForwardedSteps)
        XCTAssertGreaterThan(one.fastForwardedSteps, 0)
        let skipped = job.compactMap { $0["name"] as? String }.filter { $0.hasPrefix("fast-forward ") }
            .compactMap { Int64($0.split(separator: " ")[1]) }
        XCTAssertEqual(skipped.reduce(0, +), one.fastForwardedSteps)
        // Checkpoints: simulated ones as spans, the ones inside a fast-forward named in its span.
        let crossed = job.compactMap { $0["name"] as? String }.filter { $0.hasPrefix("fast-forward ") && $0.hasSuffix(" checkpoints") }
            .compactMap { Int64($0.split(separator: " ")[3]) }
        XCTAssertEqual(Int64(job.filter { $0["name"] as? String == "checkpoint" }.count) + crossed.reduce(0, +), one.checkpoints)
        let lane = p.events(onTrack: "CS-2 0", process: "CS-2 systems")
        let opNames: Set<String> = ["gather", "norm1", "qkv", "attention", "proj", "norm2", "ffn-up", "activation", "ffn-down",
                                    "norm-final", "vocab", "loss"]
        let compute = lane.filter { $0["name"] as? String != "pass overhead" && !opNames.contains($0["name"] as? String ?? "") }
        // Every pass shows the fixed cost it pays (EfficiencyModel.passOverheadSeconds) nested at its start.
        XCTAssertEqual(lane.filter { $0["name"] as? String == "pass overhead" }.count, compute.count, "one pass-overhead span per pass")
        // Then its operations, as the mapping model prices them: a block's forward runs attention
        // after qkv; its backward runs them reversed.
        let ops = lane.compactMap { $0["name"] as? String }.filter(opNames.contains)
        XCTAssertEqual(ops.filter { $0 == "attention" }.count, ops.filter { $0 == "qkv" }.count)
        XCTAssertGreaterThan(ops.filter { $0 == "attention" }.count, 0)
        let firstBlock = try XCTUnwrap(ops.firstIndex(of: "norm1"))
        XCTAssertEqual(Array(ops[firstBlock..<(firstBlock + 3)]), ["norm1", "qkv", "attention"])
        for o in lane where opNames.contains(o["name"] as? String ?? "") {
            XCTAssertGreaterThan(try XCTUnwrap(o["dur"] as? Double), 0)
        }
        XCTAssertEqual(compute.count % steps.count, 0)
        XCTAssert(compute.contains { $0["name"] as? String == "L0 fwd m0" })
        XCTAssert(compute.contains { $0["name"] as? String == "L0 bwd m0" })
        let streams = p.events(onTrack: "MemoryX out", process: "MemoryX")
        XCTAssertEqual(streams.count, compute.count, "one weight broadcast per pass")
        XCTAssertEqual(p.events(onTrack: "SwarmX genslm-123m x1").count, streams.count)
        XCTAssert(p.events(onTrack: "MemoryX optimizer", process: "MemoryX").contains { $0["name"] as? String == "update L0" })

        // Cluster: b queues behind a, then runs; both hold systems; counters sampled.
        let b = p.events(onTrack: "job b", process: "cluster").compactMap { $0["name"] as? String }
        XCTAssertEqual(b, ["queued", "starting", "running"])
        XCTAssertEqual(p.events(onTrack: "CS-2 0", process: "cluster").compactMap { $0["name"] as? String }, ["a", "b"])
        let counters = p.events(onTrack: "Cluster").filter { $0["ph"] as? String == "C" }
        XCTAssert(counters.contains { $0["name"] as? String == "busy systems" && ($0["args"] as? [String: Any])?["value"] as? Int == 16 })
        XCTAssert(counters.contains { $0["name"] as? String == "queue length" })
    }

    func testTracingDoesNotChangeResults() throws {
        let (_, traced, tracedJobs) = try traceAll()
        let one = try TrainingRun.simulate(try genslm(systems: 1), cluster: ClusterSpec(), seed: 42)
        let four = try TrainingRun.simulate(try genslm(systems: 4), cluster: ClusterSpec(), seed: 42)
        XCTAssertEqual(traced, [one, four])
        let sim = ClusterSimulation(jobs: try clusterJobs(), policy: PolicyName.fifo.make(), config: ClusterConfig())
        XCTAssertEqual(tracedJobs, try sim.run())
    }

    func testCapKeepsAtMostMaxEventsAndCountsTheRest() throws {
        let (full, _, _) = try traceAll()
        let (trace, _, _) = try traceAll(maxEvents: 100)
        XCTAssertEqual(trace.recordedEvents, 100)
        XCTAssertEqual(trace.droppedEvents, full.recordedEvents - 100)
        let p = try parse(trace.render())
        let events = p.events.filter { $0["ph"] as? String != "M" }
        XCTAssertEqual(events.count, 101, "100 events and the capped marker")
        let marker = try XCTUnwrap(events.last)
        XCTAssertEqual(marker["s"] as? String, "g")
        XCTAssert((marker["name"] as? String)?.contains("\(trace.droppedEvents) events dropped") == true, "\(marker)")
        XCTAssertEqual(p.other["dropped_events"] as? Int, trace.droppedEvents)
        XCTAssertEqual(p.other["max_events"] as? Int, 100)
        // The kept events are the first 100 of the uncapped trace.
        let uncapped = try parse(full.render()).events.filter { $0["ph"] as? String != "M" }
        XCTAssertEqual(events.prefix(100).compactMap { $0["name"] as? String }, uncapped.prefix(100).compactMap { $0["name"] as? String })
    }

    func testSameRunsGiveByteIdenticalTraces() throws {
        let a = try traceAll().0, b = try traceAll().0
        XCTAssertEqual(a.render(), b.render())
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("trace-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("t.json").path
        try a.write(to: path)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), Data(b.render().utf8))
    }

    func testTimesAreMicrosecondsWithNanosecondDecimals() throws {
        let t = ChromeTrace()
        t.span(track: "CS-2 3", name: "a \"quoted\" span", start: SimTime(nanoseconds: 1), end: SimTime(nanoseconds: 1_501))
        t.instant(track: "job x", name: "i", at: SimTime(nanoseconds: 12_345_678_901))
        t.counter(track: "Cluster", name: "queue length", at: .zero, value: 2.5)
        t.span(track: "CS-2 3", name: "backwards", start: SimTime(nanoseconds: 10), end: SimTime(nanoseconds: 5))
        let text = t.render()
        XCTAssert(text.contains(#""ts":0.001,"dur":1.500,"name":"a \"quoted\" span""#), text)
        XCTAssert(text.contains(#""ph":"i","s":"t","pid":2,"tid":2,"ts":12345678.901,"name":"i""#), text)
        XCTAssert(text.contains(#""ts":0.000,"name":"queue length","args":{"value":2.5}"#), text)
        XCTAssert(text.contains(#""ts":0.010,"dur":0.000,"name":"backwards""#), text)
        let p = try parse(text)
        XCTAssertEqual(p.processes, [1: "CS-2 systems", 2: "Jobs", 3: "Cluster"])
        XCTAssertEqual(Set(p.threads.values), ["CS-2 3", "job x", "Cluster"])
    }
}
