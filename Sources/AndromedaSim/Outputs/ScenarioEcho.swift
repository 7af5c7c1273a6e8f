import Cluster
import Hardware
import Reports
import Scenarios
import SimEngine
import Training

/// The resolved inputs of a scenario (every default filled in), in the scenario format's own
/// field names, for summary.json.
enum ScenarioEcho {
    // Every key below is a declared field's name (ScenarioFields), but for the values the echo
    // derives: a model's `parameters`, `listed_jobs`, `user_shares` and the generator's `users`
    // (ScenarioEchoTests).
    typealias T = ScenarioFields.Top
    typealias Sc = ScenarioFields.Scaling
    typealias St = ScenarioFields.Stopping
    typealias M = ScenarioFields.Multitenant
    typealias F = ScenarioFields.Failures
    typealias W = ScenarioFields.Maintenance
    typealias U = ScenarioFields.Users
    typealias G = ScenarioFields.Generate
    typealias K = ScenarioFields.Classes

    static func d(_ x: Double) -> JSONOutput { .double(x, decimals: nil) }
    static func i(_ x: Int) -> JSONOutput { .int(Int64(x)) }

    /// The fields of one section as summary.json writes them: integers as integers, numbers
    /// with every digit, durations in seconds to the nanosecond.
    static func fields<Root>(_ fields: [ScenarioField<Root>], _ root: Root) -> [(String, JSONOutput)] {
        fields.map { value($0.name, $0.kind, $0.value(root)) }
    }

    /// One field's value as summary.json writes it.
    static func value(_ name: String, _ kind: ScenarioFieldKind, _ x: Double) -> (String, JSONOutput) {
        switch kind {
        case .integer: return (name, .int(Int64(x)))
        case .number: return (name, d(x))
        case .seconds: return (name, .double(x, decimals: 9))
        case .boolean: return (name, .bool(x != 0))
        }
    }

    static func section<Root>(_ f: [ScenarioField<Root>], _ root: Root) -> JSONOutput { .object(fields(f, root)) }

    static func json(_ s: Scenario) -> JSONOutput {
        let c = s.cluster
        // Each section's fields as declared once (ScenarioFields), in their order.
        let cluster: JSONOutput = .object([(ScenarioFields.Cluster.systems.name, i(c.systems))]
            + ScenarioFields.hardware.map { h in (h.name, .object(h.values(c).map { value($0.name, $0.kind, $0.value) })) })
        let eff = section(ScenarioFields.efficiency, s.efficiency)
        let scaling: [JSONOutput] = s.scaling.map { e in
            let m = e.model
            let stopping: JSONOutput
            switch e.stopping {
            case .samples(let n): stopping = .object([(St.rule.name, .string("samples")), (St.samples.name, .int(n))])
            case .steps(let n): stopping = .object([(St.rule.name, .string("steps")), (St.steps.name, .int(n))])
            case .convergence(let a, let b):
                if let l = e.convergenceLaw {
                    stopping = .object([(St.rule.name, .string("convergence_law")), (St.law.name, .string(l.name))]
                                       + fields(ScenarioFields.convergenceLaw, l) + [(St.minSamples.name, d(a)), (St.noiseBatch.name, d(b))])
                } else {
                    stopping = .object([(St.rule.name, .string("convergence")), (St.minSamples.name, d(a)), (St.noiseBatch.name, d(b))])
                }
            }
            let f = e.fixedCosts
            return .object([
                (ScenarioFields.modelName.name, .object([(ScenarioFields.customModelName.name, .string(m.name))] + fields(ScenarioFields.model, m) + [("parameters", i(m.parameters))])),
                (Sc.systems.name, .array(e.systems.map(i))),
                (Sc.perSystemBatch.name, i(e.perSystemBatch)),
                (Sc.globalBatch.name, e.globalBatch.map(i) ?? .null),
                (Sc.stopping.name, stopping),
                (Sc.checkpointEverySteps.name, .int(e.checkpointEverySteps)),
                (Sc.finalCheckpoint.name, .bool(e.finalCheckpoint)),
                (Sc.fixedCosts.name, .object([(ScenarioFields.releaseProfile.name, .string(e.releaseProfile))] + fields(ScenarioFields.fixedCosts, f))),
            ])
        }
        return .object([
            (T.version.name, i(s.version)), (T.name.name, .string(s.name)), (T.description.name, .string(s.description)),
            (T.seed.name, .int(Int64(bitPattern: s.seed))), (T.cluster.name, cluster), (T.efficiency.name, eff), (T.scaling.name, .array(scaling)),
            (T.multitenant.name, s.multitenant.map { multitenant($0, systems: s.cluster.systems) } ?? .null),
        ])
    }

    static func multitenant(_ m: MultitenantSpec, systems: Int) -> JSONOutput {
        let c = m.config
        var members: [(String, JSONOutput)] = [
            (M.policies.name, .array(m.policies.map { .string($0.rawValue) })),
            (M.contention.name, .string(m.contention.rawValue)),
            (M.nodeGroups.name, i(c.nodeGroups(systems: systems))),
            (M.horizon.name, c.horizon.map { d($0.seconds / 3600) } ?? .null),
            (M.failures.name, c.failures.map { f in .object([(F.mtbf.name, d(f.mtbf.seconds / 3600)), (F.repair.name, d(f.repair.seconds / 3600))]) } ?? .null),
            (M.maintenance.name, .array(c.maintenance.map { w in
                .object([(W.start.name, d(w.start.seconds / 3600)), (W.duration.name, d(w.duration.seconds / 3600)),
                         (W.systems.name, .array(w.systems.map(i)))])
            })),
            ("user_shares", .object(c.userShares.keys.sorted().map { ($0, d(c.userShares[$0] ?? 1)) })),
            (M.checkpointEverySteps.name, .int(m.checkpointEverySteps)),
            ("listed_jobs", i(m.jobs.count)),
            (M.trace.name, m.tracePath.map { .string($0) } ?? .null),
        ]
        if let g = m.generator {
            members.append((M.generate.name, .object([
                (G.jobs.name, i(g.jobs)), (G.arrivalRate.name, d(g.arrivalRatePerHour)), (G.start.name, d(g.startAt.seconds / 3600)),
                (M.users.name, .array(g.users.map { u in .object([(U.name.name, .string(u.name)), (U.weight.name, d(u.weight)), (U.share.name, d(c.userShares[u.name] ?? 1))]) })),
                (G.classes.name, .array(g.mix.map { k in
                    .object([(K.name.name, .string(k.name)), (K.weight.name, d(k.weight)), (ScenarioFields.modelName.name, .string(k.model.name)),
                             (ScenarioFields.seqLenOverride.name, i(k.model.seqLen)), (K.systems.name, .array(k.systemsChoices.map(i))),
                             (K.perSystemBatch.name, i(k.perSystemBatch)), (K.samplesMin.name, d(k.samplesRange.lowerBound)),
                             (K.samplesMax.name, d(k.samplesRange.upperBound)), (K.priority.name, i(k.priority)),
                             (K.checkpointEverySteps.name, .int(k.checkpointEverySteps))])
                })),
            ])))
        }
        return .object(members)
    }
}
