import AndromedaSim
import Foundation
import Reports
import ScenarioFormat
import Scenarios
import SimEngine
import SimHost

/// The operations of ``andromeda_call(_:_:_:)``: each reads its members from the request (an
/// unknown or out-of-range member is an error naming its JSON path, such as `$.systems`) and calls
/// the library (the same functions as the command line), returning the `"ok"` value.
struct Requests {
    /// Every `"op"`.
    static let ops = ["version", "scenarios", "run", "write_run", "train", "plan_min_systems", "plan_max_rate", "plan_memoryx",
                      "validate", "sweep"]

    let call: Call
    let reader: ObjectReader

    func perform(_ op: String) throws -> JSONOutput {
        let result: JSONOutput
        switch op {
        case "version":
            try reader.finish()
            result = .object([("version", .string(AndromedaVersion.string)), ("abi", .int(Int64(Call.abiVersion)))])
        case "scenarios":
            try reader.finish()
            result = .array(BuiltinScenarios.all.keys.sorted().map { .string($0) })
        case "run": result = try run()
        case "write_run": result = try writeRun()
        case "train": result = try train()
        case "plan_min_systems": result = try planMinSystems()
        case "plan_max_rate": result = try planMaxRate()
        case "plan_memoryx": result = try planMemoryX()
        case "validate": result = try validate()
        case "sweep": result = try sweep()
        default: throw reader.error("op", "unknown operation; allowed values: \(Self.ops.joined(separator: ", "))")
        }
        return result
    }

    // MARK: - Scenarios

    /// A scenario given as `key`: a built-in name or a path (as on the command line), or a JSON
    /// object (errors name paths inside it, from `$`). Also returns the file it was read from.
    func scenario(_ key: String = "scenario") throws -> (scenario: Scenario, file: String?, source: String) {
        guard let value = reader.raw(key) else { throw reader.error(key, "required field is missing; expected a built-in name, a path or an object") }
        switch value {
        case .string:
            let argument = try reader.string(key, nonEmpty: true, maxBytes: 4096)
            let loaded = try ScenarioLocator.load(argument)
            let scenario = try ScenarioDecoder.decode(loaded.json, file: loaded.file)
            if case .file(let path) = loaded.source {
                return (scenario, path, URL(fileURLWithPath: path).standardizedFileURL.path)
            }
            return (scenario, nil, argument)
        case .object:
            return (try ScenarioDecoder.decode(value, file: "<scenario>"), nil, "<scenario given as JSON>")
        default:
            throw reader.error(key, "expected a built-in name, a path or an object, got \(value.shortDescription)")
        }
    }

    static func files(_ list: [(path: String, text: String)]) -> JSONOutput {
        .object(list.map { ($0.path, .string($0.text)) })
    }

    static func inputs(_ list: [(what: String, path: String)]) -> JSONOutput {
        .array(list.map { .object([("what", .string($0.what)), ("path", .string($0.path))]) })
    }

    // MARK: - run, write_run

    /// `run`: simulates a scenario and returns every file `andromeda-sim run` writes (name ->
    /// text); with `out`, also writes them there exactly as the command line does.
    func run() throws -> JSONOutput {
        let loaded = try scenario()
        let fullDetail = try reader.bool("full_detail", default: false)
        let out = reader.has("out") ? try reader.string("out", nonEmpty: true, maxBytes: 4096) : nil
        try reader.finish()
        let clock = ContinuousClock()
        let t0 = clock.now
        // Checked and locked before the run, as on the command line.
        let folder = try out.map { try RunFolder($0, scenario: loaded.scenario, scenarioFile: loaded.file) }
        let results: Andromeda.Results
        do {
            results = try call.reporting { try Andromeda.run(loaded.scenario, fullDetail: fullDetail) }
        } catch {
            folder?.abandon()
            throw error
        }
        let timing = RunTiming(results, wallSeconds: RunTiming.seconds(clock.now - t0), fullDetail: fullDetail)
        let files: [(path: String, text: String)]
        if let folder {
            do {
                try folder.stage(results, timing: timing)
                files = try folder.stagedFiles()
                // The caller may still stop the call: then nothing is swapped in.
                if call.poll() { throw SimulationError.cancelled }
                try folder.commit()
            } catch {
                folder.abandon()
                throw error
            }
        } else {
            files = try RunFolder.files(results, timing: timing)
        }
        return .object([
            ("scenario", .string(loaded.scenario.name)),
            ("seed", .int(Int64(bitPattern: loaded.scenario.seed))),
            ("source", .string(loaded.source)),
            ("inputs", Self.inputs(OutputSafety.inputs(scenarioFile: loaded.file, loaded.scenario))),
            ("out", out.map { .string($0) } ?? .null),
            ("files", Self.files(files)),
        ])
    }

