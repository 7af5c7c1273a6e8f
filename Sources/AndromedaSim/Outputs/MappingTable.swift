import Foundation
import Training

/// A plain-text table of how a model's layers map onto the wafer: per operation its shape, the
/// tiling the mapping model chose, what paces it, and its forward time.
public enum MappingTable {
    /// The table for `mappings` (as in `TrainingResult/mappings`); `passOverhead` (nanoseconds)
    /// and `passesPerStep` add the fixed cost every layer pass pays beyond its operations.
    public static func render(_ mappings: [LayerMapping], passOverheadNanoseconds: Int64 = 0, passesPerStep: Int = 0) -> String {
        var lines = ["layer      op           shape / work                        tiling (pt x pk x pn, Nb, blocks)   bound        forward_us"]
        for lm in mappings {
            for o in lm.ops {
                var shape = "", tiling = "", bound = ""
                switch o.op {
                case .gemm(_, let s):
                    shape = "GEMM \(s)"
                    if let g = o.gemm {
                        let t = g.tiling
                        tiling = "\(t.rowsUsed) x \(t.columnsPerGroup) x \(t.groups), \(t.blockColumns), \(g.blocks)"
                        bound = g.bound
                    }
                case .attention(_, let s):
                    shape = "attention \(s)"
                    if let a = o.attention {
                        // A chunked block (the fallback for long sequences) says its chunks, in the column's width.
                        tiling = a.isChunked ? "\(a.stripes)x\(a.stripes) x\(a.squares), \(a.waves) waves, \(a.queryChunks)x\(a.keyChunks) chunks"
                            : "\(a.stripes) x \(a.stripes) squares x \(a.squares), \(a.waves) waves"
                        bound = a.bound
                    }
                case .elementwise(_, let e, let k, let x):
                    shape = x > 0 ? String(format: "elementwise %.3g x %.0f ops, %.0f exp", e, k, x) : String(format: "elementwise %.3g x %.0f ops", e, k)
                    bound = "vector"
                }
                lines.append(lm.kind.rawValue.padding(toLength: 11, withPad: " ", startingAt: 0)
                    + o.op.name.padding(toLength: 13, withPad: " ", startingAt: 0)
                    + shape.padding(toLength: 36, withPad: " ", startingAt: 0)
                    + tiling.padding(toLength: 36, withPad: " ", startingAt: 0)
                    + bound.padding(toLength: 13, withPad: " ", startingAt: 0)
                    + String(format: "%10.1f", o.nanoseconds / 1000))
            }
            lines.append(String(format: "%@ forward total %.1f us", lm.kind.rawValue, lm.forwardNanoseconds / 1000)
                + (passOverheadNanoseconds > 0 ? String(format: ", + %.1f us pass overhead per pass (forward and backward)",
                                                         Double(passOverheadNanoseconds) / 1000) : ""))
        }
        if passOverheadNanoseconds > 0 && passesPerStep > 0 {
            lines.append(String(format: "pass overhead: %d layer passes per step x %.3f ms = %.4f s per step (fitted: EfficiencyModel.passOverheadSeconds)",
                                passesPerStep, Double(passOverheadNanoseconds) / 1e6, Double(passesPerStep) * Double(passOverheadNanoseconds) * 1e-9))
        }
        return lines.joined(separator: "\n")
    }
}
