import Cluster
import Workloads
import Training
import XCTest

final class SWFConverterTests: XCTestCase {
    /// A small log in the Standard Workload Format (header comments, 18 fields, -1 for missing),
    /// written for these tests: a completed job, a cancelled one, a wide long one, a failed one
    /// with only the requested processors, one that never ran, one with no user.
    static let excerpt = """
        ; Version: 2.2
        ; Computer: example cluster (an excerpt written by andromeda-sim's tests)
        ; MaxJobs: 6
        ; MaxProcs: 2048
        ; UnixStartTime: 1000000000
        ; Note: fields are job, submit, wait, run, alloc procs, avg cpu, mem, req procs, req time, req mem,
        ;       status, user, group, executable, queue, partition, preceding job, think time
        ;
            1          0     10   3600     64  3500.5   -1     64   7200     -1  1  3  1  1  1 -1 -1 -1
            2        300     -1     -1     -1     -1    -1    128   3600     -1  5  4  1  2  1 -1 -1 -1
            3        600      0  36000    256     -1    -1    256  36000     -1  1  3  1  1  1 -1 -1 -1
            4        900      5   1800     -1     -1    -1     32   1800     -1  0  7  1  3  1 -1 -1 -1
            5       1200      0      0      8     -1    -1      8     60     -1  1  8  1  3  1 -1 -1 -1
            6        100      0   7200   2000     -1    -1   2000   7200     -1  1 -1  1  3  1 -1 -1 -1

        """

    func samples(_ model: String, processorSeconds: Double) throws -> Int64 {
        let m = try XCTUnwrap(ModelCatalog.model(named: model))
        return Int64(max(1, (processorSeconds * 1e10 / (m.trainingFLOPsPerToken * Double(m.seqLen))).rounded()))
    }

    func testExcerptConvertsByTheStatedRule() throws {
        let csv = try SWFConverter.convert(text: Self.excerpt, file: "excerpt.swf")
        let lines = csv.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines, [
            "job_id,user,submit_s,model,systems,per_system_batch,samples",
            // 64 processor-hours: 111m on 1 system.
            "swf-1,u3,0,cerebras-gpt-111m,1,32,\(try samples("cerebras-gpt-111m", processorSeconds: 64 * 3600))",
            // 4,000 processor-hours: 1.3b; 2,000 processors = 32 systems, capped at 16; no user.
            "swf-6,unknown,100,cerebras-gpt-1.3b,16,32,\(try samples("cerebras-gpt-1.3b", processorSeconds: 2000 * 7200))",
            // 2,560 processor-hours: 1.3b on 256 / 64 = 4 systems.
            "swf-3,u3,600,cerebras-gpt-1.3b,4,32,\(try samples("cerebras-gpt-1.3b", processorSeconds: 256 * 36000))",
            // Failed but ran: the requested 32 processors stand in for the missing allocation.
            "swf-4,u7,900,cerebras-gpt-111m,1,32,\(try samples("cerebras-gpt-111m", processorSeconds: 32 * 1800))",
        ])
        // The cancelled job 2 and job 5 (run time 0) are gone; the result is a valid trace.
        let jobs = try TraceReader.parse(text: csv, file: "converted.csv")
        XCTAssertEqual(jobs.map(\.id), ["swf-1", "swf-6", "swf-3", "swf-4"])
        XCTAssertEqual(try SWFConverter.convert(text: Self.excerpt, file: "excerpt.swf"), csv, "same input, same text")
    }

    func testOptionsAndRepeatedJobNumbers() throws {
        var o = SWFConverter.Options()
        o.processorsPerSystem = 16
        let log = """
            1 0 0 3600 64 -1 -1 64 -1 -1 2 1 1 1 1 -1 -1 -1
            1 3600 0 3600 64 -1 -1 64 -1 -1 3 1 1 1 1 -1 -1 -1
            """
        let csv = try SWFConverter.convert(text: log, file: "p.swf", options: o)
        XCTAssert(csv.contains("\nswf-1,u1,0,cerebras-gpt-111m,4,32,"), csv)
        XCTAssert(csv.contains("\nswf-1-2,u1,3600,cerebras-gpt-111m,4,32,"), csv)
    }

    /// A log of more jobs than a trace holds stops at the first one too many: the lines after it
    /// (here one that is not SWF at all) are never read, and skipped jobs do not count.
    func testConversionStopsAtTheFirstJobTooMany() {
        let job = "1 0 0 3600 64 -1 -1 64 -1 -1 1 1 1 1 1 -1 -1 -1"
        let cancelled = "9 0 0 3600 64 -1 -1 64 -1 -1 5 1 1 1 1 -1 -1 -1"
        let log = [job, cancelled, job, job, "not an SWF line"].joined(separator: "\n")
        XCTAssertThrowsError(try SWFConverter.convert(text: log, file: "big.swf", maxJobs: 2)) { e in
            XCTAssert("\(e)".hasPrefix("big.swf line 4: the SWF log converts to more than 2 jobs"), "\(e)")
            XCTAssert("\(e)".contains("a trace holds at most 2"), "\(e)")
        }
        XCTAssertNoThrow(try SWFConverter.convert(text: [job, cancelled, job].joined(separator: "\n"), file: "ok.swf", maxJobs: 2))
    }

    func testBadLinesNameTheLineAndField() {
        func message(_ text: String) -> String {
            do { _ = try SWFConverter.convert(text: text, file: "bad.swf"); return "" } catch { return "\(error)" }
        }
        let good = "1 0 0 3600 64 -1 -1 64 -1 -1 1 1 1 1 1 -1 -1 -1"
        XCTAssertEqual(message("; header\n" + good + "\n1 0 0 3600 64 -1"),
                       "bad.swf line 3: 6 fields; an SWF line has 18 whitespace-separated fields")
        let m = message(good + "\n2 10 0 3600 abc -1 -1 64 -1 -1 1 1 1 1 1 -1 -1 -1")
        XCTAssert(m.hasPrefix("bad.swf line 2, field 5 (allocated processors): \"abc\" is not allowed"), m)
        XCTAssert(m.contains("-1 for missing"), m)
        let s = message("3 10 0 3600 64 -1 -1 64 -1 -1 9 1 1 1 1 -1 -1 -1")
        XCTAssert(s.hasPrefix("bad.swf line 1, field 11 (status): value 9 is out of range"), s)
        let frac = message("3.5 10 0 3600 64 -1 -1 64 -1 -1 1 1 1 1 1 -1 -1 -1")
        XCTAssert(frac.hasPrefix("bad.swf line 1, field 1 (job number)") && frac.contains("an integer"), frac)
        XCTAssert(message("-5 10 0 3600 64 -1 -1 64 -1 -1 1 1 1 1 1 -1 -1 -1").contains("field 1"))
        XCTAssert(message("; only comments\n").contains("nothing to convert"))
        XCTAssert(message("1 0 0 3600 64 -1 -1 64 -1 -1 5 1 1 1 1 -1 -1 -1").contains("nothing to convert"), "cancelled only")
    }
}
