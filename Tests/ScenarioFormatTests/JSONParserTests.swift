import Foundation
import XCTest
@testable import ScenarioFormat

final class JSONParserTests: XCTestCase {
    func parse(_ text: String) throws(ScenarioError) -> JSONValue {
        try JSONValue.parse(Data(text.utf8), file: "test.json")
    }

    /// The error thrown when parsing `text` (fails the test if parsing succeeds).
    func parseError(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> ScenarioError? {
        do {
            let v = try parse(text)
            XCTFail("expected an error, parsed \(v)", file: file, line: line)
            return nil
        } catch {
            return error
        }
    }

    func testNestingAndOrder() throws {
        let v = try parse(#" { "z": [1, [2, {}], []], "a": {"y": null, "b": true, "c": false}, "m": "s" } "#)
        XCTAssertEqual(v, .object([
            ("z", .array([.integer(1), .array([.integer(2), .object([])]), .array([])])),
            ("a", .object([("y", .null), ("b", .bool(true)), ("c", .bool(false))])),
            ("m", .string("s")),
        ]))
        guard case .object(let members) = v else { return XCTFail() }
        XCTAssertEqual(members.map(\.key), ["z", "a", "m"])
        XCTAssertNotEqual(v, .object([("a", .null)]))
    }

    func testEscapes() throws {
        let v = try parse(#"["\"\\\/\b\f\n\r\t", "caf\u00e9", "\ud83d\ude00", "\u0000x", "é直接"]"#)
        XCTAssertEqual(v, .array([
            .string("\"\\/\u{08}\u{0C}\n\r\t"), .string("café"), .string("😀"), .string("\u{0}x"), .string("é直接"),
        ]))
    }

    func testNumbers() throws {
        let v = try parse("[-0, 1e3, 12345678901234, 16, 16.5, -2.5E-2, 0.1, 9223372036854775807, -9223372036854775808, 1E+2]")
        XCTAssertEqual(v, .array([
            .integer(0), .number(1000), .integer(12_345_678_901_234), .integer(16), .number(16.5), .number(-0.025),
            .number(0.1), .integer(Int64.max), .integer(Int64.min), .number(100),
        ]))
    }

    func testScalarsAndBOM() throws {
        XCTAssertEqual(try parse("42"), .integer(42))
        XCTAssertEqual(try parse(" \"x\" \n"), .string("x"))
        XCTAssertEqual(try JSONValue.parse(Data([0xEF, 0xBB, 0xBF] + Array("{}".utf8)), file: "f"), .object([]))
        XCTAssertEqual(try JSONValue.parse("[true]", file: "f"), .array([.bool(true)]))
    }

    func testSyntaxErrorsReportLineAndColumn() {
        let e = parseError("{\n  \"a\": 1,\n  \"b\" 2\n}")
        XCTAssertEqual(e?.file, "test.json")
        XCTAssertEqual(e?.path, "$.b")
        XCTAssertEqual(e?.message, "line 3, column 7: expected ':' after member name \"b\", found '2'")
        XCTAssertEqual(e?.description, "test.json: $.b: line 3, column 7: expected ':' after member name \"b\", found '2'")

        let f = parseError("{\"list\": [1,\n 2,\n 3 4]}")
        XCTAssertEqual(f?.path, "$.list")
        XCTAssertEqual(f?.message, "line 3, column 4: expected ',' or ']' after an element of the array, found '4'")

        // Columns count characters, not bytes.
        XCTAssertEqual(parseError("{\"é\": x}")?.message.hasPrefix("line 1, column 7:"), true)
    }

    func testSyntaxErrorMessages() {
        let cases: [(String, String, String)] = [
            ("", "$", "line 1, column 1: the document is empty"),
            ("[1, 2,]", "$[2]", "line 1, column 7: trailing comma before ']'"),
            ("{\"a\": 1,}", "$", "line 1, column 9: trailing comma before '}'"),
            ("{\"a\": 1} x", "$", "line 1, column 10: unexpected 'x' after the end"),
            ("[True]", "$[0]", "line 1, column 2: expected a value (object, array, string, number, true, false or null), found 'True'"),
            ("[nul]", "$[0]", "line 1, column 2: expected a value"),
            ("[NaN]", "$[0]", "line 1, column 2: expected a value (object, array, string, number, true, false or null), found 'NaN'"),
            ("{'a': 1}", "$", "line 1, column 2: expected a member name in double quotes"),
            ("['a']", "$[0]", "line 1, column 2: strings must use double quotes"),
            ("// c\n{}", "$", "line 1, column 1: comments are not allowed"),
            ("{\"a\": 01}", "$.a", "line 1, column 8: numbers must not have leading zeros"),
            ("[1.]", "$[0]", "line 1, column 4: expected a digit after '.'"),
            ("[1e]", "$[0]", "line 1, column 4: expected a digit in the exponent"),
            ("[-]", "$[0]", "line 1, column 3: expected a digit after '-'"),
            ("[+1]", "$[0]", "line 1, column 2: expected a value"),
            ("[12abc]", "$[0]", "line 1, column 4: unexpected 'abc' in a number"),
            ("{\"a\": \"xy", "$.a", "line 1, column 7: unterminated string"),
            ("[\"a\nb\"]", "$[0]", "line 1, column 4: line break (unterminated string?) in a string must be escaped"),
            ("[\"a\tb\"]", "$[0]", "line 1, column 4: control character in a string must be escaped"),
            ("[\"\\x\"]", "$[0]", "line 1, column 3: invalid escape sequence"),
            ("[\"\\u12G4\"]", "$[0]", "line 1, column 7: expected 4 hexadecimal digits after \\u, found 'G4'"),
            ("[\"\\ud83d\"]", "$[0]", "line 1, column 3: high surrogate \\uD83D is not followed by a low surrogate"),
            ("[\"\\ud83d\\u0041\"]", "$[0]", "line 1, column 3: high surrogate"),
            ("[\"\\ude00\"]", "$[0]", "line 1, column 3: lone low surrogate \\uDE00"),
            ("{\"a\" : [1, {\"b\": }]}", "$.a[1].b", "line 1, column 18: expected a value"),
            ("[1", "$", "line 1, column 3: expected ',' or ']' after an element of the array, found end of input"),
            ("{\"a\"", "$.a", "line 1, column 5: expected ':' after member name \"a\", found end of input"),
            ("[\u{00A0}1]", "$[0]", "line 1, column 2: expected a value (object, array, string, number, true, false or null), found U+00A0"),
        ]
        for (text, path, prefix) in cases {
            guard let e = parseError(text) else { continue }
            XCTAssertEqual(e.path, path, "for \(text.debugDescription): \(e)")
            XCTAssertTrue(e.message.hasPrefix(prefix), "for \(text.debugDescription): got \(e.message)")
        }
    }

    func testInvalidUTF8() throws {
        do {
            _ = try JSONValue.parse(Data([UInt8(ascii: "\""), 0xC3, 0x28, UInt8(ascii: "\"")]), file: "bad.json")
            XCTFail("expected an error")
        } catch {
            XCTAssertEqual(error.message, "line 1, column 1: string is not valid UTF-8")
        }
        XCTAssertThrowsError(try JSONValue.parse(Data([0xFF]), file: "bad.json"))
    }

    func testDuplicateKeys() {
        let e = parseError("{\"a\": 1,\n \"b\": {\"c\": 1,\n  \"c\": 2}}")
        XCTAssertEqual(e?.path, "$.b.c")
        XCTAssertEqual(e?.message, "line 3, column 3: duplicate key \"c\" (first defined at line 2, column 8)")
    }

    func testIntegerBeyond64BitsIsKeptForTheFieldToReport() {
        // The field that reads it reports its own range (see ObjectReaderTests); the parser keeps
        // the nearest Double instead of guessing a range.
        XCTAssertEqual(try? parse("{\"x\": [99999999999999999999]}"), .object([("x", .array([.number(1e20)]))]))
        XCTAssertEqual(try? parse("-9223372036854775809"), .number(-9223372036854775809.0))
        XCTAssertEqual(parseError("[1e400]")?.message.hasPrefix("line 1, column 2: number 1e400 is out of range"), true)
        let long = String(repeating: "9", count: 5000)
        XCTAssertEqual(parseError(long)?.message.contains("number " + String(repeating: "9", count: 37) + "... is out of range"), true)
        XCTAssertEqual(try? parse("1e-400"), .rounded(0))
    }

    func testDeepNestingIsAnErrorNotACrash() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        XCTAssertEqual(parseError(deep)?.message.contains("nesting is too deep (allowed: at most 512 levels)"), true)
        let ok = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        XCTAssertNoThrow(try parse(ok))
    }

    func testPaths() {
        XCTAssertEqual(JSONPath.member("$", "per_system_batch"), "$.per_system_batch")
        XCTAssertEqual(JSONPath.member("$", "a b"), "$[\"a b\"]")
        XCTAssertEqual(JSONPath.member("$", "1x"), "$[\"1x\"]")
        XCTAssertEqual(JSONPath.member("$", "q\"\n"), "$[\"q\\\"\\n\"]")
        XCTAssertEqual(JSONPath.element("$.a", 3), "$.a[3]")
        XCTAssertEqual(parseError("{\"a b\": [}")?.path, "$[\"a b\"][0]")
    }

    func testLoadJSONFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sf-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }

        let missing = dir + "/missing.json"
        XCTAssertThrowsError(try loadJSONFile(missing)) { e in
            XCTAssertEqual(e as? ScenarioError, ScenarioError(file: missing, path: "$", message: "file not found"))
        }
        XCTAssertThrowsError(try loadJSONFile(dir)) { e in
            XCTAssertEqual((e as? ScenarioError)?.message, "is a directory, expected a JSON file")
        }
        let good = dir + "/good.json"
        try Data("{\"a\": [1]}".utf8).write(to: URL(fileURLWithPath: good))
        XCTAssertEqual(try loadJSONFile(good), .object([("a", .array([.integer(1)]))]))

        let bad = dir + "/bad.json"
        try Data("{\"a\": [1}".utf8).write(to: URL(fileURLWithPath: bad))
        XCTAssertThrowsError(try loadJSONFile(bad)) { e in
            XCTAssertEqual((e as? ScenarioError)?.file, bad)
            XCTAssertEqual((e as? ScenarioError)?.path, "$.a")
        }
    }

