import Foundation
import XCTest
import Hardware
import ScenarioFormat
@testable import Scenarios
import Training

/// docs/scenario-format.md's "Built-in models" table says what `ModelCatalog` says: one row per
/// model, in catalog order, with its shape, attention, head and parameter count. A model added to
/// or changed in the catalog and not in the doc fails here; the message prints the table to paste.
final class BuiltinModelTableTests: XCTestCase {
    static func yesNo(_ b: Bool) -> String { b ? "yes" : "no" }

    static func grouped(_ n: Int) -> String {
        let f = NumberFormatter()
        f.numberStyle = .decimal
        f.groupingSeparator = ","
        f.usesGroupingSeparator = true
        return f.string(from: NSNumber(value: n)) ?? "\(n)"
    }

    /// The output head as the table states it.
    static func head(_ m: ModelSpec) -> String {
        if let c = m.classifierClasses { return "classifier, \(c) classes" }
        if m.headTokenFraction < 1 { return "vocabulary on \(m.headTokenFraction) of tokens" }
        return "vocabulary"
    }

    static func row(_ m: ModelSpec) -> String {
        let state = Double(m.parameters) * MemoryXSpec().stateBytesPerParameter / 1e9
        let cells = ["`\(m.name)`", "\(m.layers)", "\(m.dModel)", "\(m.heads)", "\(m.dFFN)", "\(m.vocabulary)", "\(m.seqLen)",
                     yesNo(m.gatedFFN), yesNo(m.learnedPositions), yesNo(m.tiedEmbeddings), m.causal ? "causal" : "both ways",
                     head(m), grouped(m.perSampleBlockParameters), grouped(m.parameters), String(format: "%.1f GB", state)]
        return "| " + cells.joined(separator: " | ") + " |"
    }

    func testTheDocTableListsEveryCatalogModelAsTheCatalogDefinesIt() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/scenario-format.md")
        let doc = try String(contentsOf: url, encoding: .utf8)
        let header = "| name | layers | d_model | heads | d_ffn | vocabulary | seq_len | gated FFN | learned positions | tied embeddings "
            + "| attention | output head | per-sample block parameters | parameters | MemoryX state |"
        let expected = ([header, "|" + String(repeating: "---|", count: 15)] + ModelCatalog.all.map(Self.row)).joined(separator: "\n")
        XCTAssertTrue(doc.contains(expected + "\n"), "docs/scenario-format.md, \"Built-in models\": the table should read\n\(expected)")
    }
}

/// A scenario's `$.models` can state every built-in shape but the classifier heads: the encoders
/// and DiT of the public logs written as custom models decode to the catalog's own specs.
final class CustomModelShapeTests: XCTestCase {
    func testCatalogEncodersAndDiTWrittenAsCustomModelsDecodeToTheCatalogSpecs() throws {
        for name in ["esm2-35m", "bert-large", "dit-2b", "llama-7b"] {
            let m = try XCTUnwrap(ModelCatalog.model(named: name))
            let json = """
            {"version": 1, "name": "t", "models": [{"name": "\(name)-copy", "layers": \(m.layers), "d_model": \(m.dModel), "heads": \(m.heads),
              "d_ffn": \(m.dFFN), "vocabulary": \(m.vocabulary), "seq_len": \(m.seqLen), "gated_ffn": \(m.gatedFFN),
              "learned_positions": \(m.learnedPositions), "tied_embeddings": \(m.tiedEmbeddings), "causal": \(m.causal),
              "head_token_fraction": \(m.headTokenFraction), "per_sample_block_parameters": \(m.perSampleBlockParameters)}],
             "scaling": [{"model": "\(name)-copy", "systems": [1], "per_system_batch": 1, "stopping": {"rule": "steps", "steps": 1}}]}
            """
            let s = try ScenarioDecoder.decode(try JSONValue.parse(json, file: "t"), file: "t")
            var copy = try XCTUnwrap(s.models.first)
            XCTAssertEqual(copy.name, "\(name)-copy")
            copy.name = name
            XCTAssertEqual(copy, m, name)
        }
    }

