import Cluster
import Hardware
import ScenarioFormat
import SimEngine
import Training
import Workloads

extension ScenarioDecoder {
    static func hours(_ r: ObjectReader, _ key: String, default d: Double?, max: Double = 1e6) throws(ScenarioError) -> SimDuration {
        let v = try r.double(key, default: d, range: 0...max, unit: "h")
        do { return try SimDuration(seconds: v * 3600, key) } catch { throw r.error(key, "\(error)") }
    }

    static func model(_ r: ObjectReader, models: [ModelSpec]) throws(ScenarioError) -> ModelSpec {
        let name = try r.string("model", nonEmpty: true)
        let seq = r.has("seq_len") ? try r.int("seq_len", range: 1...1_048_576) : nil
        switch ModelCatalog.resolve(name, seqLen: seq, custom: models) {
        case .success(let m): return m
        case .failure(let e): throw r.error("model", e.message)
        }
    }

    static func decodeMultitenant(_ r: ObjectReader, models: [ModelSpec], cluster: ClusterSpec,
                                  scenarioDirectory: String) throws(ScenarioError) -> MultitenantSpec {
        r.allow(["policies", "memoryx_node_groups", "horizon_h", "failures", "maintenance", "users", "jobs", "generate",
                 "trace", "fixed_costs", "checkpoint_every_steps", "contention", "comment"])
        _ = try r.string("comment", default: "", maxBytes: ObjectReader.maxTextBytes, multiline: true)
        let names = try r.stringArray("policies", default: PolicyName.names, count: 1...16, allowed: PolicyName.names)
        if let dup = names.first(where: { p in names.filter { $0 == p }.count > 1 }) {
            throw r.error("policies", "policy \"\(dup)\" is listed twice")
        }
        let policies = names.compactMap(PolicyName.init(rawValue:))
        var config = ClusterConfig()
        config.memoryXNodeGroups = try r.int("memoryx_node_groups", default: cluster.systems, range: 1...1024)
        if r.has("horizon_h") { config.horizon = SimTime(nanoseconds: try hours(r, "horizon_h", default: nil).nanoseconds) }
        if let f = try r.object("failures") {
            config.failures = FailureModel(mtbf: try hours(f, "mtbf_h", default: nil), repair: try hours(f, "repair_h", default: 4))
            guard let failures = config.failures, failures.mtbf.nanoseconds > 0 else { throw f.error("mtbf_h", "must be greater than 0 h") }
            // The failure count follows from the inputs: refuse a storm before anything runs.
            if let h = config.horizon {
                let expected = failures.expectedFailures(systems: cluster.systems, horizon: SimDuration(nanoseconds: h.nanoseconds))
                guard expected <= Double(FailureModel.maxFailures) else {
                    let least = Double(cluster.systems) * h.seconds / 3600 / Double(FailureModel.maxFailures)
                    throw f.error("mtbf_h", "\(cluster.systems) systems failing every \(failures.mtbf.seconds / 3600) h over horizon_h "
                        + "\(h.seconds / 3600) means about \(String(format: "%.3g", expected)) failures; allowed: at most "
                        + "\(FailureModel.maxFailures), so mtbf_h >= \(String(format: "%.6g", least)) for this horizon")
                }
            }
            try f.finish()
        }
        for w in try r.objectArray("maintenance") ?? [] {
            config.maintenance.append(MaintenanceWindow(
                start: SimTime(nanoseconds: try hours(w, "start_h", default: nil).nanoseconds),
                duration: try hours(w, "duration_h", default: nil),
                systems: try w.intArray("systems", range: 0...(cluster.systems - 1), count: 1...cluster.systems)))
            try w.finish()
        }
        var users: [UserSpec] = []
        for u in try r.objectArray("users") ?? [] {
            let name = try u.string("name", nonEmpty: true)
            if users.contains(where: { $0.name == name }) { throw u.error("name", "user \"\(name)\" is listed twice") }
            users.append(UserSpec(name: name, weight: try u.double("weight", default: 1, range: 1e-6...1e6, unit: "")))
            config.userShares[name] = try u.double("share", default: 1, range: 1e-6...1e6, unit: "")
            try u.finish()
        }
        var fc = FixedCosts()
        if let f = try r.object("fixed_costs") { fc = try decodeFixedCosts(f) }
        let interval = Int64(try r.int("checkpoint_every_steps", default: Int(TrainingSpec.defaultCheckpointEverySteps), range: 0...1_000_000_000_000))
        var jobs: [JobSpec] = []
        var seen = Set<String>()
        for (k, j) in (try r.objectArray("jobs") ?? []).enumerated() {
            let m = try model(j, models: models)
            let systems = try j.int("systems", range: 1...cluster.systems)
            var t = TrainingSpec(model: m, systems: systems, perSystemBatch: try j.int("per_system_batch", range: 1...1_000_000),
                                 stopping: .samples(Int64(try j.int("samples", range: 1...100_000_000_000_000))))
            t.checkpointEverySteps = Int64(try j.int("checkpoint_every_steps", default: Int(interval), range: 0...1_000_000_000_000))
            t.fixedCosts = fc
            let id = try j.string("id", default: String(format: "j%06d", k + 1), nonEmpty: true)
            guard seen.insert(id).inserted else { throw j.error("id", "duplicate job id \"\(id)\"") }
            let deadline = j.has("deadline_h") ? SimTime(nanoseconds: try hours(j, "deadline_h", default: nil).nanoseconds) : nil
            let submit = SimTime(nanoseconds: try hours(j, "submit_h", default: 0).nanoseconds)
            if let d = deadline, d < submit { throw j.error("deadline_h", "must not be before submit_h (\(submit.seconds / 3600) h)") }
            jobs.append(JobSpec(id: id, user: try j.string("user", default: "default", nonEmpty: true),
                                submit: submit, training: t,
                                priority: try j.int("priority", default: 0, range: -1000...1000), deadline: deadline))
            try j.finish()
        }
        var generator: WorkloadGenerator?
        if let g = try r.object("generate") {
            var classes: [JobClass] = []
            for c in try g.objectArray("classes") ?? [] {
                let lo = try c.double("samples_min", range: 1...1e14, unit: "samples")
                let hi = try c.double("samples_max", range: 1...1e14, unit: "samples")
                guard lo <= hi else { throw c.error("samples_max", "must be at least samples_min (\(lo))") }
                classes.append(JobClass(
                    name: try c.string("name", nonEmpty: true), weight: try c.double("weight", default: 1, range: 1e-6...1e6, unit: ""),
                    model: try model(c, models: models),
                    systemsChoices: try c.intArray("systems", range: 1...cluster.systems, count: 1...64),
                    perSystemBatch: try c.int("per_system_batch", range: 1...1_000_000), samplesRange: lo...hi,
                    priority: try c.int("priority", default: 0, range: -1000...1000),
                    checkpointEverySteps: Int64(try c.int("checkpoint_every_steps", default: Int(interval), range: 0...1_000_000_000_000))))
                try c.finish()
            }
            guard !classes.isEmpty else { throw g.error("classes", "required: at least one job class") }
            let gen = WorkloadGenerator(
                jobs: try g.int("jobs", range: 1...MultitenantSpec.maxJobs),
                arrivalRatePerHour: try g.double("arrival_rate_per_h", range: 1e-6...1e9, unit: "jobs/h"),
                users: users.isEmpty ? [UserSpec(name: "default")] : users, mix: classes,
                startAt: SimTime(nanoseconds: try hours(g, "start_h", default: 0).nanoseconds), fixedCosts: fc)
            do { try gen.validate() } catch { throw g.error(nil, "\(error)") }
            try g.finish()
            generator = gen
        }
        var tracePath: String?
        if r.has("trace") {
            let t = try r.string("trace", nonEmpty: true, maxBytes: 4095)
            tracePath = t.hasPrefix("/") || scenarioDirectory.isEmpty ? t : scenarioDirectory + "/" + t
        }
        guard !jobs.isEmpty || generator != nil || tracePath != nil else {
            throw r.error(nil, "needs jobs: at least one of \"jobs\", \"generate\" or \"trace\"")
        }
        let contention = ContentionMode(
            rawValue: try r.choice("contention", default: ContentionMode.meanField.rawValue, allowed: ContentionMode.names)) ?? .meanField
        try r.finish()
        return MultitenantSpec(policies: policies, config: config, jobs: jobs, generator: generator, tracePath: tracePath,
                               fixedCosts: fc, checkpointEverySteps: interval, contention: contention)
    }

