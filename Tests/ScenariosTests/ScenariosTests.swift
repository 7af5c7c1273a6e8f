import Foundation
import XCTest
import ScenarioFormat
import Training
@testable import Scenarios

final class ScenariosTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    func decode(_ text: String) throws -> Scenario {
        try ScenarioDecoder.decode(try JSONValue.parse(text, file: "t.json"), file: "t.json")
    }

    func error(_ text: String) -> String {
        do { _ = try decode(text); return "no error" } catch { return "\(error)" }
    }

    let minimal = """
        {"version": 1, "name": "t", "scaling": [{"model": "genslm-123m", "systems": [1, 2],
         "per_system_batch": 4, "stopping": {"rule": "steps", "steps": 10}}]}
        """

    func testEveryScenarioFileIsBuiltIn() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent("Scenarios").path)
            .filter { $0.hasSuffix(".json") }
        XCTAssertFalse(files.isEmpty)
        for f in files {
            XCTAssertNotNil(BuiltinScenarios.all[String(f.dropLast(5))],
                            "Scenarios/\(f) is not built in: add a line for it to BuiltinScenarios.files (Sources/Scenarios/BuiltinScenarios.swift)")
        }
        XCTAssertEqual(BuiltinScenarios.all.count, files.count)
        for f in files {
            // The compiled-in bytes are the file's (SwiftPM embeds Scenarios/ through the Builtin link).
            let text = try String(contentsOf: Self.root.appendingPathComponent("Scenarios/\(f)"), encoding: .utf8)
            let name = String(f.dropLast(5))
            XCTAssertEqual(BuiltinScenarios.all[name], text, f)
            XCTAssertNoThrow(try ScenarioDecoder.decode(try JSONValue.parse(text, file: f), file: f), f)
        }
    }

    func testMinimalScenarioGetsDefaults() throws {
        let s = try decode(minimal)
        XCTAssertEqual(s.seed, 42)
        XCTAssertEqual(s.cluster.systems, 16)
        XCTAssertEqual(s.scaling[0].systems, [1, 2])
        XCTAssertEqual(s.scaling[0].model.seqLen, 10_240)
        XCTAssertEqual(s.scaling[0].checkpointEverySteps, 5000)
    }

    func testErrorsNameFilePathAndRange() {
        let nestedTypo = error(minimal.replacingOccurrences(of: "\"per_system_batch\": 4", with: "\"per_system_batch\": 4, \"chekpoint_every_steps\": 5"))
        XCTAssert(nestedTypo.contains("$.scaling[0].chekpoint_every_steps") && nestedTypo.contains("checkpoint_every_steps"), nestedTypo)
        let typo = error(minimal.replacingOccurrences(of: "\"seed\"", with: "x").replacingOccurrences(of: "\"name\": \"t\"", with: "\"name\": \"t\", \"sed\": 1"))
        XCTAssert(typo.contains("t.json: $.sed") && typo.contains("seed"), typo)
        let range = error(minimal.replacingOccurrences(of: "[1, 2]", with: "[1, 99]"))
        XCTAssert(range.contains("$.scaling[0].systems[1]") && range.contains("16"), range)
        let version = error(minimal.replacingOccurrences(of: "\"version\": 1", with: "\"version\": 2"))
        XCTAssert(version.contains("$.version"), version)
        let model = error(minimal.replacingOccurrences(of: "genslm-123m", with: "gpt-5"))
        XCTAssert(model.contains("$.scaling[0].model") && model.contains("genslm-1.3b"), model)
        let missing = error(minimal.replacingOccurrences(of: "\"per_system_batch\": 4,", with: ""))
        XCTAssert(missing.contains("$.scaling[0].per_system_batch") && missing.contains("required"), missing)
        let rule = error(minimal.replacingOccurrences(of: "\"rule\": \"steps\"", with: "\"rule\": \"forever\""))
        XCTAssert(rule.contains("$.scaling[0].stopping.rule"), rule)
        let huge = error(minimal.replacingOccurrences(of: "\"steps\": 10", with: "\"steps\": 99999999999999999999999"))
        XCTAssert(huge.contains("$.scaling[0].stopping.steps"), huge)
        let nested = error(minimal.replacingOccurrences(of: "\"scaling\"", with: "\"cluster\": {\"wafer\": {\"clock_hz\": -1}}, \"scaling\""))
        XCTAssert(nested.contains("$.cluster.wafer.clock_hz") && nested.contains("Hz"), nested)
        let uneven = error(minimal.replacingOccurrences(of: "\"per_system_batch\": 4", with: "\"global_batch\": 3"))
        XCTAssert(uneven.contains("global_batch") && uneven.contains("2 systems"), uneven)
    }

    func testLocatorFindsBothSpellingsAndBuiltins() throws {
        let cwd = FileManager.default.currentDirectoryPath
        defer { FileManager.default.changeCurrentDirectoryPath(cwd) }
        FileManager.default.changeCurrentDirectoryPath(Self.root.path)
        XCTAssertEqual(try ScenarioLocator.load("Scenarios/genslm.json").source, .file("Scenarios/genslm.json"))
        XCTAssertEqual(try ScenarioLocator.load("scenarios/genslm.json").source, .file("Scenarios/genslm.json"))
        FileManager.default.changeCurrentDirectoryPath("/")
        XCTAssertEqual(try ScenarioLocator.load("genslm").source, .builtin("genslm"))
        XCTAssertThrowsError(try ScenarioLocator.load("no-such-scenario"))
    }

    /// A folder given as the scenario is named as a folder, not as a missing file; a folder named
    /// like a built-in scenario (an earlier --out) still leaves the built-in one found.
    func testLocatorSaysAFolderIsNotAScenarioFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("loc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("adir.json"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("genslm"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let cwd = FileManager.default.currentDirectoryPath
        defer { FileManager.default.changeCurrentDirectoryPath(cwd) }
        FileManager.default.changeCurrentDirectoryPath(dir.path)
        for argument in ["./adir.json", "adir.json", dir.path + "/adir.json"] {
            XCTAssertThrowsError(try ScenarioLocator.load(argument)) { e in
                XCTAssertEqual((e as? ScenarioError)?.file, argument)
                XCTAssert("\(e)".contains("is a folder, not a scenario file"), "\(e)")
            }
        }
        XCTAssertEqual(try ScenarioLocator.load("genslm").source, .builtin("genslm"))
    }

    /// Repeated user names are found with a set: 100,000 users decode at once (the list was
    /// searched once per user), and the first name repeated is reported at its path.
    func testManyUsersAndTheFirstRepeatedOne() throws {
        let users = (0..<100_000).map { #"{"name": "user\#($0)"}"# }
        func scenario(_ users: [String]) -> String {
            #"{"version": 1, "name": "t", "multitenant": {"users": ["# + users.joined(separator: ", ")
                + #"], "jobs": [{"model": "genslm-123m", "systems": 1, "per_system_batch": 4, "samples": 100}]}}"#
        }
        XCTAssertEqual(try decode(scenario(users)).multitenant?.config.userShares.count, 100_000)
        let repeated = users + [#"{"name": "user99999"}"#, #"{"name": "user5"}"#]
        XCTAssert(error(scenario(repeated)).hasSuffix(#"$.multitenant.users[100000].name: user "user99999" is listed twice"#),
                  error(scenario(repeated)))
    }

    /// Models are looked up by name once indexed: 5,000 models and 20,000 jobs naming the last
    /// one decode at once (each job searched every model), and the first model of a name wins.
    func testManyModelsAreLookedUpByName() throws {
        let models = (0..<5_000).map {
            #"{"name": "m\#($0)", "layers": 2, "d_model": 256, "heads": 4, "d_ffn": 1024, "vocabulary": 100, "seq_len": \#($0 + 1)}"#
        }
        let job = #"{"model": "m4999", "systems": 1, "per_system_batch": 4, "samples": 100}"#
        let text = #"{"version": 1, "name": "t", "models": ["# + models.joined(separator: ", ") + #"], "multitenant": {"jobs": ["#
            + Array(repeating: job, count: 20_000).joined(separator: ", ") + "]}}"
        let jobs = try XCTUnwrap(try decode(text).multitenant?.jobs)
        XCTAssertEqual(jobs.count, 20_000)
        XCTAssert(jobs.allSatisfy { $0.training.model.seqLen == 5_000 })
        let twice = [ModelSpec(name: "a", layers: 1, dModel: 8, heads: 1, dFFN: 8, vocabulary: 8, seqLen: 1),
                     ModelSpec(name: "a", layers: 1, dModel: 8, heads: 1, dFFN: 8, vocabulary: 8, seqLen: 2)]
        XCTAssertEqual(try ModelCatalog.resolve("a", seqLen: nil, custom: ModelCatalog.Custom(twice)).get().seqLen, 1)
    }
}
