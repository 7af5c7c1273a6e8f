import Cluster
import Reports

/// Every file of one run, rendered once from its ``Andromeda/Results``: the tables (scaling.csv,
/// policies.csv and each policy's jobs.csv, segments.csv and utilization.csv), the SVG charts,
/// summary.json and report.html. The charts are drawn once, here, and handed as they are both to
/// their `.svg` files and to the report, which embeds them; the report's policy table is the
/// rows of policies.csv. ``RunFolder`` stages these files (with timing.json and the trace) and
/// commits them as one set; every byte depends only on the scenario and the seed.
///
/// ```swift
/// let results = try Andromeda.run(try Andromeda.load("genslm"))
/// let outputs = try RunOutputs(results)
/// for f in outputs.files() { print(f.path) }   // scaling.csv, throughput.svg, ..., report.html
/// ```
public struct RunOutputs: Sendable {
    /// A chart: its file name in the folder and its SVG text.
    public typealias Chart = (file: String, svg: String)

    /// The run the files describe.
    public let results: Andromeda.Results
    /// The Perfetto trace written with the run, which the report names (nil: none).
    public let trace: HTMLReport.TraceFile?
    /// The CSV tables, each with its path relative to the folder: scaling.csv (with scaling
    /// rows), policies.csv and `<policy>/jobs.csv`, `segments.csv`, `utilization.csv` (with a
    /// shared cluster).
    public var tables: [(path: String, table: CSVTable)]
    /// The charts of the scaling experiments (``ChartOutputs/scalingCharts(_:)``).
    public var scalingCharts: [Chart]
    /// The charts of the shared cluster (``ChartOutputs/clusterCharts(_:)``).
    public var clusterCharts: [Chart]
    /// summary.json.
    public var summary: JSONOutput

    /// Renders the tables, the charts and the summary of `run` (once); `trace` is the Perfetto
    /// trace written with it, if any. Throws `ReportError` when a table row does not fit its
    /// columns (a program error).
    public init(_ run: Andromeda.Results, trace: HTMLReport.TraceFile? = nil) throws(ReportError) {
        results = run
        self.trace = trace
        let r = run.scaling, policies = run.policies
        tables = r.rows.isEmpty ? [] : [("scaling.csv", try ScalingOutputs.scalingCSV(r))]
        if !policies.isEmpty { tables += try ClusterOutputs.tables(policies) }
        scalingCharts = ChartOutputs.scalingCharts(r)
        clusterCharts = ChartOutputs.clusterCharts(policies)
        summary = ScalingOutputs.summaryJSON(r, policies: policies)
    }

    /// The table at `path` (relative to the folder), if the run writes it.
    public func table(_ path: String) -> CSVTable? { tables.first { $0.path == path }?.table }

    /// report.html, embedding ``scalingCharts`` and ``clusterCharts`` as they are.
    public var report: String { HTMLReport.run(self) }

    /// Every file, its path relative to the folder and its text: the tables, the charts,
    /// summary.json and report.html (timing.json and the trace are the folder's: ``RunFolder``).
    public func files() -> [(path: String, text: String)] {
        var out: [(path: String, text: String)] = tables.map { ($0.path, $0.table.render()) }
        out += (scalingCharts + clusterCharts).map { ($0.file, $0.svg) }
        out.append(("summary.json", summary.render()))
        out.append(("report.html", report))
        return out
    }

    /// Writes ``files()`` into `directory`, each through a temporary file (policy folders are
    /// created as needed).
    public func write(to directory: String) throws(ReportError) {
        for f in files() { try AtomicFile.write(f.text, to: directory + "/" + f.path) }
    }
}
