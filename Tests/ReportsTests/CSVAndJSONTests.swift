import Foundation
import XCTest
@testable import Reports

final class CSVTableTests: XCTestCase {
    func testQuotingAndFormatting() throws {
        var t = CSVTable(columns: ["name", "a,b", "say \"hi\"", "n", "x", "ok", "e"])
        try t.append([.string("plain"), .string("x,y"), .string("he said \"no\""), .int(-42), .double(3.14159, decimals: 2), .bool(true), .empty])
        try t.append([.string("line\nbreak"), .string("cr\rhere"), .string(""), .int(Int64.max), .double(-0.0001, decimals: 2), .bool(false), .string("é; 'x'")])
        try t.append([.string(" spaced "), .string("\"\""), .string("crlf\r\n"), .int(0), .double(.nan, decimals: 3), .double(.infinity, decimals: 1), .double(-.infinity, decimals: 1)])
        try t.append([.double(2.5, decimals: 0), .double(1e20, decimals: 1), .double(-1.5, decimals: -3), .double(0.1, decimals: 40), .double(7, decimals: 3), .double(-0.0, decimals: 0), .double(-2.25, decimals: 1)])
        let expected = [
            #"name,"a,b","say ""hi""",n,x,ok,e"#,
            #"plain,"x,y","he said ""no""",-42,3.14,true,"#,
            "\"line\nbreak\",\"cr\rhere\",,9223372036854775807,0.00,false,é; 'x'",
            #" spaced ,"""""","crlf"# + "\r\n" + #"",0,,,"#,
            "2,100000000000000000000.0,-2,0.10000000000000000555,7.000,0,-2.2",
        ].map { $0 + "\n" }.joined()
        XCTAssertEqual(t.render(), expected)
        XCTAssertEqual(t.render(), t.render())
        XCTAssertEqual(t.rows.count, 4)
    }

    /// Text a spreadsheet would run as a formula gets a leading ' (OWASP's CSV-injection advice);
    /// numbers, and text that only contains such a character later, are left alone.
    func testFormulaTextIsNeutralisedAndNumbersAreNot() throws {
        var t = CSVTable(columns: ["id", "user", "note"])
        try t.append([.string("=cmd|' /C calc'!A0"), .string("@SUM(1)"), .string("+1 555")])
        try t.append([.string("-2+3"), .string("\tx"), .string("=a,b")])
        try t.append([.string("-1.5"), .string("+42"), .string("1e-3")])
        try t.append([.string("a=b"), .string("x-@"), .string("-")])
        XCTAssertEqual(t.render(), [
            "id,user,note",
            "'=cmd|' /C calc'!A0,'@SUM(1),'+1 555",
            "'-2+3,'\tx,\"'=a,b\"",
            "-1.5,+42,1e-3",
            "a=b,x-@,'-",
        ].map { $0 + "\n" }.joined())
    }

    func testEmptyTableIsTheHeader() {
        XCTAssertEqual(CSVTable(columns: ["a", "b"]).render(), "a,b\n")
    }

    func testColumnCountMismatch() throws {
        var t = CSVTable(columns: ["a", "b"])
        XCTAssertThrowsError(try t.append([.int(1)])) { e in
            XCTAssertEqual((e as? ReportError)?.message, "CSV row 1 has 1 field; the table has 2 columns: a, b")
        }
        XCTAssertThrowsError(try t.append([.int(1), .int(2), .int(3)]))
        XCTAssertEqual(t.rows.count, 0)
        try t.append([.int(1), .int(2)])
        XCTAssertEqual(t.render(), "a,b\n1,2\n")
    }
}

final class JSONOutputTests: XCTestCase {
    func testEscaping() {
        let doc = JSONOutput.string("q\"b\\s/\u{01}\n\t\r\u{08}\u{0C}\u{1F}é😀\u{7F}")
        XCTAssertEqual(doc.render(), "\"q\\\"b\\\\s/\\u0001\\n\\t\\r\\b\\f\\u001fé😀\u{7F}\"\n")
    }

    func testOrderAndIndentation() {
        let doc = JSONOutput.object([
            ("zeta", .int(1)),
            ("alpha", .array([.bool(true), .null, .array([]), .object([])])),
            ("mid", .object([("k\"ey", .string("v"))])),
        ])
        XCTAssertEqual(doc.render(), """
            {
              "zeta": 1,
              "alpha": [
                true,
                null,
                [],
                {}
              ],
              "mid": {
                "k\\"ey": "v"
              }
            }

            """)
        XCTAssertEqual(doc.render(indent: 0), "{\"zeta\":1,\"alpha\":[true,null,[],{}],\"mid\":{\"k\\\"ey\":\"v\"}}\n")
        XCTAssertEqual(doc.render(indent: 4).split(separator: "\n")[1], "    \"zeta\": 1,")
        XCTAssertEqual(doc.render(), doc.render())
    }

    func testNumbers() {
        let doc = JSONOutput.array([
            .double(0.1, decimals: nil), .double(3, decimals: nil), .double(1e-7, decimals: nil), .double(1e300, decimals: nil),
            .double(.nan, decimals: nil), .double(.infinity, decimals: 2), .double(0.8125, decimals: 3), .double(-0.0001, decimals: 1),
            .double(2, decimals: 0), .int(Int64.min),
        ])
        XCTAssertEqual(doc.render(indent: 0), "[0.1,3.0,1e-07,1e+300,null,null,0.812,0.0,2,-9223372036854775808]\n")
        // Every rendering is valid JSON.
        XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(doc.render().utf8)))
    }

    func testEquality() {
        XCTAssertEqual(JSONOutput.object([("a", .int(1))]), .object([("a", .int(1))]))
        XCTAssertNotEqual(JSONOutput.object([("a", .int(1)), ("b", .null)]), .object([("b", .null), ("a", .int(1))]))
        XCTAssertNotEqual(JSONOutput.double(1, decimals: 2), .double(1, decimals: nil))
    }
}

final class CSVFieldSafetyTests: XCTestCase {
    func testNoFieldCarriesANul() {
        var t = CSVTable(columns: ["name"])
        XCTAssertNoThrow(try t.append([.string("a\u{0}b")]))
        XCTAssertEqual(t.render(), "name\na\u{FFFD}b\n")
        XCTAssertFalse(t.render().utf8.contains(0))
    }
}