    func testTheEncoderFieldsDefaultToADecoderAndRefuseOutOfRangeValues() throws {
        let base = #"{"version": 1, "name": "t", "models": [{"name": "m", "layers": 1, "d_model": 64, "heads": 1, "d_ffn": 64, "vocabulary": 8, "seq_len": 8"#
        let tail = #"}], "scaling": [{"model": "m", "systems": [1], "per_system_batch": 1, "stopping": {"rule": "steps", "steps": 1}}]}"#
        let plain = try ScenarioDecoder.decode(try JSONValue.parse(base + tail, file: "t"), file: "t")
        XCTAssertEqual(plain.models.first?.causal, true)
        XCTAssertEqual(plain.models.first?.headTokenFraction, 1)
        XCTAssertEqual(plain.models.first?.perSampleBlockParameters, 0)
        for (field, value) in [("head_token_fraction", "0"), ("head_token_fraction", "1.5"), ("per_sample_block_parameters", "-1"),
                               ("per_sample_block_parameters", "1e12"), ("causal", "1")] {
            XCTAssertThrowsError(try ScenarioDecoder.decode(try JSONValue.parse(base + #", ""# + field + #"": "# + value + tail, file: "t"), file: "t")) {
                XCTAssertTrue("\($0)".contains("$.models[0].\(field)"), "\($0)")
            }
        }
    }
}

/// Grouped-query attention (`kv_heads`): fewer key-value heads narrow the QKV projection and the
/// parameters, and the default is the multi-head model unchanged.
final class GroupedQueryAttentionTests: XCTestCase {
    static func llama2_70b(kvHeads: Int?) -> ModelSpec {
        var m = ModelSpec(name: "llama2-70b", layers: 80, dModel: 8192, heads: 64, dFFN: 28672, vocabulary: 32000, seqLen: 4096,
                          gatedFFN: true, learnedPositions: false, tiedEmbeddings: false)
        if let kvHeads { m.kvHeads = kvHeads }
        return m
    }

    func testLlama2_70BCountsItsPublishedParametersWithEightKVHeads() {
        // Meta's count is 68,976,648,192; the simulator adds QKV and projection biases and a
        // LayerNorm's shift per norm (2.8 M, 0.004 %).
        let m = Self.llama2_70b(kvHeads: 8)
        XCTAssertEqual(Double(m.parameters), 68_976_648_192, accuracy: 68_976_648_192 * 1e-4)
        XCTAssertGreaterThan(Self.llama2_70b(kvHeads: nil).parameters - m.parameters, 9_000_000_000)
        XCTAssertEqual(m.kvWidth, 1024)
    }

    func testKVHeadsEqualToHeadsIsTheMultiHeadModel() {
        XCTAssertEqual(Self.llama2_70b(kvHeads: 64), Self.llama2_70b(kvHeads: nil))
        let gpt = ModelCatalog.model(named: "cerebras-gpt-1.3b")!
        XCTAssertEqual(gpt.kvHeads, gpt.heads)
        XCTAssertEqual(gpt.blockParameters, 12 * 2048 * 2048 + 13 * 2048)
    }

    func testFewerKVHeadsNarrowTheQKVProjectionAndTheWorkingSet() {
        let gqa = Self.llama2_70b(kvHeads: 8), mha = Self.llama2_70b(kvHeads: nil)
        func qkvWidth(_ m: ModelSpec) -> Int? {
            for op in LayerOps.forward(m, kind: .block, samples: 1) { if case .gemm("qkv", let shape) = op { return shape.dOut } }
            return nil
        }
        XCTAssertEqual(qkvWidth(mha), 3 * 8192)
        XCTAssertEqual(qkvWidth(gqa), 8192 + 2 * 1024)
        XCTAssertLessThan(LayerOps.attentionWorkingBytesPerToken(gqa), LayerOps.attentionWorkingBytesPerToken(mha))
        XCTAssertLessThan(gqa.trainingFLOPsPerToken, mha.trainingFLOPsPerToken)
    }

    func testAScenarioRefusesKVHeadsThatDoNotDivideHeads() {
        for (value, message) in [("3", "must divide heads"), ("65", "1...64"), ("0", "1...64")] {
            let json = #"{"version": 1, "name": "t", "models": [{"name": "m", "layers": 1, "d_model": 64, "heads": 64, "kv_heads": "#
                + value + #", "d_ffn": 64, "vocabulary": 8, "seq_len": 8}], "scaling": [{"model": "m", "systems": [1], "per_system_batch": 1, "stopping": {"rule": "steps", "steps": 1}}]}"#
            XCTAssertThrowsError(try ScenarioDecoder.decode(try JSONValue.parse(json, file: "t"), file: "t")) {
                XCTAssertTrue("\($0)".contains("$.models[0].kv_heads") && "\($0)".contains(message), "\($0)")
            }
        }
    }
}
