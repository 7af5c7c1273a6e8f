import Cluster
import Hardware
import Reports
import Scenarios
import SimEngine
import Training

/// The resolved inputs of a scenario (every default filled in), in the scenario format's own
/// field names, for summary.json.
enum ScenarioEcho {
    static func d(_ x: Double) -> JSONOutput { .double(x, decimals: nil) }
    static func i(_ x: Int) -> JSONOutput { .int(Int64(x)) }

    /// The fields of one section as summary.json writes them: integers as integers, numbers
    /// with every digit, durations in seconds to the nanosecond.
    static func fields<Root>(_ fields: [ScenarioField<Root>], _ root: Root) -> [(String, JSONOutput)] {
        fields.map { f in
            switch f.kind {
            case .integer: return (f.name, .int(Int64(f.value(root))))
            case .number: return (f.name, d(f.value(root)))
            case .seconds: return (f.name, .double(f.value(root), decimals: 9))
            case .boolean: return (f.name, .bool(f.value(root) != 0))
            }
        }
    }

    static func section<Root>(_ f: [ScenarioField<Root>], _ root: Root) -> JSONOutput { .object(fields(f, root)) }

    static func json(_ s: Scenario) -> JSONOutput {
        let c = s.cluster
        // Each section's fields as declared once (ScenarioFields), in their order.
        let cluster: JSONOutput = .object([
            ("systems", i(c.systems)),
            ("wafer", section(ScenarioFields.wafer, c.cs2.wafer)),
            ("cs2", section(ScenarioFields.cs2, c.cs2)),
            ("memoryx", section(ScenarioFields.memoryX, c.memoryX)),
            ("swarmx", section(ScenarioFields.swarmX, c.swarmX)),
            ("input_workers", section(ScenarioFields.inputWorkers, c.inputWorkers)),
            ("runtime", section(ScenarioFields.runtime, c.runtime)),
        ])
        let eff = section(ScenarioFields.efficiency, s.efficiency)
        let scaling: [JSONOutput] = s.scaling.map { e in
            let m = e.model
            let stopping: JSONOutput
            switch e.stopping {
            case .samples(let n): stopping = .object([("rule", .string("samples")), ("samples", .int(n))])
            case .steps(let n): stopping = .object([("rule", .string("steps")), ("steps", .int(n))])
            case .convergence(let a, let b):
                if let l = e.convergenceLaw {
                    stopping = .object([("rule", .string("convergence_law")), ("law", .string(l.name))]
                                       + fields(ScenarioFields.convergenceLaw, l) + [("min_samples", d(a)), ("noise_batch", d(b))])
                } else {
                    stopping = .object([("rule", .string("convergence")), ("min_samples", d(a)), ("noise_batch", d(b))])
                }
            }
            let f = e.fixedCosts
            return .object([
                ("model", .object([("name", .string(m.name))] + fields(ScenarioFields.model, m) + [("parameters", i(m.parameters))])),
                ("systems", .array(e.systems.map(i))),
                ("per_system_batch", i(e.perSystemBatch)),
                ("global_batch", e.globalBatch.map(i) ?? .null),
                ("stopping", stopping),
                ("checkpoint_every_steps", .int(e.checkpointEverySteps)),
                ("final_checkpoint", .bool(e.finalCheckpoint)),
                ("fixed_costs", .object([("profile", .string(e.releaseProfile))] + fields(ScenarioFields.fixedCosts, f))),
            ])
        }
        return .object([
            ("version", i(s.version)), ("name", .string(s.name)), ("description", .string(s.description)),
            ("seed", .int(Int64(bitPattern: s.seed))), ("cluster", cluster), ("efficiency", eff), ("scaling", .array(scaling)),
            ("multitenant", s.multitenant.map { multitenant($0, systems: s.cluster.systems) } ?? .null),
        ])
    }

    static func multitenant(_ m: MultitenantSpec, systems: Int) -> JSONOutput {
        let c = m.config
        var members: [(String, JSONOutput)] = [
            ("policies", .array(m.policies.map { .string($0.rawValue) })),
            ("contention", .string(m.contention.rawValue)),
            ("memoryx_node_groups", i(c.nodeGroups(systems: systems))),
            ("horizon_h", c.horizon.map { d($0.seconds / 3600) } ?? .null),
            ("failures", c.failures.map { f in .object([("mtbf_h", d(f.mtbf.seconds / 3600)), ("repair_h", d(f.repair.seconds / 3600))]) } ?? .null),
            ("maintenance", .array(c.maintenance.map { w in
                .object([("start_h", d(w.start.seconds / 3600)), ("duration_h", d(w.duration.seconds / 3600)),
                         ("systems", .array(w.systems.map(i)))])
            })),
            ("user_shares", .object(c.userShares.keys.sorted().map { ($0, d(c.userShares[$0] ?? 1)) })),
            ("checkpoint_every_steps", .int(m.checkpointEverySteps)),
            ("listed_jobs", i(m.jobs.count)),
            ("trace", m.tracePath.map { .string($0) } ?? .null),
        ]
        if let g = m.generator {
            members.append(("generate", .object([
                ("jobs", i(g.jobs)), ("arrival_rate_per_h", d(g.arrivalRatePerHour)), ("start_h", d(g.startAt.seconds / 3600)),
                ("users", .array(g.users.map { u in .object([("name", .string(u.name)), ("weight", d(u.weight)), ("share", d(c.userShares[u.name] ?? 1))]) })),
                ("classes", .array(g.mix.map { k in
                    .object([("name", .string(k.name)), ("weight", d(k.weight)), ("model", .string(k.model.name)),
                             ("seq_len", i(k.model.seqLen)), ("systems", .array(k.systemsChoices.map(i))),
                             ("per_system_batch", i(k.perSystemBatch)), ("samples_min", d(k.samplesRange.lowerBound)),
                             ("samples_max", d(k.samplesRange.upperBound)), ("priority", i(k.priority)),
                             ("checkpoint_every_steps", .int(k.checkpointEverySteps))])
                })),
            ])))
        }
        return .object(members)
    }
}
