import Foundation
import XCTest
@testable import ScenarioFormat

final class ObjectReaderTests: XCTestCase {
    func reader(_ text: String, allowed: [String] = []) throws -> ObjectReader {
        try ObjectReader(try JSONValue.parse(Data(text.utf8), file: "s.json"), file: "s.json", allowed: allowed)
    }

    /// The ScenarioError thrown by `body` (fails the test when nothing is thrown).
    func error<T>(_ body: () throws -> T, file: StaticString = #filePath, line: UInt = #line) -> ScenarioError? {
        do {
            let v = try body()
            XCTFail("expected an error, got \(v)", file: file, line: line)
        } catch let e as ScenarioError {
            return e
        } catch {
            XCTFail("unexpected error type \(error)", file: file, line: line)
        }
        return nil
    }

    func testReadsEverythingAndFinishes() throws {
        let r = try reader("""
            {"n": 16, "big": 1e3, "x": 2.5, "xi": 3, "on": true, "name": "run", "mode": "fast",
             "ids": [1, 2, 3], "tags": ["a", "b"], "ws": [0.5, 1], "sub": {"k": -1}, "list": [{"v": 1}, {"v": 2}],
             "any": [null]}
            """)
        XCTAssertEqual(try r.int("n", range: 1...64), 16)
        XCTAssertEqual(try r.int("big", range: 0...10_000), 1000)
        XCTAssertEqual(try r.double("x", range: 0...10, unit: "s"), 2.5)
        XCTAssertEqual(try r.double("xi", range: 0...10, unit: "s"), 3)
        XCTAssertEqual(try r.bool("on"), true)
        XCTAssertEqual(try r.string("name", nonEmpty: true), "run")
        XCTAssertEqual(try r.choice("mode", allowed: ["slow", "fast"]), "fast")
        XCTAssertEqual(try r.intArray("ids", range: 1...3, count: 1...3), [1, 2, 3])
        XCTAssertEqual(try r.stringArray("tags", allowed: ["a", "b"]), ["a", "b"])
        XCTAssertEqual(try r.doubleArray("ws", range: 0...1, unit: ""), [0.5, 1])
        let sub = try XCTUnwrap(try r.object("sub"))
        XCTAssertEqual(sub.path, "$.sub")
        XCTAssertEqual(try sub.int("k", range: -5...5), -1)
        XCTAssertNoThrow(try sub.finish())
        let list = try XCTUnwrap(try r.objectArray("list"))
        XCTAssertEqual(list.map(\.path), ["$.list[0]", "$.list[1]"])
        XCTAssertEqual(try list.map { try $0.int("v") }, [1, 2])
        let any = try XCTUnwrap(try r.array("any"))
        XCTAssertEqual(any.map(\.path), ["$.any[0]"])
        XCTAssertEqual(any.map(\.value), [.null])
        XCTAssertNoThrow(try r.finish())
        XCTAssertEqual(r.keys.count, 13)
    }

    func testDefaultsAndAbsence() throws {
        let r = try reader("{}")
        XCTAssertEqual(try r.int("n", default: 7, range: 1...64), 7)
        XCTAssertEqual(try r.double("d", default: 0.5, range: 0...1, unit: "s"), 0.5)
        XCTAssertEqual(try r.bool("b", default: false), false)
        XCTAssertEqual(try r.string("s", default: "x"), "x")
        XCTAssertEqual(try r.choice("c", default: "a", allowed: ["a"]), "a")
        XCTAssertEqual(try r.intArray("ia", default: [1]), [1])
        XCTAssertEqual(try r.stringArray("sa", default: []), [])
        XCTAssertNil(try r.object("o"))
        XCTAssertNil(try r.array("a"))
        XCTAssertNil(try r.objectArray("oa"))
        XCTAssertFalse(r.has("h"))
        XCTAssertNil(r.raw("r"))
        XCTAssertNoThrow(try r.finish())
    }

    func testMissingRequiredField() throws {
        let r = try reader("{\"training\": {}}")
        let t = try XCTUnwrap(try r.object("training"))
        let e = error { try t.int("per_system_batch", range: 1...4096) }
        XCTAssertEqual(e?.description, "s.json: $.training.per_system_batch: required field is missing; expected an integer in 1...4096")
        XCTAssertEqual(error { try t.double("t", range: 0...Double.infinity, unit: "s") }?.message,
                       "required field is missing; expected a number >= 0.0 s")
        XCTAssertEqual(error { try t.choice("m", allowed: ["a", "b"]) }?.message,
                       "required field is missing; allowed values: \"a\", \"b\"")
        XCTAssertEqual(error { try t.bool("b") }?.message, "required field is missing; expected true or false")
        XCTAssertEqual(error { try t.string("s") }?.path, "$.training.s")
        XCTAssertEqual(error { try t.intArray("ia", range: 1...Int.max) }?.message,
                       "required field is missing; expected an array of integers >= 1")
    }

