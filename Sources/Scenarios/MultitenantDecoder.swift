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

    static func model(_ r: ObjectReader, models: ModelCatalog.Custom) throws(ScenarioError) -> ModelSpec {
        let name = try ScenarioFields.modelName.string(r)
        let seq = r.has(ScenarioFields.seqLenOverride.name) ? try ScenarioFields.seqLenOverride.int(r) : nil
        switch ModelCatalog.resolve(name, seqLen: seq, custom: models) {
        case .success(let m): return m
        case .failure(let e): throw r.error(ScenarioFields.modelName.name, e.message)
        }
    }

    static func decodeMultitenant(_ r: ObjectReader, models: ModelCatalog.Custom, cluster: ClusterSpec,
                                  scenarioDirectory: String) throws(ScenarioError) -> MultitenantSpec {
        typealias F = ScenarioFields.Multitenant
        r.allow(F.section.names)
        _ = try FieldSpec.comment.string(r, maxBytes: ObjectReader.maxTextBytes, multiline: true)
        let names = try r.stringArray(F.policies.name, default: PolicyName.names, count: F.policies.count, allowed: PolicyName.names)
        if let dup = names.first(where: { p in names.filter { $0 == p }.count > 1 }) {
            throw r.error(F.policies.name, "policy \"\(dup)\" is listed twice")
        }
        let policies = names.compactMap(PolicyName.init(rawValue:))
        var config = ClusterConfig()
        // The default (one group per system) is the one ClusterConfig resolves, pinned to this cluster.
        config.memoryXNodeGroups = try F.nodeGroups.int(r, default: config.nodeGroups(systems: cluster.systems))
        if r.has(F.horizon.name) { config.horizon = SimTime(nanoseconds: try F.horizon.hours(r).nanoseconds) }
        if let f = try r.object(F.failures.name) {
            typealias W = ScenarioFields.Failures
            config.failures = FailureModel(mtbf: try W.mtbf.hours(f), repair: try W.repair.hours(f))
            guard let failures = config.failures, failures.mtbf.nanoseconds > 0 else { throw f.error(W.mtbf.name, "must be greater than 0 h") }
            // The failure count follows from the inputs: refuse a storm before anything runs.
            if let h = config.horizon {
                let expected = failures.expectedFailures(systems: cluster.systems, horizon: SimDuration(nanoseconds: h.nanoseconds))
                guard expected <= Double(FailureModel.maxFailures) else {
                    let least = Double(cluster.systems) * h.seconds / 3600 / Double(FailureModel.maxFailures)
                    throw f.error(W.mtbf.name, "\(cluster.systems) systems failing every \(failures.mtbf.seconds / 3600) h over \(F.horizon.name) "
                        + "\(h.seconds / 3600) means about \(String(format: "%.3g", expected)) failures; allowed: at most "
                        + "\(FailureModel.maxFailures), so \(W.mtbf.name) >= \(String(format: "%.6g", least)) for this horizon")
                }
            }
            try f.finish()
        }
        for w in try r.objectArray(F.maintenance.name) ?? [] {
            typealias M = ScenarioFields.Maintenance
            config.maintenance.append(MaintenanceWindow(
                start: SimTime(nanoseconds: try M.start.hours(w).nanoseconds),
                duration: try M.duration.hours(w),
                systems: try M.systems.intArray(w, range: 0...(cluster.systems - 1), count: 1...cluster.systems)))
            try w.finish()
        }
        var users: [UserSpec] = []
        var userNames = Set<String>()
        for u in try r.objectArray(F.users.name) ?? [] {
            typealias U = ScenarioFields.Users
            let name = try U.name.string(u)
            guard userNames.insert(name).inserted else { throw u.error(U.name.name, "user \"\(name)\" is listed twice") }
            users.append(UserSpec(name: name, weight: try U.weight.double(u)))
            config.userShares[name] = try U.share.double(u)
            try u.finish()
        }
        var fc = FixedCosts()
        if let f = try r.object(F.fixedCosts.name) { fc = try decodeFixedCosts(f) }
        let interval = Int64(try F.checkpointEverySteps.int(r))
        var jobs: [JobSpec] = []
        var seen = Set<String>()
        for (k, j) in (try r.objectArray(F.jobs.name) ?? []).enumerated() {
            typealias J = ScenarioFields.Jobs
            let m = try model(j, models: models)
            let systems = try J.systems.int(j, range: 1...cluster.systems)
            var t = TrainingSpec(model: m, systems: systems, perSystemBatch: try J.perSystemBatch.int(j),
                                 stopping: .samples(Int64(try J.samples.int(j))))
            t.checkpointEverySteps = Int64(try J.checkpointEverySteps.int(j, default: Int(interval)))
            t.fixedCosts = fc
            let id = try J.id.string(j, default: String(format: "j%06d", k + 1))
            guard seen.insert(id).inserted else { throw j.error(J.id.name, "duplicate job id \"\(id)\"") }
            let deadline = j.has(J.deadline.name) ? SimTime(nanoseconds: try J.deadline.hours(j).nanoseconds) : nil
            let submit = SimTime(nanoseconds: try J.submit.hours(j).nanoseconds)
            if let d = deadline, d < submit { throw j.error(J.deadline.name, "must not be before \(J.submit.name) (\(submit.seconds / 3600) h)") }
            jobs.append(JobSpec(id: id, user: try J.user.string(j), submit: submit, training: t,
                                priority: try J.priority.int(j), deadline: deadline))
            try j.finish()
        }
        var generator: WorkloadGenerator?
        if let g = try r.object(F.generate.name) {
            typealias G = ScenarioFields.Generate
            typealias C = ScenarioFields.Classes
            var classes: [JobClass] = []
            for c in try g.objectArray(G.classes.name) ?? [] {
                let lo = try C.samplesMin.double(c)
                let hi = try C.samplesMax.double(c)
                guard lo <= hi else { throw c.error(C.samplesMax.name, "must be at least \(C.samplesMin.name) (\(lo))") }
                classes.append(JobClass(
                    name: try C.name.string(c), weight: try C.weight.double(c),
                    model: try model(c, models: models),
                    systemsChoices: try C.systems.intArray(c, range: 1...cluster.systems),
                    perSystemBatch: try C.perSystemBatch.int(c), samplesRange: lo...hi,
                    priority: try C.priority.int(c),
                    checkpointEverySteps: Int64(try C.checkpointEverySteps.int(c, default: Int(interval)))))
                try c.finish()
            }
            guard !classes.isEmpty else { throw g.error(G.classes.name, "required: at least one job class") }
            let gen = WorkloadGenerator(
                jobs: try G.jobs.int(g),
                arrivalRatePerHour: try G.arrivalRate.double(g),
                users: users.isEmpty ? [UserSpec(name: "default")] : users, mix: classes,
                startAt: SimTime(nanoseconds: try G.start.hours(g).nanoseconds), fixedCosts: fc)
            do { try gen.validate() } catch { throw g.error(nil, "\(error)") }
            try g.finish()
            generator = gen
        }
        var tracePath: String?
        if r.has(F.trace.name) {
            let t = try F.trace.string(r, maxBytes: 4095)
            tracePath = t.hasPrefix("/") || scenarioDirectory.isEmpty ? t : scenarioDirectory + "/" + t
        }
        guard !jobs.isEmpty || generator != nil || tracePath != nil else {
            throw r.error(nil, "needs jobs: at least one of \"\(F.jobs.name)\", \"\(F.generate.name)\" or \"\(F.trace.name)\"")
        }
        let contention = ContentionMode(rawValue: try F.contention.choice(r)) ?? .meanField
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
        let profile = try ScenarioFields.releaseProfile.choice(f)
        var fc = SoftwareRelease.catalog[profile]?.fixedCosts ?? FixedCosts()
        try ScenarioFields.decode(ScenarioFields.fixedCosts, f, into: &fc)
        try f.finish()
        return (fc, profile)
    }
}
