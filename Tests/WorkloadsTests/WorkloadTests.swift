import XCTest
import SimEngine
import Training
import Cluster
@testable import Workloads

final class WorkloadTests: XCTestCase {
    func model(_ name: String) throws -> ModelSpec { try XCTUnwrap(ModelCatalog.model(named: name)) }

    func generator(jobs: Int = 200, rate: Double = 10, mix: [JobClass]? = nil) throws -> WorkloadGenerator {
        let small = JobClass(name: "small", weight: 3, model: try model("cerebras-gpt-111m"), systemsChoices: [1, 2],
                             perSystemBatch: 32, samplesRange: 1e3...1e9, priority: 0, checkpointEverySteps: 1000)
        let big = JobClass(name: "big", weight: 1, model: try model("cerebras-gpt-1.3b"), systemsChoices: [4, 8, 16],
                           perSystemBatch: 16, samplesRange: 1e6...1e8, priority: 5)
        return WorkloadGenerator(jobs: jobs, arrivalRatePerHour: rate,
                                 users: [UserSpec(name: "alice"), UserSpec(name: "bob", weight: 2)],
                                 mix: mix ?? [small, big])
    }

    /// The message of the WorkloadError `body` throws (fails the test when it does not throw one).
    func message(_ body: () throws -> Any, file: StaticString = #filePath, line: UInt = #line) -> String {
        do { _ = try body() } catch let e as WorkloadError { return e.message } catch { XCTFail("\(error)", file: file, line: line) }
        XCTFail("no error thrown", file: file, line: line)
        return ""
    }

    // MARK: generator

    func testGeneratorIsDeterministicPerSeed() throws {
        let g = try generator()
        let a = try g.generate(seed: 7), b = try g.generate(seed: 7), c = try g.generate(seed: 8)
        XCTAssertEqual(a, b)
        XCTAssertNotEqual(a.map(\.submit), c.map(\.submit))
        XCTAssertEqual(a.first?.id, "g000001")
        XCTAssertEqual(a.last?.id, "g000200")
        XCTAssertEqual(WorkloadGenerator.jobID(1_234_567), "g1234567")
        XCTAssertEqual(a.map(\.submit), a.map(\.submit).sorted())
        let j = try XCTUnwrap(a.first { $0.training.model.name == "cerebras-gpt-111m" })
        XCTAssertEqual(j.training.checkpointEverySteps, 1000)
        XCTAssertEqual(j.training.perSystemBatch, 32)
    }

    func testSubstreamsAreIndependentOfTheMix() throws {
        let g = try generator()
        var h = g
        h.mix.append(JobClass(name: "extra", weight: 5, model: try model("cerebras-gpt-6.7b"), systemsChoices: [16],
                              perSystemBatch: 8, samplesRange: 1e5...1e6))
        let a = try g.generate(seed: 3), b = try h.generate(seed: 3)
        XCTAssertEqual(a.map(\.submit), b.map(\.submit), "arrivals do not move when a class is added")
        XCTAssertEqual(a.map(\.user), b.map(\.user), "users do not move when a class is added")
    }

    func testPoissonMeanGapAndWeights() throws {
        let n = 20_000
        let g = try generator(jobs: n, rate: 10)
        let jobs = try g.generate(seed: 42)
        XCTAssertEqual(jobs.count, n)
        let meanGap = jobs[n - 1].submit.seconds / Double(n)
        XCTAssertEqual(meanGap, 360, accuracy: 0.05 * 360, "mean inter-arrival gap is 3600 / rate")
        let smallShare = Double(jobs.filter { $0.training.model.name == "cerebras-gpt-111m" }.count) / Double(n)
        XCTAssertEqual(smallShare, 0.75, accuracy: 0.02, "class weights 3:1")
        let bobShare = Double(jobs.filter { $0.user == "bob" }.count) / Double(n)
        XCTAssertEqual(bobShare, 2.0 / 3.0, accuracy: 0.02, "user weights 1:2")
        let big = jobs.filter { $0.training.model.name == "cerebras-gpt-1.3b" }
        XCTAssertTrue(big.allSatisfy { [4, 8, 16].contains($0.systems) && $0.priority == 5 })
        XCTAssertEqual(Double(big.filter { $0.systems == 16 }.count) / Double(big.count), 1.0 / 3.0, accuracy: 0.03)
        // Log-uniform over 1e3...1e9: every draw in range, the median near 1e6.
        let small = jobs.filter { $0.training.model.name == "cerebras-gpt-111m" }
        let samples = small.compactMap { job -> Double? in
            if case .samples(let s) = job.training.stopping { return Double(s) }
            return nil
        }
        XCTAssertEqual(samples.count, small.count)
        XCTAssertTrue(samples.allSatisfy { (1e3...1e9).contains($0) })
        XCTAssertEqual(Double(samples.filter { $0 < 1e6 }.count) / Double(samples.count), 0.5, accuracy: 0.02)
        XCTAssertEqual(Double(samples.filter { $0 < 1e4 }.count) / Double(samples.count), 1.0 / 6.0, accuracy: 0.02)
    }