    /// `write_run`: writes the files of an earlier `run` (`files`, name -> text) into `out`
    /// through the same checks, lock and staging as the command line; `inputs` (that run's
    /// inputs, as it returned them) are never inside the folder.
    func writeRun() throws -> JSONOutput {
        let out = try reader.string("out", nonEmpty: true, maxBytes: 4096)
        guard let filesReader = try reader.object("files") else { throw reader.error("files", "required field is missing; expected an object") }
        var files: [(path: String, text: String)] = []
        for m in filesReader.members {
            guard case .string(let text) = m.value else {
                throw filesReader.error(m.key, "expected the file's text (a string), got \(m.value.shortDescription)")
            }
            files.append((m.key, text))
        }
        guard !files.isEmpty else { throw reader.error("files", "is empty; expected the files of a run") }
        var inputs: [(what: String, path: String)] = []
        for e in try reader.objectArray("inputs") ?? [] {
            inputs.append((try e.string("what", maxBytes: 8192), try e.string("path", nonEmpty: true, maxBytes: 4096)))
            try e.finish()
        }
        try reader.finish()
        let folder = try RunFolder(out, inputs: inputs)
        do {
            try folder.stage(files: files)
            if call.poll() { throw SimulationError.cancelled }
            try folder.commit()
        } catch {
            folder.abandon()
            throw error
        }
        return .object([("out", .string(out)), ("files", .array(files.map { .string($0.path) }))])
    }

    // MARK: - train

    /// `train`: one training job of a built-in model (`andromeda-sim train`).
    func train() throws -> JSONOutput {
        let names = ModelCatalog.all.map(\.name)
        let model = try reader.choice("model", default: "genslm-123m", allowed: names)
        let systems = try reader.int("systems", default: 1, range: QuestionLimits.trainSystems)
        let batch = try reader.int("batch", default: 32, range: QuestionLimits.trainBatch)
        let seqLen = reader.has("seq_len") ? try reader.int("seq_len", range: QuestionLimits.seqLen) : nil
        let steps = try reader.int("steps", default: 100, range: Int(QuestionLimits.steps.lowerBound)...Int(QuestionLimits.steps.upperBound))
        let seed = try reader.int("seed", default: 42, range: 0...Int.max)
        let fullDetail = try reader.bool("full_detail", default: false)
        let microBatch = reader.has("micro_batch") ? try reader.int("micro_batch", range: 1...batch) : nil
        let system = try reader.choice("system", default: "cs-2", allowed: ClusterSpec.presetNames)
        try reader.finish()
        guard let m = ModelCatalog.model(named: model, seqLen: seqLen) else { throw reader.error("model", "not a built-in model") }
        var spec = TrainingSpec(model: m, systems: systems, perSystemBatch: batch, stopping: .steps(Int64(steps)))
        spec.fixedCosts.compileCached = true
        spec.microBatch = microBatch
        let cluster = ClusterSpec.preset(named: system) ?? ClusterSpec()
        let r = try call.reporting { try TrainingRun.simulate(spec, cluster: cluster, seed: UInt64(seed), fullDetail: fullDetail,
                                                                       cache: call.session?.training) }
        return Self.training(r)
    }

    /// The figures of one training run (the numbers `andromeda-sim train` prints, unrounded).
    static func training(_ r: TrainingResult) -> JSONOutput {
        let rate = r.samplesPerSecondRange(), time = r.timeToTrainRange()
        return .object([
            ("model", .string(r.modelName)),
            ("params", .int(Int64(r.parameters))),
            ("seq_len", .int(Int64(r.seqLen))),
            ("systems", .int(Int64(r.systems))),
            ("global_batch", .int(Int64(r.globalBatch))),
            ("micro_batch", .int(Int64(r.microBatch))),
            ("grad_accum", .int(Int64(r.gradAccumulation))),
            ("last_micro_batch", .int(Int64(r.lastMicroBatch))),
            ("max_micro_batch", .int(Int64(r.maxMicroBatch))),
            ("step_time_s", .double(r.step.total.seconds, decimals: nil)),
            ("compute_s", .double(r.step.pacingCompute.seconds, decimals: nil)),
            ("exposed_stream_s", .double(r.step.exposedStream.seconds, decimals: nil)),
            ("boundary_s", .double(r.step.boundary.seconds, decimals: nil)),
            ("samples_per_s", .double(r.samplesPerSecond, decimals: nil)),
            ("samples_per_s_low", .double(rate.low, decimals: nil)),
            ("samples_per_s_high", .double(rate.high, decimals: nil)),
            ("tokens_per_s", .double(r.tokensPerSecond, decimals: nil)),
            ("achieved_pflops", .double(r.achievedFLOPS / 1e15, decimals: nil)),
            ("peak_fraction", .double(r.peakFraction, decimals: nil)),
            ("time_to_train_h", .double(r.timeToTrain.seconds / 3600, decimals: nil)),
            ("time_to_train_h_low", .double(time.low / 3600, decimals: nil)),
            ("time_to_train_h_high", .double(time.high / 3600, decimals: nil)),
            ("fixed_h", .double(r.fixedCosts.seconds / 3600, decimals: nil)),
            ("checkpoints", .int(r.checkpoints)),
            ("steps_to_train", .int(r.stepsToTrain)),
            ("fast_forwarded_steps", .int(r.fastForwardedSteps)),
            ("energy_kwh", .double(r.energyKWh, decimals: nil)),
            ("events", .int(Int64(clamping: r.eventsSimulated))),
        ])
    }

