import XCTest
@testable import Reports

/// Tracks passed straight to the trace land in the process of their kind; CS-3 systems get a
/// process of their own name, not the CS-2 one.
final class TraceGroupTests: XCTestCase {
    func testSystemTracksGroupUnderTheirSystemName() {
        XCTAssertEqual(ChromeTrace.defaultGroup(ofTrack: "CS-2 3"), "CS-2 systems")
        XCTAssertEqual(ChromeTrace.defaultGroup(ofTrack: "CS-3 3"), "CS-3 systems")
        XCTAssertEqual(ChromeTrace.defaultGroup(ofTrack: "MemoryX out"), "MemoryX")
        XCTAssertEqual(ChromeTrace.defaultGroup(ofTrack: "job-7"), "Jobs")
    }
}

/// Library errors name parameters, the command line maps them to flags (issue 19, item 5): an
/// output refusal says `out` to a library caller (the C ABI's and Python's name) and `--out` on
/// the command line, and holds no marker either way.
final class NamedParameterTests: XCTestCase {
    func testARefusalNamesTheParameterForTheLibraryAndTheFlagForTheCommandLine() throws {
        XCTAssertThrowsError(try OutputLock.checked("")) { e in
            guard let r = e as? OutputRefused else { return XCTFail("\(e)") }
            XCTAssertEqual(r.message, "out is empty; give an output folder such as out/run1")
            XCTAssertEqual(r.commandLineMessage, "--out is empty; give an output folder such as out/run1")
            XCTAssertEqual("\(r)", r.message)
            XCTAssertFalse(r.message.contains("\u{1}") || r.commandLineMessage.contains("\u{1}"))
        }
        let t = OutputRefused("\(NamedParameter.trace.marker) x: is the output folder (\(NamedParameter.out.marker))")
        XCTAssertEqual(t.message, "trace x: is the output folder (out)")
        XCTAssertEqual(t.commandLineMessage, "--trace x: is the output folder (--out)")
    }
}

extension NamedParameterTests {
    func testTheSweepsParameterIsParamsToTheLibraryAndParamOnTheCommandLine() {
        XCTAssertEqual(NamedParameter.params.flag, "--param")
        XCTAssertEqual(NamedParameter.show("\(NamedParameter.params.marker) x=1: unknown", flags: false), "params x=1: unknown")
        XCTAssertEqual(NamedParameter.show("\(NamedParameter.params.marker) x=1: unknown", flags: true), "--param x=1: unknown")
    }
}
