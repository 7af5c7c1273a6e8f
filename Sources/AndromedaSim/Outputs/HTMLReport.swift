import Charts
import Cluster
import Foundation
import Reports
import Scenarios
import Training

/// report.html: the page to open first after a run. One self-contained file (inline CSS and SVG,
/// nothing fetched) beside the CSV files it links to, holding the scenario's summary and
/// resolved inputs, the scaling table with the published figures and the errors, the charts, and
/// for a shared cluster the policies, the waits per user, utilisation as small multiples and
/// the wait CDF. Like the CSV files, every byte depends only on the scenario and the seed (no
/// time stamps, no wall-clock figures).
public enum HTMLReport {
    /// A Perfetto trace written beside a run: its path inside the output folder (linked from the
    /// report), or nil when it was written elsewhere (its path is then shown as text, never linked).
    public struct TraceFile: Sendable, Equatable {
        /// The path relative to the output folder, when the trace is inside it.
        public var inside: String?
        /// The path as the user gave it.
        public var shown: String
        /// A trace at `shown`, `inside` the output folder or not (nil).
        public init(inside: String?, shown: String) {
            self.inside = inside
            self.shown = shown
        }
    }

    /// The report of a run from its rendered files (``RunOutputs/report`` is the same): the charts
    /// are embedded as `outputs` holds them, never drawn again, and the policy table is the rows
    /// of its policies.csv.
    public static func run(_ outputs: RunOutputs) -> String {
        let r = outputs.results.scaling, policies = outputs.results.policies
        let s = r.scenario
        var page = HTMLPage(title: "andromeda-sim report: \(s.name)")
        if !s.description.isEmpty { page.paragraph(s.description) }
        var facts: [(String, String)] = [("scenario", s.name), ("seed", String(s.seed)),
                                         ("andromeda-sim", AndromedaVersion.string),
                                         ("cluster", "\(s.cluster.systems) \(s.cluster.systemName) systems")]
        if !r.rows.isEmpty {
            facts.append(("scaling experiments", "\(s.scaling.count) (\(r.rows.count) simulated points)"))
        }
        if let m = s.multitenant, let first = policies.first {
            facts.append(("shared cluster", "\(first.jobs.count) jobs under \(m.policies.count) policies: \(m.policies.map(\.rawValue).joined(separator: ", "))"))
        }
        page.heading("Summary", id: "summary")
        page.facts(facts, id: "facts")
        if !r.rows.isEmpty { scalingSection(&page, r, charts: outputs.scalingCharts) }
        if !policies.isEmpty { clusterSection(&page, policies, table: outputs.table("policies.csv"), charts: outputs.clusterCharts) }
        page.heading("Files", id: "files")
        page.links(files(outputs), id: "file-list")
        page.heading("Resolved inputs", id: "inputs")
        page.paragraph("Every input of this run with its defaults filled in, as in summary.json.", className: "note")
        page.details("inputs (JSON)", preformatted: ScenarioEcho.json(s).render(), id: "inputs-json")
        return page.render()
    }

    static func scalingSection(_ page: inout HTMLPage, _ r: ScenarioResults, charts: [RunOutputs.Chart]) {
        page.heading("Scaling", id: "scaling")
        let hasTime = r.rows.contains { $0.published?.timeToTrainHours != nil }
        let hasRate = r.rows.contains { $0.published?.samplesPerSecond != nil }
        var columns = ["model", "systems", "global batch", "step (s)", "samples/s", "samples/s p10-p90", "speedup", "efficiency",
                       "% of peak", "time to train (h)", "time p10-p90 (h)"]
        if hasTime { columns += ["published time (h)", "time error"] }
        if hasRate { columns += ["published samples/s", "samples/s error"] }
        if hasTime || hasRate { columns.append("source") }
        let rows: [[String]] = r.rows.map { row in
            let x = row.result, simH = x.timeToTrain.seconds / 3600
            let rate = x.samplesPerSecondRange(), time = x.timeToTrainRange()
            var cells = [x.modelName, String(x.systems), String(x.globalBatch), fixed(x.step.total.seconds, 4),
                         fixed(x.samplesPerSecond, 2), fixed(rate.low, 2) + " - " + fixed(rate.high, 2),
                         fixed(row.speedup, 3), fixed(row.scalingEfficiency, 3),
                         fixed(x.peakFraction * 100, 1), fixed(simH, 2), fixed(time.low / 3600, 2) + " - " + fixed(time.high / 3600, 2)]
            let p = row.published
            if hasTime { cells += [p?.timeToTrainHours.map { fixed($0, 2) } ?? "-", p?.timeToTrainHours.map { error(simH, $0) } ?? "-"] }
            if hasRate {
                cells += [p?.samplesPerSecond.map { fixed($0, 2) } ?? "-", p?.samplesPerSecond.map { error(x.samplesPerSecond, $0) } ?? "-"]
            }
            if hasTime || hasRate { cells.append(p?.source ?? "") }
            return cells
        }
        page.table(columns, rows, id: "scaling-table",
                   caption: hasTime || hasRate ? "Simulated beside the published figures (error: simulated minus published, in %)"
                                               : "Simulated (no published figures in this scenario)")
        let i = PredictionInterval.fitted
        page.paragraph("p10-p90: the range the leave-one-out errors of the throughput model give (10th to 90th percentile of "
            + "simulated/published - 1 over the public CS-2 points P1-P11, each predicted by constants fitted without it: "
            + String(format: "%+.0f%% to %+.0f%%", i.p10 * 100, i.p90 * 100) + "); the time to train scales only its steps, "
            + "not the fixed costs. The command andromeda-sim validate --out DIR shows every point.", className: "note")
        for (k, chart) in charts.enumerated() {
            page.figure(svg: SVGEmbed.inline(chart.svg, idPrefix: "s\(k)-"), caption: caption(chart.file), file: chart.file)
        }
    }