    // MARK: - plan

    /// `plan_min_systems`: the fewest systems that train a model by a deadline.
    func planMinSystems() throws -> JSONOutput {
        let model = try reader.choice("model", allowed: ModelCatalog.all.map(\.name))
        let batch = try reader.int("batch", range: QuestionLimits.planBatch)
        let samples = try reader.int("samples", range: Int(QuestionLimits.samples.lowerBound)...Int(QuestionLimits.samples.upperBound))
        let deadlineH = try reader.double("deadline_h", range: 0...QuestionLimits.maxHours, unit: "h")
        guard deadlineH > 0 else { throw reader.error("deadline_h", "is 0; the allowed range is (0, 1e6] h") }
        let clusterSystems = try reader.int("cluster_systems", default: 16, range: QuestionLimits.clusterSystems)
        try reader.finish()
        guard let m = ModelCatalog.model(named: model) else { throw reader.error("model", "not a built-in model") }
        var cluster = ClusterSpec()
        cluster.systems = clusterSystems
        let job = TrainingSpec(model: m, systems: 1, perSystemBatch: batch, stopping: .samples(Int64(samples)))
        let deadline = try SimDuration(seconds: deadlineH * 3600)
        let a = try call.reporting { try Planning.fewestSystems(for: job, deadline: deadline, cluster: cluster) }
        let tried: [JSONOutput] = zip(a.tried, a.triedFixedCosts).map { t, f in
            let range = PredictionInterval.fitted.duration(total: t.timeToTrain.seconds, fixed: f.seconds)
            return .object([("systems", .int(Int64(t.systems))), ("time_to_train_h", .double(t.timeToTrain.seconds / 3600, decimals: nil)),
                            ("time_to_train_h_low", .double(range.low / 3600, decimals: nil)),
                            ("time_to_train_h_high", .double(range.high / 3600, decimals: nil))])
        }
        return .object([
            ("systems", a.systems.map { .int(Int64($0)) } ?? .null),
            ("tried", .array(tried)),
            ("failed", .array(a.failed.map { .object([("systems", .int(Int64($0.systems))), ("reason", .string($0.reason))]) })),
            ("iteration_bound", .int(Int64(a.iterationBound))),
            ("result", a.result.map(Self.training) ?? .null),
        ])
    }

    /// `plan_max_rate`: the highest arrival rate whose P95 wait stays under a target.
    func planMaxRate() throws -> JSONOutput {
        var s = try scenario().scenario
        let policy = try reader.choice("policy", default: PolicyName.easyBackfill.rawValue, allowed: PolicyName.names)
        let p95WaitH = try reader.double("p95_wait_h", range: 0...QuestionLimits.maxHours, unit: "h")
        guard p95WaitH > 0 else { throw reader.error("p95_wait_h", "is 0; the allowed range is (0, 1e6] h") }
        let lo = try reader.double("min", default: 0.1, range: QuestionLimits.arrivalRate, unit: "jobs/h")
        let hi = try reader.double("max", default: 20, range: QuestionLimits.arrivalRate, unit: "jobs/h")
        guard lo < hi else { throw reader.error("max", "is not above min (\(lo)); the allowed range is min < max <= 1e9 jobs/h") }
        let jobs = reader.has("jobs") ? try reader.int("jobs", range: QuestionLimits.jobs) : nil
        try reader.finish()
        guard s.multitenant?.generator != nil else { throw reader.error("scenario", "has no generated multitenant workload; expected a scenario with multitenant.generate") }
        if let jobs { s.multitenant?.generator?.jobs = jobs }
        s.multitenant?.config.horizon = nil
        let target = try SimDuration(seconds: p95WaitH * 3600)
        guard let p = PolicyName(rawValue: policy) else { throw reader.error("policy", "not a policy") }
        let a = try call.reporting { try Planning.highestArrivalRate(s, policy: p, p95Wait: target, range: lo...hi) }
        return .object([
            ("rate_per_h", a.rate.map { .double($0, decimals: nil) } ?? .null),
            ("tried", .array(a.tried.map { .object([("rate_per_h", .double($0.rate, decimals: nil)),
                                                    ("p95_wait_h", .double($0.p95WaitSeconds / 3600, decimals: nil))]) })),
            ("iteration_bound", .int(Int64(a.iterationBound))),
        ])
    }