    func testRangeErrorNamesPathAndRange() throws {
        let r = try reader("{\"a\": {\"b\": [{\"c\": 1}, {\"c\": 2}, {\"c\": 99}]}}")
        let b = try XCTUnwrap(try XCTUnwrap(try r.object("a")).objectArray("b"))
        XCTAssertEqual(try b[0].int("c", range: 1...10), 1)
        let e = error { try b[2].int("c", range: 1...10) }
        XCTAssertEqual(e?.path, "$.a.b[2].c")
        XCTAssertEqual(e?.message, "value 99 is out of range; allowed range: 1...10")
        XCTAssertEqual(e?.description, "s.json: $.a.b[2].c: value 99 is out of range; allowed range: 1...10")

        let d = try reader("{\"lat\": 20, \"neg\": -1.5}")
        XCTAssertEqual(error { try d.double("lat", range: 0.001...10, unit: "s") }?.message,
                       "value 20.0 s is out of range; allowed range: 0.001...10.0 s")
        XCTAssertEqual(error { try d.double("neg", range: 0...Double.infinity, unit: "GB/s") }?.message,
                       "value -1.5 GB/s is out of range; allowed range: >= 0.0 GB/s")
        XCTAssertEqual(error { try d.int("lat", range: Int.min...0) }?.message, "value 20 is out of range; allowed range: <= 0")
    }

    func testTypeErrors() throws {
        let r = try reader("""
            {"s": "abc", "f": 16.5, "b": 1, "n": null, "arr": [1, "x"], "o": [], "str": 5, "huge": 1e300,
             "list": [{}, 3], "c": "fsat", "c2": 3, "long": "\(String(repeating: "x", count: 100))"}
            """)
        XCTAssertEqual(error { try r.int("s", range: 1...64) }?.message, "expected an integer in 1...64, got \"abc\"")
        XCTAssertEqual(error { try r.int("f", range: 1...64) }?.message, "expected an integer in 1...64, got 16.5")
        XCTAssertEqual(error { try r.int("huge") }?.message, "value 1e+300 is out of range; allowed range: -9223372036854775808...9223372036854775807")
        XCTAssertEqual(error { try r.int("n", default: 3) }?.message, "expected an integer, got null")
        XCTAssertEqual(error { try r.double("s", range: 0...1, unit: "s") }?.message, "expected a number in 0.0...1.0 s, got \"abc\"")
        XCTAssertEqual(error { try r.double("s", range: -.infinity ... .infinity, unit: "") }?.message, "expected a number, got \"abc\"")
        XCTAssertEqual(error { try r.bool("b") }?.message, "expected true or false, got 1")
        XCTAssertEqual(error { try r.string("str") }?.message, "expected a string, got 5")
        XCTAssertEqual(error { try r.object("o") }?.message, "expected an object, got an array of 0 elements")
        XCTAssertEqual(error { try r.array("s") }?.message, "expected an array, got \"abc\"")
        XCTAssertEqual(error { try r.intArray("s") }?.message, "expected an array of integers, got \"abc\"")
        let arr = error { try r.intArray("arr", range: 0...9) }
        XCTAssertEqual(arr?.path, "$.arr[1]")
        XCTAssertEqual(arr?.message, "expected an integer in 0...9, got \"x\"")
        XCTAssertEqual(error { try r.intArray("arr", count: 3...4) }?.message,
                       "array has 2 elements; allowed number of elements: 3...4")
        XCTAssertEqual(error { try r.stringArray("arr") }?.path, "$.arr[0]")
        let list = error { try r.objectArray("list") }
        XCTAssertEqual(list?.path, "$.list[1]")
        XCTAssertEqual(list?.message, "expected an object, got 3")
        XCTAssertEqual(error { try r.choice("c", allowed: ["fast", "slow"]) }?.message,
                       "\"fsat\" is not an allowed value; allowed values: \"fast\", \"slow\"; did you mean \"fast\"?")
        XCTAssertEqual(error { try r.choice("c2", allowed: ["fast"]) }?.message,
                       "expected a string, got 3; allowed values: \"fast\"")
        XCTAssertEqual(error { try r.int("long") }?.message,
                       "expected an integer, got \"" + String(repeating: "x", count: 60) + "\"...")
        XCTAssertEqual(error { try ObjectReader(.array([]), path: "$.x", file: "f") }?.description, "f: $.x: expected an object, got an array of 0 elements")
    }

