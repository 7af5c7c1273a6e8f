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
