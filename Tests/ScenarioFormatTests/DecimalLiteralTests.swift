import ScenarioFormat
import XCTest

/// Issue 22, item 5: integers are read from what is written, never from a rounded Double.
final class DecimalLiteralTests: XCTestCase {
    func testLiteralsAreClassifiedExactly() {
        XCTAssertEqual(DecimalLiteral("16"), .integer(16))
        XCTAssertEqual(DecimalLiteral("-16.000"), .integer(-16))
        XCTAssertEqual(DecimalLiteral("1e3"), .integer(1000))
        XCTAssertEqual(DecimalLiteral("2.50e1"), .integer(25))
        XCTAssertEqual(DecimalLiteral("2500e-2"), .integer(25))
        XCTAssertEqual(DecimalLiteral("0.0e99999999999999999999"), .integer(0))
        XCTAssertEqual(DecimalLiteral("9007199254740993.0"), .integer(9_007_199_254_740_993))
        XCTAssertEqual(DecimalLiteral("9007199254740992.5"), .notInteger)
        XCTAssertEqual(DecimalLiteral("2.00000000000000001"), .notInteger)
        XCTAssertEqual(DecimalLiteral("1e-400"), .notInteger)
        XCTAssertEqual(DecimalLiteral("1e19"), .beyondInt64)
        XCTAssertEqual(DecimalLiteral("9223372036854775807.0"), .integer(Int64.max))
        XCTAssertEqual(DecimalLiteral("9223372036854775808.0"), .beyondInt64)
        for bad in ["", "-", "1e", "0x10", "nan", "1.2.3", " 1"] { XCTAssertEqual(DecimalLiteral(bad), .notInteger, bad) }
    }

    func testNumbersThatRoundToIntegersAreMarked() throws {
        func parse(_ s: String) throws -> JSONValue { try JSONValue.parse(s, file: "t") }
        XCTAssertEqual(try parse("9007199254740993.0"), .rounded(9_007_199_254_740_992))
        XCTAssertEqual(try parse("9007199254740992.5"), .rounded(9_007_199_254_740_992))
        XCTAssertEqual(try parse("2.00000000000000001"), .rounded(2))
        XCTAssertEqual(try parse("9007199254740992.0"), .number(9_007_199_254_740_992))
        XCTAssertEqual(try parse("16.0"), .number(16))
        XCTAssertEqual(try parse("0.1"), .number(0.1))
    }
}
