import Foundation
import XCTest
@testable import Reports

/// A Perfetto trace the program wrote is recognised by its bytes (its opening and its writer's
/// record with the three counts at the end), whatever its size or names; anything else is not.
final class TraceRecognitionTests: XCTestCase {
    func recognised(_ bytes: [UInt8]) throws -> Bool {
        let dir = try TemporaryFiles.makeFolder(prefix: "trace-recognition-")
        defer { TemporaryFiles.removeTree(dir) }
        try Data(bytes).write(to: URL(fileURLWithPath: dir + "/t.json"))
        let ends = try XCTUnwrap(SingleFileOutput.readEnds(dir + "/t.json"))
        return ChromeTrace.isWrittenByThisProgram(head: ends.head, tail: ends.tail)
    }

    func testTracesOfAnySizeAreRecognisedAndOtherFilesAreNot() throws {
        let empty = ChromeTrace()
        let named = ChromeTrace()
        for k in 0..<200 { named.span(track: "é track \(k)", name: "span ✓ \(k)", start: .zero, end: .zero) }
        let capped = ChromeTrace(maxEvents: 3)
        for k in 0..<10 { capped.instant(track: "t", name: "i\(k)", at: .zero) }
        for trace in [empty, named, capped] { XCTAssertTrue(try recognised(trace.renderBytes())) }
        let text = named.renderBytes()
        for other in [Array(text.dropLast()), text + [0x20], Array(text.dropFirst()), Array("{}\n".utf8), [],
                      Array(String(decoding: text, as: UTF8.self).replacingOccurrences(of: "\"dropped_events\":0", with: "\"dropped_events\":x").utf8)] {
            XCTAssertFalse(try recognised(other))
        }
    }
}
