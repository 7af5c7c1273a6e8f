import XCTest
@testable import Benchmarks
import SimEngine

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

    /// `SimDuration(uncheckedSeconds:)` (PHOLD's delays) rounds exactly like `rounded()` (half
    /// away from zero), on both of its paths and on exact ties.
    func testUncheckedSecondsRoundsHalfAwayFromZero() {
        func expected(_ s: Double) -> Int64 { Int64((s * 1e9).rounded()) }
        var rng = Xoshiro256(seed: 3)
        var ties = 0
        var values: [Double] = [0, 1e-9, 0.5e-9, 1.5e-9, 2.5e-9, 0.1, 1, 33.5, 1e6, 2.5e6, -0.5e-9, -1.5e-9, -7.25]
        for _ in 0..<20_000 {
            values.append(rng.uniform() * 10)
            values.append(rng.exponential() + 0.1)
            values.append(-rng.uniform())
            // Near (m + 0.5) ns: some of these land exactly on a tie after the multiply.
            let m = Double(rng.below(1 << 30))
            let t = (m + 0.5) / 1e9
            values += [t, t.nextUp, t.nextDown]
        }
        // Around the short path's bound, x = 2^51 ns.
        let bound = 0x1p51 / 1e9
        values += [bound, bound.nextUp, bound.nextDown, bound * 1.5]
        for s in values {
            let x = s * 1e9
            if x - x.rounded(.towardZero) == 0.5 || x - x.rounded(.towardZero) == -0.5 { ties += 1 }
            XCTAssertEqual(SimDuration(uncheckedSeconds: s).nanoseconds, expected(s), "\(s) s")
        }
        XCTAssertGreaterThan(ties, 100, "the sample should include exact ties")
    }
}
