import Foundation
import Cluster
import Hardware
import Reports
import Scenarios
import SimEngine
import Training

/// The scaling tables of a run (scaling.csv, summary.json) and its terminal table; ``RunOutputs``
/// renders every file of a run. Every byte depends only on the scenario
/// and the seed; wall-clock figures go to timing.json alone.
public enum ScalingOutputs {
    /// The columns of scaling.csv, in order.
    public static let columns = [
        "model", "params", "seq_len", "systems", "global_batch", "micro_batch", "grad_accum", "step_time_s",
        "samples_per_s", "tokens_per_s", "speedup", "efficiency", "achieved_pflops", "peak_fraction", "compute_s",
        "exposed_stream_s", "boundary_s", "fixed_h", "samples_to_train", "time_to_train_h",
        "steps_to_train", "checkpoints", "energy_kwh", "published_time_to_train_h", "time_error_pct",
        "scaling_efficiency", "samples_per_s_low", "samples_per_s_high", "time_to_train_h_low", "time_to_train_h_high",
    ]

    /// scaling.csv: one row per (model, systems).
    public static func scalingCSV(_ r: ScenarioResults) throws(ReportError) -> CSVTable {
        var t = CSVTable(columns: columns)
        for row in r.rows { try t.append(fields(row)) }
        return t
    }

    /// The fields of one scaling.csv row, in the order of ``columns`` (sweeps pick from them).
    public static func fields(_ row: ScalingRow) -> [CSVField] {
        let figures = ScalingFigures(row)
        return columns.map { figures[$0].csv }
    }

    /// summary.json: the figures, the resolved inputs (every default filled in), version and seed.
    public static func summaryJSON(_ r: ScenarioResults, policies: [PolicyRun] = []) -> JSONOutput {
        let s = r.scenario
        let rows: [JSONOutput] = r.rows.map { row in
            let figures = ScalingFigures(row)
            var members: [(String, JSONOutput)] = ScalingFigures.jsonMembers.map { ($0, figures[$0].json) }
            if let p = row.published {
                var pm: [(String, JSONOutput)] = [("source", .string(p.source))]
                if p.timeToTrainHours != nil {
                    pm.append(("time_to_train_h", figures["published_time_to_train_h"].json))
                    pm.append(("error_pct", figures["time_error_pct"].json))
                }
                if let sps = p.samplesPerSecond { pm.append(("samples_per_s", .double(sps, decimals: 3))) }
                members.append(("published", .object(pm)))
            }
            return .object(members)
        }
        return .object([
            ("andromeda_sim_version", .string(AndromedaVersion.string)),
            ("scenario", .string(s.name)),
            ("seed", .int(Int64(bitPattern: s.seed))),
            ("results", .array(rows)),
            ("policies", ClusterOutputs.summaryJSON(policies)),
            ("inputs", ScenarioEcho.json(s)),
        ])
    }

    /// The readable table printed on the terminal.
    public static func table(_ r: ScenarioResults) -> String {
        func pad(_ s: String, _ w: Int, left: Bool = false) -> String {
            let fill = String(repeating: " ", count: max(0, w - s.count))
            return left ? s + fill : fill + s
        }
        let widths = [13, 14, 4, 7, 10, 10, 17, 8, 7, 8, 9, 13, 10, 8]
        let header = ["model", "params", "sys", "batch", "step_s", "samples/s", "samples/s p10-90", "speedup", "%peak", "fixed_h",
                      "train_h", "train_h p10-90", "published", "error"]
        func line(_ cells: [String]) -> String {
            var parts: [String] = []
            for (i, c) in cells.enumerated() { parts.append(pad(c, widths[i], left: i == 0)) }
            return parts.joined(separator: " ") + "\n"
        }
        var out = line(header)
        for row in r.rows {
            let x = row.result
            let simH = x.timeToTrain.seconds / 3600
            let pubH = row.published?.timeToTrainHours
            let rate = x.samplesPerSecondRange(), time = x.timeToTrainRange()
            let cells: [String] = [
                x.modelName, String(x.parameters), String(x.systems), String(x.globalBatch),
                String(format: "%.4f", x.step.total.seconds), String(format: "%.2f", x.samplesPerSecond),
                String(format: "%.4g-%.4g", rate.low, rate.high),
                String(format: "%.2f", row.speedup), String(format: "%.1f", x.peakFraction * 100),
                String(format: "%.2f", x.fixedCosts.seconds / 3600), String(format: "%.2f", simH),
                String(format: "%.2f-%.2f", time.low / 3600, time.high / 3600),
                published(pubH), errorPct(simH, pubH),
            ]
            out += line(cells)
        }
        return out
    }

    static func published(_ h: Double?) -> String { h.map { String(format: "%.1f h", $0) } ?? "-" }
    static func errorPct(_ sim: Double, _ h: Double?) -> String {
        h.map { String(format: "%+.1f%%", RelativeError.of(sim, $0) * 100) } ?? "-"
    }
}
