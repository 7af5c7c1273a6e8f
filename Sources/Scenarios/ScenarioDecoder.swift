import Hardware
import ScenarioFormat
import SimEngine
import Training

/// Decodes scenario files (format version 1, docs/scenario-format.md). Unknown fields, wrong
/// types and out-of-range values are errors naming the file, the JSON path and what is allowed.
public enum ScenarioDecoder {
    /// The format versions this build reads.
    public static let supportedVersions = 1...1

    /// Decodes a scenario from parsed JSON; `file` names it in messages.
    public static func decode(_ json: JSONValue, file: String) throws(ScenarioError) -> Scenario {
        typealias F = ScenarioFields.Top
        let root = try ObjectReader(json, file: file, allowed: F.section.names)
        let version = try F.version.int(root)
        let name = try F.name.string(root)
        guard name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }), name.first != "." else {
            throw root.error(F.name.name, "use letters, digits, '-', '_' and '.' only, not starting with '.' (it names the output folder)")
        }
        let description = try F.description.string(root, maxBytes: ObjectReader.maxTextBytes, multiline: true)
        _ = try FieldSpec.comment.string(root, maxBytes: ObjectReader.maxTextBytes, multiline: true)
        let seed = try F.seed.int(root)
        let cluster = try decodeCluster(try root.object(F.cluster.name))
        let efficiency = try decodeEfficiency(try root.object(F.efficiency.name))
        var models: [ModelSpec] = []
        for m in try root.objectArray(F.models.name) ?? [] { models.append(try decodeModel(m)) }
        var scaling: [ScalingExperiment] = []
        // Indexed once: every experiment and job looks its model up by name.
        let custom = ModelCatalog.Custom(models)
        for s in try root.objectArray(F.scaling.name) ?? [] { scaling.append(try decodeScaling(s, models: custom, cluster: cluster)) }
        var multitenant: MultitenantSpec?
        if let m = try root.object(F.multitenant.name) {
            let dir = file.contains("/") && !file.hasPrefix("<") ? String(file[..<(file.lastIndex(of: "/") ?? file.endIndex)]) : ""
            multitenant = try decodeMultitenant(m, models: custom, cluster: cluster, scenarioDirectory: dir)
        }
        guard !scaling.isEmpty || multitenant != nil else {
            throw root.error(F.scaling.name, "required: a non-empty list of scaling experiments, or a \"\(F.multitenant.name)\" section")
        }
        try root.finish()
        return Scenario(version: version, name: name, description: description, seed: UInt64(seed), cluster: cluster,
                        efficiency: efficiency, models: models, scaling: scaling, multitenant: multitenant)
    }

    static func seconds(_ r: ObjectReader, _ key: String, _ d: SimDuration, max: Double = 1e7) throws(ScenarioError) -> SimDuration {
        let v = try r.double(key, default: d.seconds, range: 0...max, unit: "s")
        do { return try SimDuration(seconds: v, key) } catch { throw r.error(key, "\(error)") }
    }

    static func decodeCluster(_ r: ObjectReader?) throws(ScenarioError) -> ClusterSpec {
        var c = ClusterSpec()
        guard let r else { return c }
        r.allow(ScenarioFields.Cluster.section.names)
        // A system preset first; the objects below override single fields of it.
        c = ClusterSpec.preset(named: try ScenarioFields.Cluster.system.choice(r)) ?? c
        c.systems = try ScenarioFields.Cluster.systems.int(r, default: c.systems)
        // Each object's fields are declared once (ScenarioFields.hardware): read in their order.
        for section in ScenarioFields.hardware {
            if let o = try r.object(section.name) {
                try section.decode(o, &c)
                try o.finish()
            }
        }
        try r.finish()
        return c
    }

    static func decodeEfficiency(_ r: ObjectReader?) throws(ScenarioError) -> EfficiencyModel {
        var e = EfficiencyModel()
        guard let r else { return e }
        try ScenarioFields.decode(ScenarioFields.efficiency, r, into: &e)
        try r.finish()
        return e
    }

    static func decodeModel(_ r: ObjectReader) throws(ScenarioError) -> ModelSpec {
        var m = ModelSpec(name: try ScenarioFields.customModelName.string(r), layers: 0, dModel: 0, heads: 0, dFFN: 0, vocabulary: 0, seqLen: 0)
        try ScenarioFields.decode(ScenarioFields.model, r, into: &m)
        try r.finish()
        return m
    }

    static func decodeScaling(_ r: ObjectReader, models: ModelCatalog.Custom, cluster: ClusterSpec) throws(ScenarioError) -> ScalingExperiment {
        typealias F = ScenarioFields.Scaling
        typealias S = ScenarioFields.Stopping
        r.allow(F.section.names)
        _ = try FieldSpec.comment.string(r, maxBytes: ObjectReader.maxTextBytes, multiline: true)
        let model = try self.model(r, models: models)
        let systems = try F.systems.intArray(r, range: 1...cluster.systems)
        let global = r.raw(F.globalBatch.name) == nil ? nil : try F.globalBatch.int(r)
        // With a fixed global batch the per-system batch follows from it (global / systems).
        let perSystem = try F.perSystemBatch.int(r, default: global == nil ? nil : 1)
        if let g = global {
            for (i, n) in systems.enumerated() where g % n != 0 {
                throw r.error(F.globalBatch.name, "\(g) does not split evenly over \(n) systems (\(F.systems.name)[\(i)])")
            }
        }
        guard let st = try r.object(F.stopping.name, allowed: S.section.names) else {
            throw r.error(F.stopping.name, "required: {\"rule\": \"samples\"|\"steps\"|\"convergence\"|\"convergence_law\", ...}")
        }
        let stopping: StoppingRule
        var law: ConvergenceLaw?
        let rule = try S.rule.choice(st)
        let mine = S.fieldsOf[rule] ?? []
        for (other, fields) in S.fieldsOf.sorted(by: { $0.key < $1.key }) where other != rule {
            for f in fields where st.has(f) && !mine.contains(f) {
                throw st.error(f, "\"\(f)\" belongs to rule \"\(other)\", not \"\(rule)\"")
            }
        }
        switch rule {
        case "samples": stopping = .samples(Int64(try S.samples.int(st)))
        case "steps": stopping = .steps(Int64(try S.steps.int(st)))
        case "convergence_law":
            let named = try S.law.choice(st)
            var l = ConvergenceLaw.catalog[named] ?? .genslm
            try ScenarioFields.decode(ScenarioFields.convergenceLaw, st, into: &l)
            if l != ConvergenceLaw.catalog[named] { l.name = named + " (modified)" }
            law = l
            stopping = l.stopping(for: model)
            guard case .convergence(let e, let b) = stopping, e.isFinite, b.isFinite, e >= 1, e < 1e15, b > 1e-3, b < 1e12 else {
                throw st.error(S.law.name, "gives samples outside the allowed ranges for \(model.name): \(stopping)")
            }
        default:
            // The model's own law (McCandlish et al. 2018), in samples or in tokens (one pair):
            // the token pair's ranges are the sample pair's times the sequence length.
            let seq = Double(max(1, model.seqLen))
            if st.has(S.minTokens.name) || st.has(S.criticalBatchTokens.name) {
                for f in [S.minSamples.name, S.noiseBatch.name] where st.has(f) {
                    throw st.error(f, "give \(S.minTokens.name) and \(S.criticalBatchTokens.name), or \(S.minSamples.name) and \(S.noiseBatch.name), not both")
                }
                let eMin = try st.double(S.minTokens.name, range: (S.minSamples.numberRange.lowerBound * seq)...(S.minSamples.numberRange.upperBound * seq),
                                         unit: S.minTokens.messageUnit)
                let bCrit = try st.double(S.criticalBatchTokens.name,
                                          range: (S.noiseBatch.numberRange.lowerBound * seq)...(S.noiseBatch.numberRange.upperBound * seq),
                                          unit: S.criticalBatchTokens.messageUnit)
                stopping = .convergence(minSamples: eMin / seq, noiseBatch: bCrit / seq)
            } else {
                stopping = .convergence(minSamples: try S.minSamples.double(st), noiseBatch: try S.noiseBatch.double(st))
            }
        }
        try st.finish()
        for n in systems {
            let g = global ?? n * perSystem
            let samples = stopping.samples(atGlobalBatch: g)
            guard samples < 1e15 else {
                throw ScenarioError(file: st.file, path: st.path,
                                    message: "asks for \(samples) samples at global batch \(g) (\(n) systems); at most 1e15")
            }
        }
        var fc = FixedCosts()
        var profile = SoftwareRelease.defaultName
        if let f = try r.object(F.fixedCosts.name) { (fc, profile) = try decodeFixedCostsWithProfile(f) }
        var published: [PublishedPoint] = []
        for p in try r.objectArray(F.published.name) ?? [] {
            typealias P = ScenarioFields.Published
            published.append(PublishedPoint(
                systems: try P.systems.int(p),
                timeToTrainHours: try p.raw(P.timeToTrain.name) == nil ? nil : P.timeToTrain.double(p),
                samplesPerSecond: try p.raw(P.samplesPerSecond.name) == nil ? nil : P.samplesPerSecond.double(p),
                source: try P.source.string(p, maxBytes: ObjectReader.maxTextBytes, multiline: true)))
            try p.finish()
        }
        let exp = ScalingExperiment(
            model: model, systems: systems, perSystemBatch: perSystem, globalBatch: global, stopping: stopping,
            checkpointEverySteps: Int64(try F.checkpointEverySteps.int(r)),
            finalCheckpoint: try F.finalCheckpoint.bool(r), fixedCosts: fc, published: published)
        var result = exp
        result.convergenceLaw = law
        result.releaseProfile = profile
        if r.raw(F.microBatch.name) != nil { result.microBatch = try F.microBatch.int(r) }
        try r.finish()
        return result
    }
}