    /// `plan_memoryx`: how much MemoryX a shared workload needs.
    func planMemoryX() throws -> JSONOutput {
        let s = try scenario().scenario
        let policy = try reader.choice("policy", default: PolicyName.easyBackfill.rawValue, allowed: PolicyName.names)
        try reader.finish()
        guard s.multitenant != nil else { throw reader.error("scenario", "has no multitenant section; expected a scenario with one") }
        guard let p = PolicyName(rawValue: policy) else { throw reader.error("policy", "not a policy") }
        let a = try call.reporting { try Planning.memoryXNeeded(s, policy: p) }
        return .object([
            ("largest_job_bytes", .double(a.largestJobBytes, decimals: nil)),
            ("peak_concurrent_bytes", .double(a.peakConcurrentBytes, decimals: nil)),
        ])
    }

    // MARK: - validate

    /// `validate`: the simulator against every published figure (validation.csv's text).
    func validate() throws -> JSONOutput {
        try reader.finish()
        let report = try call.reporting { try Validation.evaluate() }
        return .object([
            ("csv", .string(try ValidationPage.csv(report).render())),
            ("table", .string(report.table)),
            ("passed", .bool(report.passed)),
        ])
    }

    // MARK: - sweep

    /// `sweep`: a grid of variants of a scenario, run in parallel into `out` (resumable, as
    /// `andromeda-sim sweep` writes it) or, without `out`, into a private temporary folder removed
    /// afterwards. Returns sweep_scaling.csv and sweep_cluster.csv.
    func sweep() throws -> JSONOutput {
        let loaded = try scenario()
        var parameters: [SweepParameter] = []
        guard let params = reader.raw("params") else { throw reader.error("params", "required field is missing; expected an array of \"name=v1,v2\" strings") }
        guard case .array(let list) = params, !list.isEmpty else {
            throw reader.error("params", "expected a non-empty array of \"name=v1,v2\" strings, got \(params.shortDescription)")
        }
        for (i, p) in list.enumerated() {
            let path = JSONPath.element(reader.path(of: "params"), i)
            guard case .string(let text) = p else { throw ScenarioError(file: "<request>", path: path, message: "expected a \"name=v1,v2\" string") }
            do { parameters.append(try SweepParameter(parsing: text)) } catch {
                throw ScenarioError(file: "<request>", path: path, message: "\(error)")
            }
        }
        let workers = try reader.int("workers", default: max(1, CPUBinder.shared.allowedCPUs.count), range: 1...1024)
        let out = reader.has("out") ? try reader.string("out", nonEmpty: true, maxBytes: 4096) : nil
        try reader.finish()
        let sweep = try Sweep(scenario: loaded.scenario, parameters: parameters)
        var temporary: String?
        defer { if let temporary { TemporaryFiles.removeTree(temporary) } }
        let directory: String
        if let out {
            try OutputSafety.checkFolder(OutputLock.checked(out), shown: out,
                                         against: OutputSafety.inputs(scenarioFile: loaded.file, loaded.scenario))
            directory = out
        } else {
            let folder = try TemporaryFiles.makeFolder(prefix: "andromeda-sim-sweep-")
            temporary = folder
            directory = folder + "/sweep"
        }
        let call = self.call
        let outcome = try SweepRunner.run(sweep, source: loaded.source, directory: directory, workers: workers,
                                          progress: { done, total in call.report(total > 0 ? Double(done) / Double(total) : 1) },
                                          cancelled: { call.poll() })
        func read(_ name: String) throws -> String {
            guard let data = FileManager.default.contents(atPath: directory + "/" + name), let text = String(data: data, encoding: .utf8) else {
                throw ReportError("\(directory)/\(name): cannot read")
            }
            return text
        }
        guard outcome.complete else { throw SweepError("\(directory): the sweep is not complete") }
        return .object([
            ("points", .int(Int64(outcome.points))),
            ("ran", .int(Int64(outcome.ran))),
            ("skipped", .int(Int64(outcome.skipped))),
            ("out", out.map { .string($0) } ?? .null),
            ("scaling_csv", .string(try read("sweep_scaling.csv"))),
            ("cluster_csv", .string(try read("sweep_cluster.csv"))),
        ])
    }
}