    func testGeneratorRejectsBadSettings() throws {
        var g = try generator()
        g.jobs = 0
        XCTAssertTrue(message { try g.generate(seed: 1) }.contains("allowed range: 1...\(WorkloadGenerator.maxJobs)"))
        g = try generator(rate: .nan)
        XCTAssertTrue(message { try g.generate(seed: 1) }.contains("arrival rate"))
        g = try generator(mix: [])
        XCTAssertTrue(message { try g.generate(seed: 1) }.contains("mix is empty"))
        g = try generator()
        g.mix[1].weight = 0
        XCTAssertTrue(message { try g.generate(seed: 1) }.contains("mix[1] \"big\": weight 0.0 must be a finite number > 0"))
        g = try generator()
        g.mix[0].systemsChoices = [1, 500]
        XCTAssertTrue(message { try g.generate(seed: 1) }.contains("systems 500 is out of range; allowed range: 1...192"))
        g = try generator()
        g.users = [UserSpec(name: "a"), UserSpec(name: "a")]
        XCTAssertTrue(message { try g.generate(seed: 1) }.contains("repeated"))
        g = try generator(rate: 1e-300)
        // Refused before drawing: the arrivals would span far more than 146 years.
        XCTAssertTrue(message { try g.generate(seed: 1) }.contains("allowed: at most 1279800 h"))
    }

    // MARK: trace reader

    let header = "job_id,user,submit_s,model,systems,per_system_batch,samples"

    func parse(_ body: String, file: String = "t.csv") throws -> [JobSpec] {
        try TraceReader.parse(text: body, file: file, checkpointEverySteps: 250)
    }

    func testTraceQuotingOrderAndOptionalColumns() throws {
        let text = "samples,\"user\",job_id,model,systems,per_system_batch,submit_s,priority,deadline_s,seq_len\r\n"
            + "1e6,\"smith, j\",a1,cerebras-gpt-111m,2,32,100,,,\r\n"
            + "500,\"say \"\"hi\"\" there\",a2,cerebras-gpt-590m,4,16.0,50,3,7200,1024\r\n"
            + "\r\n"
            + "7,u,a3,llama-7b,1,1,100,-2,100.5,\n"
        let jobs = try parse(text)
        XCTAssertEqual(jobs.map(\.id), ["a2", "a1", "a3"], "sorted by submit, ties in file order")
        let a2 = jobs[0], a1 = jobs[1], a3 = jobs[2]
        XCTAssertEqual(a1.user, "smith, j")
        XCTAssertEqual(a2.user, "say \"hi\" there")
        // A quoted line break is valid CSV but no name may hold one (it would break every output).
        XCTAssertThrowsError(try parse("job_id,user,submit_s,model,systems,per_system_batch,samples\nj,\"a\nb\",0,llama-7b,1,1,1\n"))
        XCTAssertEqual(a1.training.stopping, .samples(1_000_000))
        XCTAssertEqual(a1.priority, 0)
        XCTAssertNil(a1.deadline)
        XCTAssertEqual(a1.training.model.seqLen, 2048)
        XCTAssertEqual(a1.training.checkpointEverySteps, 250)
        XCTAssertEqual(a2.priority, 3)
        XCTAssertEqual(a2.deadline, SimTime(nanoseconds: 7200 * 1_000_000_000))
        XCTAssertEqual(a2.training.model.seqLen, 1024)
        XCTAssertEqual(a2.training.perSystemBatch, 16)
        XCTAssertEqual(a2.submit, SimTime(nanoseconds: 50 * 1_000_000_000))
        XCTAssertEqual(a2.systems, 4)
        XCTAssertEqual(a3.priority, -2)
        XCTAssertEqual(a3.deadline?.nanoseconds, 100_500_000_000)
        // The example of docs/workloads.md.
        let doc = try parse("job_id,user,submit_s,model,systems,per_system_batch,samples,priority,deadline_s\n"
            + "pretrain-1,alice,0,cerebras-gpt-1.3b,8,66,2e7,,\n\"ft, small\",bob,1800,cerebras-gpt-111m,1,60,500000,5,7200\n"
            + "genslm-a,carol,3600,genslm-123m,4,32,1000000,,\n")
        XCTAssertEqual(doc.map(\.id), ["pretrain-1", "ft, small", "genslm-a"])
        // Only the required columns, a byte-order mark, no final newline.
        let minimal = try parse("\u{FEFF}" + header + "\nx,u,0,genslm-123m,1,8,10")
        XCTAssertEqual(minimal.map(\.id), ["x"])
        XCTAssertEqual(minimal[0].training.model.seqLen, 10_240)
    }

