import Cluster
import Foundation
import Reports
import SimEngine

/// Files of a shared-cluster run: per policy jobs.csv, segments.csv, utilization.csv; over all
/// policies policies.csv and a summary section.
public enum ClusterOutputs {
    static func s(_ t: SimTime?) -> CSVField { t.map { .double($0.seconds, decimals: 3) } ?? .empty }

    /// jobs.csv: one row per job.
    public static func jobsCSV(_ run: PolicyRun) throws(ReportError) -> CSVTable {
        var t = CSVTable(columns: ["job", "user", "model", "systems", "system_ids", "submit_s", "start_s", "end_s", "wait_s",
                                   "run_s", "slowdown", "restarts", "lost_work_s", "energy_kwh", "state", "reason",
                                   "priority", "steps_done", "steps_total", "solo_run_s", "deadline_met"])
        for r in run.jobs {
            let wait = r.waitSeconds, runS = r.runSeconds, slowdown = r.slowdown
            let ids = r.segments.count == 1 ? r.segments[0].systems.map(String.init).joined(separator: ";") : ""
            let deadline: CSVField = r.deadlineMet.map { .bool($0) } ?? .empty
            try t.append([
                .string(r.spec.id), .string(r.spec.user), .string(r.spec.training.model.name), .int(Int64(r.spec.systems)),
                .string(ids), s(r.spec.submit), s(r.firstStart), s(r.end),
                wait.map { .double($0, decimals: 3) } ?? .empty, runS.map { .double($0, decimals: 3) } ?? .empty,
                slowdown.map { .double($0, decimals: 4) } ?? .empty, .int(Int64(r.restarts)),
                .double(r.lostWork.seconds, decimals: 3), .double(r.energyKWh, decimals: 3), .string(r.state.rawValue),
                .string(r.reason), .int(Int64(r.spec.priority)), .int(r.stepsDone), .int(r.stepsTotal),
                .double(r.soloRunTime.seconds, decimals: 3), deadline,
            ])
        }
        return t
    }

    /// segments.csv: every stretch a job held systems.
    public static func segmentsCSV(_ run: PolicyRun) throws(ReportError) -> CSVTable {
        var t = CSVTable(columns: ["job", "segment", "system_ids", "start_s", "end_s", "reason_ended"])
        for r in run.jobs {
            for (k, seg) in r.segments.enumerated() {
                try t.append([.string(r.spec.id), .int(Int64(k + 1)), .string(seg.systems.map(String.init).joined(separator: ";")),
                              s(seg.start), s(seg.end), .string(seg.reasonEnded)])
            }
        }
        return t
    }

    /// utilization.csv: the cluster's time series, one row per change.
    public static func utilizationCSV(_ run: PolicyRun) throws(ReportError) -> CSVTable {
        var t = CSVTable(columns: ["time_s", "busy_systems", "down_systems", "queue_length", "running_jobs", "memoryx_bytes_in_use"])
        for u in run.utilization {
            try t.append([s(u.time), .int(Int64(u.busySystems)), .int(Int64(u.downSystems)), .int(Int64(u.queueLength)),
                          .int(Int64(u.runningJobs)), .double(u.memoryXBytesInUse, decimals: 0)])
        }
        return t
    }

    /// policies.csv: one row per policy with the headline metrics.
    public static func policiesCSV(_ runs: [PolicyRun]) throws(ReportError) -> CSVTable {
        var t = CSVTable(columns: policyColumns)
        for r in runs { try t.append(policyFields(r)) }
        return t
    }

    /// The columns of policies.csv, in order.
    public static let policyColumns = [
        "policy", "jobs", "finished", "rejected", "unfinished", "makespan_h", "utilization",
        "mean_wait_h", "p50_wait_h", "p95_wait_h", "p99_wait_h", "mean_completion_h",
        "p95_completion_h", "mean_slowdown", "jain_fairness", "goodput", "restarts",
        "lost_work_h", "energy_mwh", "deadlines_missed",
    ]

