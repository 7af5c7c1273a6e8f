import Charts
import Cluster
import Foundation
import Reports
import SimEngine

/// SVG charts of a run, written next to its CSV files. Like the CSV files, every byte depends
/// only on the scenario and the seed.
public enum ChartOutputs {
    /// The charts of a scaling run, all against the number of systems on a log2 axis, one line
    /// per model (per experiment when a model appears in several):
    /// - throughput.svg: samples/s, with a dashed ideal line per model (the throughput at its
    ///   smallest system count, scaled linearly);
    /// - speedup.svg: speedup over the smallest system count, with the dashed ideal speedup
    ///   (y = x when the smallest count is 1; systems / smallest count in general);
    /// - time_to_train.svg: time to train in hours, with the published figures as markers when
    ///   the scenario gives them;
    /// - efficiency.svg: scaling efficiency (speedup / (systems / smallest count)), with the
    ///   dashed ideal line at 1.
    ///
    /// A model has the same colour in all three charts; the ideal speedup is black. The y axes
    /// of throughput and time to train are linear from 0, or log10 when the values span
    /// more than a factor of 50.
    public static func scalingCharts(_ r: ScenarioResults) -> [(file: String, svg: String)] {
        guard !r.rows.isEmpty else { return [] }
        let groups = modelGroups(r.rows)
        let systems = Axis(label: "systems (\(r.scenario.cluster.systemName))", scale: .log2)
        let name = r.scenario.name

        var throughput: [Series] = []
        var speedup: [Series] = []
        var timeToTrain: [Series] = []
        var efficiency: [Series] = []
        for (k, g) in groups.enumerated() {
            let i = k < idealColor ? k : k + 1  // black is kept for the ideal speedup
            let counts = g.rows.map { Double($0.result.systems) }
            throughput.append(Series(name: g.name, points: g.rows.map { (Double($0.result.systems), $0.result.samplesPerSecond) },
                                     colorIndex: i))
            if let base = g.rows.first, g.rows.count > 1 {
                let perSystem = base.result.samplesPerSecond / Double(base.result.systems)
                throughput.append(Series(name: g.name + " ideal", points: densified(counts).map { ($0, $0 * perSystem) },
                                         style: .dashed, colorIndex: i))
            }
            speedup.append(Series(name: g.name, points: g.rows.map { (Double($0.result.systems), $0.speedup) }, colorIndex: i))
            efficiency.append(Series(name: g.name, points: g.rows.map { (Double($0.result.systems), $0.scalingEfficiency) },
                                     colorIndex: i))
            timeToTrain.append(Series(name: g.name, points: g.rows.map { (Double($0.result.systems), $0.result.timeToTrain.seconds / 3600) },
                                      colorIndex: i))
            let published = g.rows.compactMap { row in
                row.published?.timeToTrainHours.map { (x: Double(row.result.systems), y: $0) }
            }
            if !published.isEmpty {
                timeToTrain.append(Series(name: g.name + " published", points: published, style: .markers, colorIndex: i))
            }
        }
        // The ideal speedup, one line per distinct smallest system count (usually just one).
        var bases: [Int] = []
        for g in groups where g.rows.count > 1 {
            if let b = g.rows.first?.result.systems, !bases.contains(b) { bases.append(b) }
        }
        var ideals: [Series] = []
        for b in bases {
            let counts = groups.filter { $0.rows.first?.result.systems == b }.flatMap { $0.rows.map { Double($0.result.systems) } }
            let span = Array(Set(counts)).sorted()
            ideals.append(Series(name: bases.count == 1 ? "ideal" : "ideal (from \(b) systems)",
                                 points: densified(span).map { ($0, $0 / Double(b)) }, style: .dashed, colorIndex: idealColor))
        }
        speedup = ideals + speedup  // under the models' lines
        let allCounts = Array(Set(r.rows.map { Double($0.result.systems) })).sorted()
        efficiency = [Series(name: "ideal", points: densified(allCounts).map { ($0, 1.0) }, style: .dashed, colorIndex: idealColor)]
            + efficiency
        let lowest = efficiency.flatMap { $0.points.map(\.y) }.min() ?? 1

        return [
            ("throughput.svg", LineChart(title: "\(name): throughput", xAxis: systems,
                                         yAxis: valueAxis("samples/s", throughput), series: throughput).svg()),
            ("speedup.svg", LineChart(title: "\(name): speedup", xAxis: systems,
                                      yAxis: Axis(label: "speedup over the smallest system count", min: 0),
                                      series: speedup).svg()),
            ("time_to_train.svg", LineChart(title: "\(name): time to train", xAxis: systems,
                                            yAxis: valueAxis("time to train (h)", timeToTrain), series: timeToTrain).svg()),
            ("efficiency.svg", LineChart(title: "\(name): scaling efficiency", xAxis: systems,
                                         yAxis: Axis(label: "speedup / ideal speedup", min: lowest.isFinite ? min(0.9, lowest) : 0),
                                         series: efficiency).svg()),
        ]
    }

