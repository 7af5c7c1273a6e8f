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
        let root = try ObjectReader(json, file: file, allowed: [
            "version", "name", "description", "seed", "cluster", "efficiency", "models", "scaling", "multitenant", "comment",
        ])
        let version = try root.int("version", range: supportedVersions)
        let name = try root.string("name", nonEmpty: true)
        guard name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }), name.first != "." else {
            throw root.error("name", "use letters, digits, '-', '_' and '.' only, not starting with '.' (it names the output folder)")
        }
        let description = try root.string("description", default: "", maxBytes: ObjectReader.maxTextBytes, multiline: true)
        _ = try root.string("comment", default: "", maxBytes: ObjectReader.maxTextBytes, multiline: true)
        let seed = try root.int("seed", default: 42, range: 0...Int.max)
        let cluster = try decodeCluster(try root.object("cluster"))
        let efficiency = try decodeEfficiency(try root.object("efficiency"))
        var models: [ModelSpec] = []
        for m in try root.objectArray("models") ?? [] { models.append(try decodeModel(m)) }
        var scaling: [ScalingExperiment] = []
        for s in try root.objectArray("scaling") ?? [] { scaling.append(try decodeScaling(s, models: models, cluster: cluster)) }
        var multitenant: MultitenantSpec?
        if let m = try root.object("multitenant") {
            let dir = file.contains("/") && !file.hasPrefix("<") ? String(file[..<(file.lastIndex(of: "/") ?? file.endIndex)]) : ""
            multitenant = try decodeMultitenant(m, models: models, cluster: cluster, scenarioDirectory: dir)
        }
        guard !scaling.isEmpty || multitenant != nil else {
            throw root.error("scaling", "required: a non-empty list of scaling experiments, or a \"multitenant\" section")
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
        r.allow(["system", "systems", "wafer", "cs2", "memoryx", "swarmx", "input_workers", "runtime"])
        // A system preset first; the objects below override single fields of it.
        c = ClusterSpec.preset(named: try r.choice("system", default: "cs-2", allowed: ClusterSpec.presetNames)) ?? c
        c.systems = try r.int("systems", default: c.systems, range: ClusterSpec.systemsRange)
        // Each section's fields are declared once (ScenarioFields): read in their order.
        if let o = try r.object("wafer") {
            try ScenarioFields.decode(ScenarioFields.wafer, o, into: &c.cs2.wafer)
            try o.finish()
        }
        if let o = try r.object("cs2") {
            try ScenarioFields.decode(ScenarioFields.cs2, o, into: &c.cs2)
            try o.finish()
        }
        if let o = try r.object("memoryx") {
            try ScenarioFields.decode(ScenarioFields.memoryX, o, into: &c.memoryX)
            try o.finish()
        }
        if let o = try r.object("swarmx") {
            try ScenarioFields.decode(ScenarioFields.swarmX, o, into: &c.swarmX)
            try o.finish()
        }
        if let o = try r.object("input_workers") {
            try ScenarioFields.decode(ScenarioFields.inputWorkers, o, into: &c.inputWorkers)
            try o.finish()
        }
        if let o = try r.object("runtime") {
            try ScenarioFields.decode(ScenarioFields.runtime, o, into: &c.runtime)
            try o.finish()
        }
        try r.finish()
        return c
    }

    static func decodeEfficiency(_ r: ObjectReader?) throws(ScenarioError) -> EfficiencyModel {
        var e = EfficiencyModel()
        guard let r else { return e }
        try ScenarioFields.decode(ScenarioFields.efficiency, r, into: &e)
        e.recomputeInBackward = try r.bool("recompute_in_backward", default: e.recomputeInBackward)
        try r.finish()
        return e
    }

    static func decodeModel(_ r: ObjectReader) throws(ScenarioError) -> ModelSpec {
        let m = ModelSpec(
            name: try r.string("name", nonEmpty: true),
            layers: try r.int("layers", range: 1...1000),
            dModel: try r.int("d_model", range: 1...65_536),
            heads: try r.int("heads", range: 1...1024),
            dFFN: try r.int("d_ffn", range: 1...262_144),
            vocabulary: try r.int("vocabulary", range: 1...10_000_000),
            seqLen: try r.int("seq_len", range: 1...1_048_576),
            gatedFFN: try r.bool("gated_ffn", default: false),
            learnedPositions: try r.bool("learned_positions", default: true),
            tiedEmbeddings: try r.bool("tied_embeddings", default: true))
        try r.finish()
        return m
    }

    static func decodeScaling(_ r: ObjectReader, models: [ModelSpec], cluster: ClusterSpec) throws(ScenarioError) -> ScalingExperiment {
        r.allow(["model", "seq_len", "systems", "per_system_batch", "global_batch", "micro_batch", "stopping", "checkpoint_every_steps",
                 "final_checkpoint", "fixed_costs", "published", "comment"])
        _ = try r.string("comment", default: "", maxBytes: ObjectReader.maxTextBytes, multiline: true)
        let model = try self.model(r, models: models)
        let systems = try r.intArray("systems", range: 1...cluster.systems, count: 1...64)
        let global = r.raw("global_batch") == nil ? nil : try r.int("global_batch", range: 1...100_000_000)
        // With a fixed global batch the per-system batch follows from it (global / systems).
        let perSystem = try r.int("per_system_batch", default: global == nil ? nil : 1, range: 1...1_000_000)
        if let g = global {
            for (i, n) in systems.enumerated() where g % n != 0 {
                throw r.error("global_batch", "\(g) does not split evenly over \(n) systems (systems[\(i)])")
            }
        }
        let lawFields = ["law", "critical_batch_tokens", "min_tokens", "critical_batch_exponent", "loss_exponent",
                         "loss_scale_parameters", "min_tokens_parameter_exponent"]
        guard let st = try r.object("stopping", allowed: ["rule", "samples", "steps", "min_samples", "noise_batch"] + lawFields) else {
            throw r.error("stopping", "required: {\"rule\": \"samples\"|\"steps\"|\"convergence\"|\"convergence_law\", ...}")
        }
        let stopping: StoppingRule
        var law: ConvergenceLaw?
        let rule = try st.choice("rule", allowed: ["samples", "steps", "convergence", "convergence_law"])
        let fieldsOf = ["samples": ["samples"], "steps": ["steps"],
                        "convergence": ["min_samples", "noise_batch", "min_tokens", "critical_batch_tokens"],
                        "convergence_law": lawFields]
        let mine = fieldsOf[rule] ?? []
        for (other, fields) in fieldsOf.sorted(by: { $0.key < $1.key }) where other != rule {
            for f in fields where st.has(f) && !mine.contains(f) {
                throw st.error(f, "\"\(f)\" belongs to rule \"\(other)\", not \"\(rule)\"")
            }
        }
        switch rule {
        case "samples": stopping = .samples(Int64(try st.int("samples", range: 1...1_000_000_000_000_000)))
        case "steps": stopping = .steps(Int64(try st.int("steps", range: 1...1_000_000_000_000)))
        case "convergence_law":
            let named = try st.choice("law", default: "genslm", allowed: ConvergenceLaw.catalog.keys.sorted())
            var l = ConvergenceLaw.catalog[named] ?? .genslm
            l.criticalBatchTokens = try st.double("critical_batch_tokens", default: l.criticalBatchTokens, range: 1...1e15, unit: "tokens")
            l.minTokens = try st.double("min_tokens", default: l.minTokens, range: 1...1e18, unit: "tokens")
            l.criticalBatchExponent = try st.double("critical_batch_exponent", default: l.criticalBatchExponent, range: 0.01...10, unit: "")
            l.lossExponent = try st.double("loss_exponent", default: l.lossExponent, range: 0...2, unit: "")
            l.lossScaleParameters = try st.double("loss_scale_parameters", default: l.lossScaleParameters, range: 1...1e20, unit: "parameters")
            l.minTokensParameterExponent = try st.double("min_tokens_parameter_exponent", default: l.minTokensParameterExponent, range: -2...2, unit: "")
            if l != ConvergenceLaw.catalog[named] { l.name = named + " (modified)" }
            law = l
            stopping = l.stopping(for: model)
            guard case .convergence(let e, let b) = stopping, e.isFinite, b.isFinite, e >= 1, e < 1e15, b > 1e-3, b < 1e12 else {
                throw st.error("law", "gives samples outside the allowed ranges for \(model.name): \(stopping)")
            }
        default:
            // The model's own law (McCandlish et al. 2018), in samples or in tokens (one pair).
            let seq = Double(max(1, model.seqLen))
            if st.has("min_tokens") || st.has("critical_batch_tokens") {
                for f in ["min_samples", "noise_batch"] where st.has(f) {
                    throw st.error(f, "give min_tokens and critical_batch_tokens, or min_samples and noise_batch, not both")
                }
                let eMin = try st.double("min_tokens", range: seq...(1e15 * seq), unit: "tokens")
                let bCrit = try st.double("critical_batch_tokens", range: (1e-3 * seq)...(1e12 * seq), unit: "tokens")
                stopping = .convergence(minSamples: eMin / seq, noiseBatch: bCrit / seq)
            } else {
                stopping = .convergence(minSamples: try st.double("min_samples", range: 1...1e15, unit: "samples"),
                                        noiseBatch: try st.double("noise_batch", range: 1e-3...1e12, unit: "samples"))
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
        if let f = try r.object("fixed_costs") { (fc, profile) = try decodeFixedCostsWithProfile(f) }
        var published: [PublishedPoint] = []
        for p in try r.objectArray("published") ?? [] {
            published.append(PublishedPoint(
                systems: try p.int("systems", range: ClusterSpec.systemsRange),
                timeToTrainHours: try p.raw("time_to_train_h") == nil ? nil : p.double("time_to_train_h", range: 0...1e6, unit: "h"),
                samplesPerSecond: try p.raw("samples_per_s") == nil ? nil : p.double("samples_per_s", range: 0...1e12, unit: "samples/s"),
                source: try p.string("source", default: "", maxBytes: ObjectReader.maxTextBytes, multiline: true)))
            try p.finish()
        }
        let exp = ScalingExperiment(
            model: model, systems: systems, perSystemBatch: perSystem, globalBatch: global, stopping: stopping,
            checkpointEverySteps: Int64(try r.int("checkpoint_every_steps", default: Int(TrainingSpec.defaultCheckpointEverySteps), range: 0...1_000_000_000_000)),
            finalCheckpoint: try r.bool("final_checkpoint", default: true), fixedCosts: fc, published: published)
        var result = exp
        result.convergenceLaw = law
        result.releaseProfile = profile
        if r.raw("micro_batch") != nil { result.microBatch = try r.int("micro_batch", range: 1...1_000_000) }
        try r.finish()
        return result
    }
}