    static func decodeFixedCosts(_ f: ObjectReader) throws(ScenarioError) -> FixedCosts {
        try decodeFixedCostsWithProfile(f).costs
    }

    /// Fixed costs starting from the named software-release profile (`profile`, default
    /// ``SoftwareRelease/defaultName``), each field overriding it.
    static func decodeFixedCostsWithProfile(_ f: ObjectReader) throws(ScenarioError) -> (costs: FixedCosts, profile: String) {
        let profile = try f.choice("profile", default: SoftwareRelease.defaultName, allowed: SoftwareRelease.catalog.keys.sorted())
        var fc = SoftwareRelease.catalog[profile]?.fixedCosts ?? FixedCosts()
        fc.queueWait = try seconds(f, "queue_wait_s", fc.queueWait)
        fc.compile = try seconds(f, "compile_s", fc.compile)
        fc.compileCached = try f.bool("compile_cached", default: fc.compileCached)
        fc.initialWeightLoad = try seconds(f, "initial_weight_load_s", fc.initialWeightLoad)
        fc.programming = try seconds(f, "programming_s", fc.programming)
        fc.checkpointBase = try seconds(f, "checkpoint_base_s", fc.checkpointBase)
        fc.checkpointBytesPerSecond = try f.double("checkpoint_bytes_per_s", default: fc.checkpointBytesPerSecond, range: 1e3...1e15, unit: "B/s")
        try f.finish()
        return (fc, profile)
    }
}