    func testUnknownFieldWithSuggestion() throws {
        let r = try reader("{\"name\": \"a\", \"per_sytem_batch\": 3}", allowed: ["name", "systems"])
        XCTAssertEqual(try r.int("per_system_batch", default: 16, range: 1...64), 16)
        XCTAssertEqual(try r.string("name"), "a")
        let e = error { try r.finish() }
        XCTAssertEqual(e?.path, "$.per_sytem_batch")
        XCTAssertEqual(e?.message, "unknown field \"per_sytem_batch\"; allowed: name, systems, per_system_batch; did you mean \"per_system_batch\"?")

        let far = try reader("{\"zzz\": 1}")
        _ = try far.int("alpha", default: 1)
        XCTAssertEqual(error { try far.finish() }?.message, "unknown field \"zzz\"; allowed: alpha")
        XCTAssertEqual(error { try reader("{\"x\": 1}").finish() }?.message, "unknown field \"x\"; allowed: no fields")
    }

    func testDeclaredButUnreadKeysPassFinish() throws {
        let r = try reader("{\"a\": 1, \"b\": 2}", allowed: ["a"])
        r.allow(["b"])
        XCTAssertEqual(r.knownKeys, ["a", "b"])
        XCTAssertNoThrow(try r.finish())
        let h = try reader("{\"a\": 1}")
        XCTAssertTrue(h.has("a"))
        XCTAssertNoThrow(try h.finish())
    }

    func testCustomErrorsAndDuplicateKeysInBuiltValues() throws {
        let r = try reader("{\"a\": 1}")
        XCTAssertEqual(r.error("a", "must be less than b").description, "s.json: $.a: must be less than b")
        XCTAssertEqual(r.error(nil, "bad").description, "s.json: $: bad")
        let dup = error { try ObjectReader(.object([("k", .null), ("k", .null)]), file: "f") }
        XCTAssertEqual(dup?.path, "$.k")
    }

    func testEditDistance() {
        XCTAssertEqual(Messages.editDistance("per_sytem_batch", "per_system_batch", limit: 2), 1)
        XCTAssertEqual(Messages.editDistance("ab", "ba", limit: 2), 1)
        XCTAssertEqual(Messages.editDistance("abc", "xyz", limit: 2), nil)
        XCTAssertEqual(Messages.editDistance("", "ab", limit: 2), 2)
        XCTAssertEqual(Messages.suggestion(for: "Systems", among: ["system", "systems"]), "systems")
        XCTAssertNil(Messages.suggestion(for: "q", among: ["alpha"]))
    }

    /// Issue 10: integers are never rounded, and every error states the field's own range.
    func testIntegersAreExactAndErrorsStateTheFieldRange() throws {
        let r = try reader("""
            {"seed_max": 9223372036854775807.0, "seed_big": 99999999999999999999, "seed_exp": 1e17,
             "seed_ok": 9007199254740993, "seed_edge": 9007199254740992.0, "neg_big": -99999999999999999999}
            """)
        let field = 0...Int.max
        XCTAssertEqual(error { try r.int("seed_max", range: field) }?.message,
                       "value 9223372036854775808 is out of range; allowed range: 0...9223372036854775807")
        XCTAssertEqual(error { try r.int("seed_big", range: field) }?.message,
                       "value 100000000000000000000 is out of range; allowed range: 0...9223372036854775807")
        XCTAssertEqual(error { try r.int("neg_big", range: 1...192) }?.message,
                       "value -100000000000000000000 is out of range; allowed range: 1...192")
        let inexact = error { try r.int("seed_exp", range: field) }?.message ?? ""
        XCTAssert(inexact.contains("not exact") && inexact.contains("plain digits") && inexact.contains("0...9223372036854775807"), inexact)
        XCTAssertEqual(try r.int("seed_ok", range: field), 9_007_199_254_740_993)
        XCTAssertEqual(try r.int("seed_edge", range: field), 9_007_199_254_740_992)
    }
}
