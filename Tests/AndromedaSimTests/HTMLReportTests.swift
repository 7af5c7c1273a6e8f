import AndromedaSim
import Foundation
import Reports
import XCTest

final class HTMLReportTests: XCTestCase {
    func tempDir() throws -> String {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }

    /// Every `id="…"` of `html`, in order.
    func ids(_ html: String) -> [String] {
        html.components(separatedBy: " id=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
    }

    func testScalingReportHoldsPublishedFiguresAndIsDeterministic() throws {
        let d = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: d) }
        let r = try Andromeda.run(try Andromeda.load("genslm"))
        try RunOutputs(r).write(to: d + "/a")
        try RunOutputs(r).write(to: d + "/b")
        let a = try Data(contentsOf: URL(fileURLWithPath: d + "/a/report.html"))
        XCTAssertEqual(a, try Data(contentsOf: URL(fileURLWithPath: d + "/b/report.html")), "same results, same bytes")
        let html = String(decoding: a, as: UTF8.self)
        XCTAssert(html.hasPrefix("<!DOCTYPE html>"))
        for text in ["id=\"scaling-table\"", "published time (h)", ">4.10<", ">15.60<", ">2.40<", ">10.40<",
                     "href=\"scaling.csv\"", "href=\"summary.json\"", "href=\"throughput.svg\"", "id=\"inputs-json\""] {
            XCTAssert(html.contains(text), text)
        }
        // Each simulated time to train appears as in scaling.csv (2 decimals).
        for row in r.scaling.rows {
            XCTAssert(html.contains(String(format: ">%.2f<", row.result.timeToTrain.seconds / 3600)))
        }
        // Self-contained: nothing fetched, every chart inline with distinct clip-path ids, no wall clock.
        XCTAssertFalse(html.contains("http://") && html.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "").contains("http://"))
        XCTAssertFalse(html.contains("https://"))
        XCTAssertFalse(html.contains("<script"))
        XCTAssertEqual(html.components(separatedBy: "<svg ").count - 1, ChartOutputs.scalingCharts(r.scaling).count)
        XCTAssertGreaterThanOrEqual(ChartOutputs.scalingCharts(r.scaling).count, 3)
        let all = ids(html)
        XCTAssertEqual(all.count, Set(all).count, "duplicate ids: \(all)")
        XCTAssertFalse(html.contains("wall_seconds"))
    }

    func testClusterReportHoldsPoliciesUsersAndSmallMultiples() throws {
        let d = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: d) }
        let r = try Andromeda.run(try Andromeda.parse(MultitenantTests.scenario))
        try RunOutputs(r, trace: .init(inside: nil, shown: "../t.json")).write(to: d)
        let html = try String(contentsOfFile: d + "/report.html", encoding: .utf8)
        for p in r.policies {
            XCTAssert(html.contains("<td>\(p.policy)</td>"), p.policy)
            XCTAssert(html.contains("href=\"\(p.policy)/jobs.csv\""), p.policy)
            XCTAssert(html.contains("\(p.policy) P95"), p.policy)
        }
        for text in ["id=\"policies-table\"", "id=\"users-table\"", "one panel per policy", "href=\"wait_cdf.svg\"",
                     "<code>../t.json</code>", "href=\"policies.csv\""] {
            XCTAssert(html.contains(text), text)
        }
        // One nested panel per policy inside the utilisation chart, plus the wait CDF.
        XCTAssertEqual(html.components(separatedBy: "<svg ").count - 1, 2 + r.policies.count)
        let all = ids(html)
        XCTAssertEqual(all.count, Set(all).count, "duplicate ids")
        // The utilisation file is the same small multiples, valid for rsvg like every chart.
        let svg = try String(contentsOfFile: d + "/utilization.svg", encoding: .utf8)
        XCTAssertEqual(svg.components(separatedBy: "<svg ").count - 1, 1 + r.policies.count)
    }

    /// The charts are drawn once, in `RunOutputs`, and handed as they are to both their .svg files
    /// and the report: charts replaced in the value show in both, and the report draws none of
    /// its own. Its policy table is the rows of the policies.csv it is handed.
    func testChartsAreDrawnOnceForTheFilesAndTheReport() throws {
        for r in [try Andromeda.run(try Andromeda.load("genslm-2to4")), try Andromeda.run(try Andromeda.parse(MultitenantTests.scenario))] {
            var o = try RunOutputs(r)
            let charts = o.scalingCharts + o.clusterCharts
            XCTAssertFalse(charts.isEmpty)
            XCTAssertEqual(o.report, try RunOutputs(r).report, "drawn twice, the same bytes")
            func standIn(_ c: RunOutputs.Chart) -> RunOutputs.Chart {
                (c.file, "<svg xmlns=\"http://www.w3.org/2000/svg\"><desc>stand-in for \(c.file)</desc></svg>")
            }
            o.scalingCharts = o.scalingCharts.map(standIn)
            o.clusterCharts = o.clusterCharts.map(standIn)
            if var policies = o.table("policies.csv"), let k = o.tables.firstIndex(where: { $0.path == "policies.csv" }) {
                try policies.append([.string("handed-in-row")] + ClusterOutputs.policyFields(r.policies[0]).dropFirst())
                o.tables[k].table = policies
            }
            let files = Dictionary(uniqueKeysWithValues: o.files().map { ($0.path, $0.text) })
            let html = try XCTUnwrap(files["report.html"])
            for c in charts {
                XCTAssertEqual(files[c.file], standIn(c).svg, c.file)
                XCTAssert(html.contains("<desc>stand-in for \(c.file)</desc>"), c.file)
            }
            XCTAssertEqual(html.components(separatedBy: "<svg").count - 1, charts.count, "only the handed-in charts")
            XCTAssertEqual(html.contains("<td>handed-in-row</td>"), !r.policies.isEmpty)
        }
    }

    func testSweepReportIsTheSameForWorkersAndShards() throws {
        let d = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: d) }
        let sw = try Sweep(scenario: try Andromeda.load("genslm-2to4"),
                           parameters: [try SweepParameter(parsing: "systems=1,2,4"), try SweepParameter(parsing: "defect_rate=0,0.1")])
        _ = try SweepRunner.run(sw, source: "genslm-2to4", directory: d + "/one", workers: 1)
        _ = try SweepRunner.run(sw, source: "genslm-2to4", directory: d + "/s0", workers: 2, shard: (0, 2))
        XCTAssertFalse(FileManager.default.fileExists(atPath: d + "/s0/report.html"), "a shard alone has no report")
        _ = try SweepRunner.run(sw, source: "genslm-2to4", directory: d + "/s1", workers: 1, shard: (1, 2))
        _ = try SweepRunner.merge(sw, source: "genslm-2to4", shards: [d + "/s0", d + "/s1"], into: d + "/m")
        let a = try Data(contentsOf: URL(fileURLWithPath: d + "/one/report.html"))
        XCTAssertEqual(a, try Data(contentsOf: URL(fileURLWithPath: d + "/m/report.html")))
        let html = String(decoding: a, as: UTF8.self)
        XCTAssert(html.contains("id=\"sweep-scaling-table\"") && html.contains("href=\"sweep_scaling.csv\""))
        XCTAssert(html.contains("<th scope=\"col\">param_defect_rate</th>"))
        XCTAssertEqual(html.components(separatedBy: "<tr>").count - 1, 1 + 6, "header and 6 points x 1 model")
    }

    func testPageEscapesTextAndLinksRelatively() {
        var page = HTMLPage(title: "a <b> & \"c\"")
        page.table(["x"], [["<script>"], ["1.5"], ["-2%"]], id: "t")
        let html = page.render()
        XCTAssert(html.contains("<title>a &lt;b&gt; &amp; &quot;c&quot;</title>"))
        XCTAssert(html.contains("<td>&lt;script&gt;</td>") && html.contains("<td class=\"num\">1.5</td>")
                  && html.contains("<td class=\"num\">-2%</td>"))
        XCTAssertEqual(HTMLPage.localHref("fifo/jobs.csv"), "fifo/jobs.csv")
        XCTAssertNil(HTMLPage.localHref("../t.json"))
    }
}
