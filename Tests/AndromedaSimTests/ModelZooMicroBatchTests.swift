import AndromedaSim
import Foundation
import XCTest

/// docs/validation.md's table of Model Zoo micro-batch settings states what the compiler model
/// picks for docs/checks/model-zoo-micro-batches.json: a change of the memory or compiler model
/// that moves a micro-batch fails here until the table says so.
final class ModelZooMicroBatchTests: XCTestCase {
    func testTheDocTableStatesTheSimulatedMicroBatches() throws {
        let root = CLIHarness.root
        let (scenario, _) = try Andromeda.open(root.appendingPathComponent("docs/checks/model-zoo-micro-batches.json").path)
        let rows = try Andromeda.run(scenario).scaling.rows
        let doc = try String(contentsOf: root.appendingPathComponent("docs/validation.md"), encoding: .utf8)
        let start = try XCTUnwrap(doc.range(of: "| model (MSL) | per-box batch | Model Zoo micro-batch | simulated |"))
        let table = doc[start.upperBound...].split(separator: "\n").dropFirst(2).prefix { $0.hasPrefix("|") }
        XCTAssertEqual(table.count, rows.count, "one doc row per scaling experiment")
        for (line, row) in zip(table, rows) {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            let r = row.result
            let simulated = r.gradAccumulation == 1 ? "\(r.microBatch)" : "\(r.microBatch) x \(r.gradAccumulation)"
            XCTAssertEqual(cells[3], simulated, "docs/validation.md: \(cells[0]) (experiment \(row.experiment))")
            XCTAssertEqual(cells[1], "\(r.globalBatch)", "docs/validation.md: \(cells[0]) per-box batch")
        }
    }
}
