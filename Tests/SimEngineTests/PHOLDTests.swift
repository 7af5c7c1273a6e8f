import XCTest
@testable import SimEngine

final class PHOLDTests: XCTestCase {
    /// The reference values of ../shared/bench/README.md (seed 42, L 0.1, 1024 x 16).
    func testMatchesReferenceChecksumAndFinalTime() throws {
        var p = PHOLD.Parameters()
        p.events = 500_000
        let r = try PHOLD.run(p)
        XCTAssertEqual(r.events, 500_000)
        XCTAssertEqual(r.checksum, 256_166_130)
        // Reference final time 33.658968757942091 s; integer nanoseconds round each delay.
        XCTAssertEqual(r.finalTime.seconds, 33.658968757942091, accuracy: 1e-6)
        XCTAssertEqual(r.pending, 1024 * 16)
    }

    func testSameSeedSameResultDifferentSeedDifferent() throws {
        var p = PHOLD.Parameters()
        p.lps = 64
        p.events = 20_000
        let a = try PHOLD.run(p)
        let b = try PHOLD.run(p)
        XCTAssertEqual(a, b)
        p.seed = 7
        XCTAssertNotEqual(try PHOLD.run(p).checksum, a.checksum)
    }
}