    /// The charts of a shared-cluster run:
    /// - utilization.svg: busy systems over simulated time (hours), as a staircase, in small
    ///   multiples: one panel per policy, all on the same axes (0 to the last time, 0 to the most
    ///   systems busy or down); when a policy has more than 400 steps, the time-weighted mean per
    ///   bin (a round width giving at most 120 bins, named in the axis label);
    /// - wait_cdf.svg: the distribution (CDF) of the wait from submission to first start, in
    ///   hours, over the jobs that started, one line per policy.
    public static func clusterCharts(_ runs: [PolicyRun]) -> [(file: String, svg: String)] {
        guard !runs.isEmpty else { return [] }
        var utilization: [Series] = []
        var waits: [Series] = []
        // Keep the samples where the busy count changes (and the last): the same staircase.
        let steps: [[(x: Double, y: Double)]] = runs.map { run in
            run.utilization.enumerated().compactMap { k, s in
                let changed = k == 0 || run.utilization[k - 1].busySystems != s.busySystems
                return changed || k == run.utilization.count - 1 ? (s.time.seconds / 3600, Double(s.busySystems)) : nil
            }
        }
        // Thousands of steps per policy overlap into a solid band: show means over fixed bins then.
        let end = steps.compactMap { $0.last?.x }.max() ?? 0
        let bin = steps.contains { $0.count > 400 } ? binWidth(hours: end, maxBins: 120) : nil
        for (i, run) in runs.enumerated() {
            let points = bin.map { binnedMeans(steps[i], width: $0) } ?? steps[i]
            utilization.append(Series(name: run.policy, points: points, style: .step, colorIndex: i))
            waits.append(Series(name: run.policy, points: LineChart.cdf(run.waitHours), style: .step, colorIndex: i))
        }
        // Small multiples: overlaid, five staircases are hard to tell apart.
        let top = runs.flatMap { $0.utilization.map { $0.busySystems + $0.downSystems } }.max() ?? 1
        let what = bin.map { "busy systems, mean per \(hoursText($0))" } ?? "busy systems"
        let panels = utilization.map { s in
            var panel = LineChart(title: s.name, xAxis: Axis(label: "time (h)", min: 0, max: Swift.max(end, 1e-9)),
                                  yAxis: Axis(label: "busy systems", min: 0, max: Double(Swift.max(top, 1))), series: [s],
                                  width: 420, height: 260)
            panel.showsLegend = false
            return panel
        }
        return [
            ("utilization.svg", SmallMultiples(title: "Cluster utilization (\(what)), one panel per policy", panels: panels,
                                               columns: 2).svg()),
            ("wait_cdf.svg", LineChart(title: "Wait before first start", xAxis: Axis(label: "wait (h)", min: 0),
                                       yAxis: Axis(label: "fraction of started jobs", min: 0, max: 1), series: waits).svg()),
        ]
    }