    /// Values are counted as they are parsed: past the limit the parse stops, naming the file, the
    /// path of the first value too many and the range; a long string counts twice.
    func testValueLimit() throws {
        XCTAssertEqual(try JSONValue.parse("[0,[],{}]", file: "t.json", maxValues: 4),
                       .array([.integer(0), .array([]), .object([])]))
        XCTAssertThrowsError(try JSONValue.parse("{\"x\": [0,0,0,0]}", file: "big.json", maxValues: 4)) { e in
            let error = e as? ScenarioError
            XCTAssertEqual(error?.file, "big.json")
            XCTAssertEqual(error?.path, "$.x[2]")
            XCTAssert(error?.message.hasSuffix("allowed: at most 4") == true, "\(e)")
        }
        XCTAssertNoThrow(try JSONValue.parse("[\"123456789012345\", 0]", file: "t.json", maxValues: 3))
        XCTAssertThrowsError(try JSONValue.parse("[\"1234567890123456\", 0]", file: "t.json", maxValues: 3)) { e in
            XCTAssertEqual((e as? ScenarioError)?.path, "$[1]")
        }
        // A long member name counts one more too.
        XCTAssertThrowsError(try JSONValue.parse("{\"abcdefghijklmnop\": 0}", file: "t.json", maxValues: 2)) { e in
            XCTAssertEqual((e as? ScenarioError)?.path, "$.abcdefghijklmnop")
        }
        XCTAssertNoThrow(try JSONValue.parse("{\"abcdefghijklmno\": 0}", file: "t.json", maxValues: 2))
        // The default bound leaves room for the largest documented scenario (1,000,000 listed
        // jobs of 11 fields: 12 values each, 2 more for the names per_system_batch and
        // checkpoint_every_steps, 2 more for a long id and a long model name).
        XCTAssertGreaterThanOrEqual(JSONValue.maxValues, 1_000_000 * 16 + 100)
        XCTAssertLessThan(JSONValue.maxValues, 1 << 24)
    }

    /// Elements are held inline, not boxed one by one: an array of integers takes 24 bytes each.
    func testValuesAreHeldInline() {
        XCTAssertLessThanOrEqual(MemoryLayout<JSONValue>.stride, 24)
        XCTAssertGreaterThan(MemoryLayout<JSONValue>.size, MemoryLayout<Int>.size, "an indirect enum is one pointer to a box")
    }
}
