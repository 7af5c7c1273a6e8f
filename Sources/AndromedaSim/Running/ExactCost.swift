import Cluster
import Foundation
import Scenarios
import Training

/// What a run with exact contention is expected to cost, stated before it starts (issue 22,
/// item 6). Exact contention co-simulates every new mix of running jobs (docs/cluster.md), so its
/// cost is the number of new mixes times the cost of one; a new mix appears at about every start
/// and every end of a job (at most two per job and policy), and no more mixes can appear than there
/// are multisets of the jobs' distinct configurations of the size that runs at once (a workload of
/// a few configurations repeats its mixes and hits the cache). A co-simulation of m jobs costs
/// about m^2 (each job's events, and each event's max-min filling over the m jobs; fitted to the
/// table in docs/performance.md, "Exact contention: what it costs", where the estimate is within
/// about 2x of the measured times), so the estimate is mixes x m^2 x ``secondsPerUnit``. It is an
/// order of magnitude, not a promise.
public struct ExactCost: Sendable, Equatable {
    /// Jobs, their distinct configurations (model, sequence, batches, systems) and the policies run.
    public var jobs: Int, configurations: Int, policies: Int
    /// Jobs expected to run at once: the systems over the jobs' mean gang, at most the node
    /// groups and the jobs.
    public var runningAtOnce: Double
    /// New mixes to co-simulate, at most (over every policy).
    public var mixes: Double
    /// The estimated time on one core, seconds.
    public var seconds: Double

    /// Seconds per unit of mixes x m^2, fitted to the measured table (release build, a shared
    /// 2-core machine: the geometric mean of the eight rows' ratios).
    public static let secondsPerUnit = 8.0e-5
    /// The budget: a run estimated above it is told so, and mean-field is suggested.
    public static let budgetSeconds = 600.0

    /// Whether the estimate is over ``budgetSeconds``.
    public var overBudget: Bool { seconds > Self.budgetSeconds }

    /// The estimate for `jobs` of `scenario` under its multitenant section.
    public init(_ scenario: Scenario, jobs specs: [JobSpec]) {
        let m = scenario.multitenant
        jobs = specs.count
        configurations = Set(specs.map { JobConfiguration($0.training) }).count
        policies = max(1, m?.policies.count ?? 1)
        let systems = Double(scenario.cluster.systems)
        let meanGang = specs.isEmpty ? 1 : Double(specs.reduce(0) { $0 + max(1, $1.training.systems) }) / Double(specs.count)
        let groups = Double((m?.config ?? ClusterConfig()).nodeGroups(systems: scenario.cluster.systems))
        runningAtOnce = max(1, min(systems / meanGang, groups, Double(max(1, specs.count))))
        // Multisets of size k from c configurations: C(c + k - 1, k), in logs (it overflows fast).
        let k = runningAtOnce.rounded(), c = Double(max(1, configurations))
        let logMultisets = lgamma(c + k) - lgamma(k + 1) - lgamma(c)
        let perPolicy = min(2 * Double(jobs), exp(min(logMultisets, 700)))
        mixes = perPolicy * Double(policies)
        seconds = mixes * runningAtOnce * runningAtOnce * Self.secondsPerUnit
    }

    /// The notice printed on standard error before the run.
    public var notice: String {
        let time = seconds < 1 ? "under a second" : seconds < 120 ? String(format: "about %.0f s", seconds)
            : String(format: "about %.0f min", seconds / 60)
        var s = String(format: "exact contention: %d jobs (%d distinct configurations), %d %@, about %.0f running at once; "
                       + "expected cost: at most %.0f mixes to co-simulate (a start and an end per job and policy, or fewer when "
                       + "configurations repeat), %@ on one core (budget %.0f s)",
                       jobs, configurations, policies, policies == 1 ? "policy" : "policies", runningAtOnce, mixes, time, Self.budgetSeconds)
        if overBudget {
            s += String(format: "\nexact contention: the estimate exceeds the budget of %.0f s; \"contention\": \"mean-field\" gives "
                        + "the same run in seconds (docs/cluster.md compares the two)", Self.budgetSeconds)
        }
        return s
    }
}
