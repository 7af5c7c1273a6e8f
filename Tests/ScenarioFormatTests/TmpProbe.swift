import XCTest
import ScenarioFormat
final class TmpProbe: XCTestCase {
    func testProbe() throws {
        do { _ = try loadJSONFile("/dev/zero") } catch { print("PROBE", error) }
        let text = "{\"experiments\": [{}, {\"training\": {\"per_system_batch\": 0, \"lr\": 1e-3, \"modle\": \"gpt\"}}]}"
        let root = try ObjectReader(try JSONValue.parse(text, file: "scen.json"), file: "scen.json")
        let t = try root.objectArray("experiments")![1].object("training")!
        do { _ = try t.int("per_system_batch", range: 1...4096) } catch { print("PROBE", error) }
        _ = try t.string("model", default: "x")
        do { try t.finish() } catch { print("PROBE", error) }
    }
}