    func testTraceErrorsNameFileLineColumnAndRange() throws {
        func err(_ row: String) -> String { message { try self.parse(self.header + "\nok,u,0,cerebras-gpt-111m,1,1,1\n" + row + "\n") } }
        let cases: [(String, [String])] = [
            ("b,u,0,gpt-x,1,1,1", ["t.csv line 3, column \"model\"", "unknown model \"gpt-x\"", "cerebras-gpt-111m"]),
            ("b,u,0,cerebras-gpt-111m,500,1,1", ["line 3, column \"systems\"", "500", "allowed range: 1...192"]),
            ("b,u,0,cerebras-gpt-111m,2.5,1,1", ["line 3, column \"systems\"", "not an integer"]),
            ("b,u,0,cerebras-gpt-111m,1,0,1", ["line 3, column \"per_system_batch\"", "allowed range: 1...1000000"]),
            ("b,u,0,cerebras-gpt-111m,1,1,1e16", ["line 3, column \"samples\"", "allowed range: 1...1000000000000000"]),
            ("b,u,-1,cerebras-gpt-111m,1,1,1", ["line 3, column \"submit_s\"", "allowed range: 0...1000000000 s"]),
            ("b,u,nan,cerebras-gpt-111m,1,1,1", ["line 3, column \"submit_s\"", "not a number"]),
            ("ok,u,0,cerebras-gpt-111m,1,1,1", ["line 3, column \"job_id\"", "duplicate job id \"ok\" (first on line 2)"]),
            ("b,u,0,cerebras-gpt-111m,1,1", ["t.csv line 3: 6 fields; the header has 7 columns"]),
            ("b,,0,cerebras-gpt-111m,1,1,1", ["line 3, column \"user\"", "is empty"]),
            ("b,u,0,cerebras-gpt-111m,1,1,\"1", ["t.csv line 3: a quoted field is never closed"]),
            ("b,u\"v,0,cerebras-gpt-111m,1,1,1", ["t.csv line 3: a double quote inside an unquoted field"]),
        ]
        for (row, parts) in cases {
            let m = err(row)
            for p in parts { XCTAssertTrue(m.contains(p), "\(row): \(m) lacks \(p)") }
        }
        XCTAssertTrue(message { try self.parse("job_id,user,submit_s,model,systems,samples\n") }
            .contains("t.csv line 1: missing required column \"per_system_batch\""))
        XCTAssertTrue(message { try self.parse(self.header + ",deadline\n") }.contains("unknown column \"deadline\""))
        XCTAssertTrue(message { try self.parse(self.header + ",seq_len\nb,u,10,cerebras-gpt-111m,1,1,1,0\n") }
            .contains("line 2, column \"seq_len\": value 0 is out of range; allowed range: 1...1048576"))
        XCTAssertTrue(message { try self.parse(self.header + ",deadline_s\nb,u,10,cerebras-gpt-111m,1,1,1,5\n") }
            .contains("line 2, column \"deadline_s\": value 5 is out of range; allowed range: 10...1000000000 s"))
        XCTAssertTrue(message { try self.parse("") }.contains("t.csv: empty file"))
        XCTAssertTrue(message { try TraceReader.read(path: "/nonexistent/trace.csv") }.contains("/nonexistent/trace.csv: cannot read"))
    }

    func testTraceReadFromFile() throws {
        let path = NSTemporaryDirectory() + "workload-tests-\(ProcessInfo.processInfo.processIdentifier).csv"
        try (header + "\nf1,u,3.25,cerebras-gpt-256m,8,4,64\n").write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let jobs = try TraceReader.read(path: path, checkpointEverySteps: 0)
        XCTAssertEqual(jobs.count, 1)
        XCTAssertEqual(jobs[0].submit.nanoseconds, 3_250_000_000)
        XCTAssertEqual(jobs[0].training.checkpointEverySteps, 0)
    }

    // MARK: Philly

    /// A job id or user a spreadsheet would run as a formula is written with a leading ' (the
    /// converters share the CSV escaping of every other CSV file), and reads back as that text.
    func testPhillyConversionNeutralisesFormulaText() throws {
        let text = """
            jobid,vc,user,submitted_time,num_gpus,duration_s
            "=cmd|' /C calc'!A0",vc1,@SUM(1),2017-10-03 09:00:00,1,3600

            """
        let out = try PhillyConverter.convert(text: text, file: "philly.csv", options: .init())
        let row = try XCTUnwrap(out.split(separator: "\n").dropFirst().first)
        XCTAssert(row.hasPrefix("'=cmd|' /C calc'!A0,'@SUM(1),0,"), String(row))
        let jobs = try TraceReader.parse(text: out, file: "converted.csv")
        XCTAssertEqual(jobs.first?.id, "'=cmd|' /C calc'!A0")
    }