    /// The fields of one policies.csv row, in the order of ``policyColumns`` (sweeps pick from them).
    public static func policyFields(_ r: PolicyRun) -> [CSVField] {
        let m = r.metrics
        return [
            .string(r.policy), .int(Int64(m.jobs)), .int(Int64(m.finished)), .int(Int64(m.rejected)), .int(Int64(m.unfinished)),
            .double(m.makespanSeconds / 3600, decimals: 3), .double(m.utilization, decimals: 4),
            .double(m.wait.mean / 3600, decimals: 3), .double(m.wait.p50 / 3600, decimals: 3),
            .double(m.wait.p95 / 3600, decimals: 3), .double(m.wait.p99 / 3600, decimals: 3),
            .double(m.completion.mean / 3600, decimals: 3), .double(m.completion.p95 / 3600, decimals: 3),
            .double(m.meanSlowdown, decimals: 3), .double(m.jainFairness, decimals: 4), .double(m.goodput, decimals: 4),
            .int(Int64(m.restarts)), .double(m.lostWorkHours, decimals: 3), .double(m.energyKWh / 1000, decimals: 3),
            .int(Int64(m.deadlinesMissed)),
        ]
    }

    static func summary(_ x: ClusterMetrics.Summary) -> JSONOutput {
        .object([("count", .int(Int64(x.count))), ("mean_s", .double(x.mean, decimals: 3)), ("p50_s", .double(x.p50, decimals: 3)),
                 ("p95_s", .double(x.p95, decimals: 3)), ("p99_s", .double(x.p99, decimals: 3)), ("max_s", .double(x.max, decimals: 3))])
    }

    /// The per-policy metrics for summary.json.
    public static func summaryJSON(_ runs: [PolicyRun]) -> JSONOutput {
        .array(runs.map { r in
            let m = r.metrics
            return .object([
                ("policy", .string(r.policy)), ("jobs", .int(Int64(m.jobs))), ("finished", .int(Int64(m.finished))),
                ("rejected", .int(Int64(m.rejected))), ("unfinished", .int(Int64(m.unfinished))),
                ("makespan_s", .double(m.makespanSeconds, decimals: 3)), ("utilization", .double(m.utilization, decimals: 6)),
                ("wait", summary(m.wait)), ("completion", summary(m.completion)),
                ("mean_slowdown", .double(m.meanSlowdown, decimals: 4)), ("jain_fairness", .double(m.jainFairness, decimals: 6)),
                ("goodput", .double(m.goodput, decimals: 6)), ("energy_kwh", .double(m.energyKWh, decimals: 1)),
                ("restarts", .int(Int64(m.restarts))), ("lost_work_h", .double(m.lostWorkHours, decimals: 3)),
                ("deadlines_missed", .int(Int64(m.deadlinesMissed))),
                ("contention_probes", .int(Int64(r.probes))), ("contention_cache_hits", .int(Int64(r.probeCacheHits))),
                ("per_user", .array(m.perUser.map { u in
                    .object([("user", .string(u.user)), ("wait", summary(u.wait)), ("completion", summary(u.completion)),
                             ("mean_slowdown", .double(u.slowdown, decimals: 4))])
                })),
            ])
        })
    }

    /// policies.csv and each policy's jobs.csv, segments.csv and utilization.csv, with their paths
    /// relative to the run's folder, in that order.
    public static func tables(_ runs: [PolicyRun]) throws(ReportError) -> [(path: String, table: CSVTable)] {
        var out: [(path: String, table: CSVTable)] = [("policies.csv", try policiesCSV(runs))]
        for r in runs {
            out.append((r.policy + "/jobs.csv", try jobsCSV(r)))
            out.append((r.policy + "/segments.csv", try segmentsCSV(r)))
            out.append((r.policy + "/utilization.csv", try utilizationCSV(r)))
        }
        return out
    }

    /// The readable comparison printed on the terminal.
    public static func table(_ runs: [PolicyRun]) -> String {
        var out = "policy             jobs  done  makespan_h  util   mean_wait_h  p95_wait_h  slowdown  jain    goodput\n"
        for r in runs {
            let m = r.metrics
            out += r.policy.padding(toLength: 17, withPad: " ", startingAt: 0)
            out += String(format: " %5d %5d %11.2f %5.3f %12.2f %11.2f %9.2f %6.3f %9.4f\n", m.jobs, m.finished,
                          m.makespanSeconds / 3600, m.utilization, m.wait.mean / 3600, m.wait.p95 / 3600, m.meanSlowdown,
                          m.jainFairness, m.goodput)
        }
        return out
    }
}