    /// A y axis for `series`: linear from 0, or log10 when the values span more than a factor
    /// of 50 (models of very different sizes), where a linear axis would flatten the small ones.
    static func valueAxis(_ label: String, _ series: [Series]) -> Axis {
        let ys = series.flatMap { $0.points.map(\.y) }.filter { $0.isFinite && $0 > 0 }
        if let lo = ys.min(), let hi = ys.max(), hi / lo > 50 { return Axis(label: label, scale: .log10) }
        return Axis(label: label, min: 0)
    }

    /// The rows of each (experiment, model), in order of first appearance and by system count;
    /// a model in several experiments gets the experiment's number in its name.
    static func modelGroups(_ rows: [ScalingRow]) -> [(name: String, rows: [ScalingRow])] {
        var keys: [(experiment: Int, model: String)] = []
        var grouped: [[ScalingRow]] = []
        for row in rows {
            if let k = keys.firstIndex(where: { $0.experiment == row.experiment && $0.model == row.result.modelName }) {
                grouped[k].append(row)
            } else {
                keys.append((row.experiment, row.result.modelName))
                grouped.append([row])
            }
        }
        return zip(keys, grouped).map { key, rows in
            let repeated = keys.filter { $0.model == key.model }.count > 1
            let name = repeated ? "\(key.model) (experiment \(key.experiment + 1))" : key.model
            return (name, rows.enumerated().sorted { ($0.element.result.systems, $0.offset) < ($1.element.result.systems, $1.offset) }
                .map(\.element))
        }
    }

    /// The palette slot of the ideal speedup line (black); models use the others.
    static let idealColor = 6

    /// The smallest of a few round bin widths (hours) that cuts `hours` into at most `maxBins`.
    static func binWidth(hours: Double, maxBins: Int) -> Double {
        let widths: [Double] = [0.25, 0.5, 1, 2, 3, 6, 12, 24, 48, 168, 336, 720]
        return widths.first { hours / $0 <= Double(maxBins) } ?? (hours / Double(maxBins)).rounded(.up)
    }

    /// "15 min", "1 h", "2 h" for a bin width in hours.
    static func hoursText(_ h: Double) -> String {
        h < 1 ? "\(Int((h * 60).rounded())) min" : "\(Int(h.rounded())) h"
    }

    /// The time-weighted mean of the staircase `steps` (value `y` from each `x` to the next) over
    /// bins of `width` from 0 to the last step, as step points: one at the start of every bin
    /// and one at the end.
    static func binnedMeans(_ steps: [(x: Double, y: Double)], width: Double) -> [(x: Double, y: Double)] {
        guard let end = steps.last?.x, end > 0, width > 0 else { return steps }
        let count = Int((end / width).rounded(.up))
        var sums = [Double](repeating: 0, count: count), covered = [Double](repeating: 0, count: count)
        for (a, b) in zip(steps, steps.dropFirst()) where b.x > a.x {
            var t = Swift.max(a.x, 0)
            while t < b.x {
                var j = Swift.min(Int(t / width), count - 1)
                if j < count - 1 && Double(j + 1) * width <= t { j += 1 }  // rounding at a bin edge
                let stop = j == count - 1 ? b.x : Swift.min(b.x, Double(j + 1) * width)
                sums[j] += a.y * (stop - t)
                covered[j] += stop - t
                t = stop
            }
        }
        var out: [(x: Double, y: Double)] = []
        for j in 0..<count where covered[j] > 0 { out.append((Double(j) * width, sums[j] / covered[j])) }
        if let last = out.last { out.append((end, last.y)) }
        return out
    }

    /// `counts` (ascending) with 7 geometric steps between neighbours, so that lines of
    /// y proportional to x look smooth on a log x axis.
    static func densified(_ counts: [Double]) -> [Double] {
        var out: [Double] = []
        for (a, b) in zip(counts, counts.dropFirst()) where a > 0 && b > a {
            for k in 0..<8 { out.append(a * pow(b / a, Double(k) / 8)) }
        }
        if let last = counts.last { out.append(last) }
        return out
    }
}