    static func clusterSection(_ page: inout HTMLPage, _ runs: [PolicyRun], table: CSVTable?, charts: [RunOutputs.Chart]) {
        page.heading("Shared cluster: policies", id: "policies")
        page.table(ClusterOutputs.policyColumns, (table?.rows ?? []).map { $0.map(\.displayText) },
                   id: "policies-table", caption: "One row per scheduling policy (as in policies.csv; hours, fractions)")
        page.heading("Waits per user", level: 3, id: "users")
        // One row per user, the policies side by side: mean and P95 wait, hours.
        let users = Array(Set(runs.flatMap { $0.metrics.perUser.map(\.user) })).sorted()
        var rows: [[String]] = []
        for user in users {
            var row = [user, String(runs[0].jobCount(user: user))]
            for run in runs {
                let u = run.metrics.perUser.first { $0.user == user }
                row += [u.map { fixed($0.wait.mean / 3600, 2) } ?? "-", u.map { fixed($0.wait.p95 / 3600, 2) } ?? "-"]
            }
            rows.append(row)
        }
        page.table(["user", "jobs"] + runs.flatMap { ["\($0.policy) mean", "\($0.policy) P95"] }, rows, id: "users-table",
                   caption: "Wait before first start per user, hours: mean and 95th percentile under each policy")
        page.heading("Utilisation and waits", level: 3, id: "cluster-charts")
        for (k, chart) in charts.enumerated() {
            page.figure(svg: SVGEmbed.inline(chart.svg, idPrefix: "c\(k)-"), caption: caption(chart.file), file: chart.file)
        }
    }

    /// Every file of the run, relative to the report.
    static func files(_ outputs: RunOutputs) -> [(href: String?, text: String, note: String)] {
        let r = outputs.results.scaling, policies = outputs.results.policies
        var out: [(String?, String, String)] = []
        if !r.rows.isEmpty {
            out.append(("scaling.csv", "scaling.csv", "one row per model and system count"))
            for f in outputs.scalingCharts.map(\.file) { out.append((f, f, "chart")) }
        }
        if !policies.isEmpty {
            out.append(("policies.csv", "policies.csv", "one row per policy"))
            for p in policies {
                for f in ["jobs.csv", "segments.csv", "utilization.csv"] { out.append(("\(p.policy)/\(f)", "\(p.policy)/\(f)", "")) }
            }
            for f in outputs.clusterCharts.map(\.file) { out.append((f, f, "chart")) }
        }
        // The replayed job trace lives outside the folder: its path is shown, never linked.
        if let t = r.scenario.multitenant?.tracePath { out.append((nil, t, "the job trace this run replayed")) }
        out.append(("summary.json", "summary.json", "every figure and the resolved inputs"))
        out.append(("timing.json", "timing.json", "wall-clock figures of the run (the only file that differs between runs)"))
        if let trace = outputs.trace { out.append((trace.inside, trace.shown, "Chrome/Perfetto trace; open it in ui.perfetto.dev")) }
        return out
    }

    static func caption(_ file: String) -> String {
        switch file {
        case "throughput.svg": return "Throughput against systems, with the ideal (linear) line"
        case "speedup.svg": return "Speedup over the smallest system count"
        case "time_to_train.svg": return "Time to train; published figures as markers"
        case "efficiency.svg": return "Scaling efficiency: speedup over the ideal"
        case "utilization.svg": return "Busy systems over time, one panel per policy, same axes"
        case "wait_cdf.svg": return "Wait before first start: the fraction of started jobs that waited at most x hours"
        default: return file
        }
    }

    static func fixed(_ x: Double, _ decimals: Int) -> String {
        x.isFinite ? CSVField.double(x, decimals: decimals).displayText : "-"
    }

    static func error(_ simulated: Double, _ published: Double) -> String {
        let e = RelativeError.of(simulated, published) * 100
        guard e.isFinite else { return "-" }
        return (e >= 0 ? "+" : "") + fixed(e, 1) + "%"
    }
}