    func testPhillyConversionRule() throws {
        let text = """
            jobid,vc,user,submitted_time,num_gpus,duration_s
            app_1,vc1,u1,2017-10-03 09:00:00,1,3600
            app_2,vc1,"u,2",2017-10-03 08:00:00,8,36000
            app_3,vc2,u3,2017-10-03 10:00:00,9,36000
            app_4,vc2,u3,2017-10-03 08:00:00,24,36000
            app_5,vc2,u4,2017-10-04 08:00:00,200,36000
            app_6,vc2,u4,2017-10-03 07:00:00,0,100

            """
        let out = try PhillyConverter.convert(text: text, file: "philly.csv", options: .init())
        XCTAssertEqual(out, try PhillyConverter.convert(text: text, file: "philly.csv", options: .init()), "deterministic")
        func samples(_ model: String, gpuSeconds: Double) throws -> Int64 {
            let m = try self.model(model)
            return Int64((gpuSeconds * 5e12 / (m.trainingFLOPsPerToken * Double(m.seqLen))).rounded())
        }
        let expected = [
            "job_id,user,submit_s,model,systems,per_system_batch,samples",
            "app_2,\"u,2\",0,cerebras-gpt-590m,1,32,\(try samples("cerebras-gpt-590m", gpuSeconds: 8 * 36000))",     // 80 GPU-h
            "app_4,u3,0,cerebras-gpt-1.3b,4,32,\(try samples("cerebras-gpt-1.3b", gpuSeconds: 24 * 36000))",         // 240 GPU-h
            "app_1,u1,3600,cerebras-gpt-111m,1,32,\(try samples("cerebras-gpt-111m", gpuSeconds: 3600))",            // 1 GPU-h
            "app_3,u3,7200,cerebras-gpt-590m,2,32,\(try samples("cerebras-gpt-590m", gpuSeconds: 9 * 36000))",       // 90 GPU-h, 9 GPUs -> 2
            "app_5,u4,86400,cerebras-gpt-6.7b,16,32,\(try samples("cerebras-gpt-6.7b", gpuSeconds: 200 * 36000))",   // 25 -> 16
        ].joined(separator: "\n") + "\n"
        XCTAssertEqual(out, expected)
        let jobs = try TraceReader.parse(text: out, file: "converted.csv")
        XCTAssertEqual(jobs.map(\.systems), [1, 4, 1, 2, 16])
        // The example of docs/workloads.md.
        let doc = "jobid,user,submitted_time,num_gpus,duration_s\napp_1,u1,2017-10-03 09:00:00,1,3600\n"
            + "app_2,u2,2017-10-03 08:00:00,8,36000\napp_5,u4,2017-10-04 08:00:00,200,36000\n"
        XCTAssertEqual(try PhillyConverter.convert(text: doc, file: "doc.csv", options: .init()),
                       "job_id,user,submit_s,model,systems,per_system_batch,samples\napp_2,u2,0,cerebras-gpt-590m,1,32,167399\n"
                       + "app_1,u1,3600,cerebras-gpt-111m,1,32,10401\napp_5,u4,86400,cerebras-gpt-6.7b,16,32,407741\n")
        XCTAssertEqual(PhillyConverter.timestamp("2017-10-03 00:00:00"), 1_506_988_800)
        XCTAssertNil(PhillyConverter.timestamp("2017-13-03 00:00:00"))
    }

    func testPhillyErrors() throws {
        let head = "jobid,user,submitted_time,num_gpus,duration_s\n"
        XCTAssertTrue(message { try PhillyConverter.convert(text: head + "a,u,0,-1,5\n", file: "p.csv", options: .init()) }
            .contains("p.csv line 2, column \"num_gpus\": value -1 is out of range; allowed range: 0...1000000"))
        XCTAssertTrue(message { try PhillyConverter.convert(text: head + "a,u,yesterday,1,5\n", file: "p.csv", options: .init()) }
            .contains("p.csv line 2, column \"submitted_time\""))
        XCTAssertTrue(message { try PhillyConverter.convert(text: head + "a,u,0,0,5\n", file: "p.csv", options: .init()) }
            .contains("no job with num_gpus >= 1"))
        var o = PhillyConverter.Options()
        o.largestModel = "gpt-9"
        XCTAssertTrue(message { try PhillyConverter.convert(text: head, file: "p.csv", options: o) }.contains("unknown model \"gpt-9\""))
    }
}
