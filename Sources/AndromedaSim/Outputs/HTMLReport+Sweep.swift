import Foundation
import Reports

extension HTMLReport {
    /// Rows shown per table of a sweep report; the CSV files hold them all.
    static let sweepRowLimit = 1000

    /// The report of a sweep: the grid, and the tables of sweep_scaling.csv and sweep_cluster.csv
    /// (`scaling` and `cluster`, their text) with links to them. It depends only on the sweep
    /// and its results, not on workers, shards or folders, so a merged sweep's report is
    /// byte-identical to one machine's.
    public static func sweep(_ sweep: Sweep, scaling: String, cluster: String) -> String {
        var page = HTMLPage(title: "andromeda-sim sweep report: \(sweep.scenario.name)")
        if !sweep.scenario.description.isEmpty { page.paragraph(sweep.scenario.description) }
        page.heading("Grid", id: "grid")
        var facts: [(String, String)] = [("scenario", sweep.scenario.name), ("seed", String(sweep.scenario.seed)),
                                         ("andromeda-sim", AndromedaVersion.string), ("points", String(sweep.points.count))]
        for p in sweep.parameters { facts.append((p.name, p.values.joined(separator: ", "))) }
        page.facts(facts, id: "facts")
        for (file, text, id, what) in [("sweep_scaling.csv", scaling, "sweep-scaling-table", "Scaling: one row per point, model and system count"),
                                       ("sweep_cluster.csv", cluster, "sweep-cluster-table", "Shared cluster: one row per point and policy")] {
            let rows = csvRows(text)
            guard let header = rows.first, rows.count > 1 else { continue }
            page.heading(what, id: id.replacingOccurrences(of: "-table", with: ""))
            let body = Array(rows.dropFirst().prefix(sweepRowLimit))
            page.table(header, body, id: id, caption: rows.count - 1 > sweepRowLimit
                       ? "The first \(sweepRowLimit) of \(rows.count - 1) rows; \(file) has them all" : "As in \(file)")
        }
        page.heading("Files", id: "files")
        page.links([("sweep_scaling.csv", "sweep_scaling.csv", "scaling rows of every point"),
                    ("sweep_cluster.csv", "sweep_cluster.csv", "policy rows of every point"),
                    ("sweep.json", "sweep.json", "the sweep's definition and fingerprint")], id: "file-list")
        return page.render()
    }

    /// The records of CSV `text` (RFC 4180 quoting; records on one line each, as the sweep writes them).
    static func csvRows(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            var fields: [String] = [], field = "", quoted = false, previousQuote = false
            for c in line {
                if quoted {
                    if c == "\"" { quoted = false; previousQuote = true } else { field.append(c) }
                } else if c == "\"" {
                    if previousQuote { field.append("\"") }
                    quoted = true
                    previousQuote = false
                } else if c == "," {
                    fields.append(field); field = ""; previousQuote = false
                } else {
                    field.append(c); previousQuote = false
                }
            }
            fields.append(field)
            rows.append(fields)
        }
        return rows
    }
}
