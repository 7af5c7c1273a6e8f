import Hardware
import ScenarioFormat
import SimEngine
import Training
import Wafer

/// How a ``ScenarioField`` is written: a JSON integer, a number, seconds held as whole
/// nanoseconds, or a boolean.
public enum ScenarioFieldKind: Sendable { case integer, number, seconds, boolean }

/// One field of a scenario section bound to a property of a Swift value, declared once: its JSON
/// name, where it lives in the value, its range, its unit and its description. The decoder reads
/// it, summary.json echoes it, and docs/scenario.schema.json is generated from it (``spec(_:)``,
/// ``ScenarioSchema``). Fields that no single Swift value holds are ``FieldSpec``s.
public struct ScenarioField<Root>: @unchecked Sendable {
    /// How the field is written: a JSON integer, a number, seconds held as whole nanoseconds, or
    /// a boolean.
    public typealias Kind = ScenarioFieldKind
    /// The JSON name.
    public let name: String
    /// Its kind.
    public let kind: Kind
    /// The values allowed (an integer field's bounds are whole numbers).
    public let range: ClosedRange<Double>
    /// The unit as the schema and docs/scenario-format.md give it.
    public let unit: String
    /// What the field is (the schema's description, without the unit).
    public let doc: String
    /// Whether the field must be given (it has no default: a model's shape).
    public let required: Bool
    /// The unit as the decoder's messages give it ("" for none).
    let messageUnit: String
    let get: @Sendable (Root) -> Double
    let set: @Sendable (inout Root, Double) -> Void
    let setDuration: (@Sendable (inout Root, SimDuration) -> Void)?
    let getDuration: (@Sendable (Root) -> SimDuration)?
    /// Whether the format states a default (false: the default is another field's value, as
    /// `kv_heads` reads `heads`).
    public internal(set) var statesDefault = true
    /// An upper bound set by fields read before it (reserved SRAM below the SRAM).
    let upperBound: (@Sendable (Root) -> Double)?
    /// A check once the field is read (the grid within the physical cores).
    let check: (@Sendable (Root, ObjectReader) throws(ScenarioError) -> Void)?

    /// The field's value in `root`, as a Double (seconds for a duration, 1 or 0 for a boolean).
    public func value(_ root: Root) -> Double { get(root) }

    /// The field as the format states it, its default taken from `defaults` (nil: no default).
    public func spec(_ defaults: Root?) -> FieldSpec {
        // A duration's default is whole nanoseconds, written as such (240, not 240.00000000000003).
        let d = (statesDefault ? defaults : nil).map { kind == .seconds ? Double(getDuration?($0).nanoseconds ?? 0) / 1e9 : value($0) }
        switch kind {
        case .integer:
            return .integer(name, Int(range.lowerBound)...Int(range.upperBound), unit: unit, default: d.map { Int($0) },
                            required: required, doc)
        case .number, .seconds:
            return .number(name, range, unit: unit, messageUnit: messageUnit, default: d, required: required, doc)
        case .boolean:
            return .boolean(name, default: d.map { $0 != 0 } ?? false, doc)
        }
    }

    /// An integer field.
    static func integer(_ name: String, _ path: WritableKeyPath<Root, Int> & Sendable, _ range: ClosedRange<Int>, unit: String, _ doc: String,
                        required: Bool = false, statesDefault: Bool = true, upperBound: (@Sendable (Root) -> Double)? = nil,
                        check: (@Sendable (Root, ObjectReader) throws(ScenarioError) -> Void)? = nil) -> Self {
        var f = Self(name: name, kind: .integer, range: Double(range.lowerBound)...Double(range.upperBound), unit: unit, doc: doc, required: required,
                     messageUnit: "",
                     get: { Double($0[keyPath: path]) }, set: { $0[keyPath: path] = Int($1) }, setDuration: nil, getDuration: nil,
                     upperBound: upperBound, check: check)
        f.statesDefault = statesDefault
        return f
    }

    /// A number field; `messageUnit` is the unit the decoder's messages print.
    static func number(_ name: String, _ path: WritableKeyPath<Root, Double> & Sendable, _ range: ClosedRange<Double>, unit: String,
                       messageUnit: String? = nil, _ doc: String) -> Self {
        Self(name: name, kind: .number, range: range, unit: unit, doc: doc, required: false, messageUnit: messageUnit ?? unit,
             get: { $0[keyPath: path] }, set: { $0[keyPath: path] = $1 }, setDuration: nil, getDuration: nil, upperBound: nil, check: nil)
    }

    /// A duration in seconds, 0 to `max`, held as whole nanoseconds.
    static func seconds(_ name: String, _ path: WritableKeyPath<Root, SimDuration> & Sendable, max: Double, _ doc: String) -> Self {
        Self(name: name, kind: .seconds, range: 0...max, unit: "s", doc: doc, required: false, messageUnit: "s",
             get: { $0[keyPath: path].seconds }, set: { _, _ in }, setDuration: { $0[keyPath: path] = $1 },
             getDuration: { $0[keyPath: path] }, upperBound: nil, check: nil)
    }

    /// A boolean field.
    static func boolean(_ name: String, _ path: WritableKeyPath<Root, Bool> & Sendable, _ doc: String) -> Self {
        Self(name: name, kind: .boolean, range: 0...1, unit: "", doc: doc, required: false, messageUnit: "",
             get: { $0[keyPath: path] ? 1 : 0 }, set: { $0[keyPath: path] = $1 != 0 }, setDuration: nil, getDuration: nil,
             upperBound: nil, check: nil)
    }

    /// Reads the field from `r` into `root` (its present value is the default unless the field
    /// is required), with the range and the message of the decoder.
    func decode(_ r: ObjectReader, into root: inout Root) throws(ScenarioError) {
        switch kind {
        case .integer:
            let upper = upperBound.map { Int(Swift.max(range.lowerBound, $0(root))) } ?? Int(range.upperBound)
            set(&root, Double(try r.int(name, default: required ? nil : Int(get(root)), range: Int(range.lowerBound)...upper)))
        case .boolean:
            set(&root, try r.bool(name, default: get(root) != 0) ? 1 : 0)
        case .number:
            set(&root, try r.double(name, default: get(root), range: range, unit: messageUnit))
        case .seconds:
            guard let getDuration, let setDuration else { return }
            setDuration(&root, try ScenarioDecoder.seconds(r, name, getDuration(root), max: range.upperBound))
        }
        try check?(root, r)
    }
}

/// The fields of every hardware section of `cluster` and of `efficiency`, in the order the
/// decoder reads them and summary.json echoes them.
public enum ScenarioFields {
    /// `cluster.wafer`.
    public static let wafer: [ScenarioField<WaferSpec>] = [
        .integer("physical_cores", \.physicalCores, 1...10_000_000, unit: "cores",
                 "Physical cores, spares included. grid_width x grid_height must not exceed it (checked by the decoder only)."),
        .integer("grid_width", \.gridWidth, 1...10_000, unit: "cores", "Width of the programmable grid."),
        .integer("grid_height", \.gridHeight, 1...10_000, unit: "cores", "Height of the programmable grid.", check: { s, w throws(ScenarioError) in
            guard s.gridWidth * s.gridHeight <= s.physicalCores else {
                throw w.error("grid_height", "grid_width x grid_height (\(s.gridWidth * s.gridHeight)) exceeds physical_cores (\(s.physicalCores))")
            }
        }),
        .integer("sram_bytes_per_core", \.sramBytesPerCore, 1...(1 << 30), unit: "bytes", "SRAM per core."),
        .integer("fmacs_per_core_per_cycle", \.fmacsPerCorePerCycle, 1...1024, unit: "FMAC/cycle",
                 "FP16 fused multiply-adds per core per cycle (2 FLOPs each)."),
        .number("clock_hz", \.clockHz, 1e6...1e11, unit: "Hz", "Core clock (uncertain: 1.1 GHz design clock vs 850 MHz in SDK scripts)."),
        .number("defect_rate", \.defectRate, 0...0.5, unit: "fraction", messageUnit: "", "Probability that a physical core is defective (assumed)."),
        .number("hop_latency_cycles", \.hopLatencyCycles, 0...1e4, unit: "cycles", "Cycles for a word to cross one mesh link (measured 2 per hop)."),
        .number("detour_latency_cycles", \.detourLatencyCycles, 0...1e4, unit: "cycles",
                "Extra cycles on a hop into a grid position served by a spare core (assumed)."),
        .integer("reserved_sram_bytes_per_core", \.reservedSRAMBytesPerCore, 0...((1 << 30) - 1), unit: "B",
                 "SRAM per core held by code, runtime and routing buffers (assumed); below sram_bytes_per_core.",
                 upperBound: { Double(max(0, $0.sramBytesPerCore - 1)) }),
    ]

    /// `cluster.cs2`.
    public static let cs2: [ScenarioField<CS2Spec>] = [
        .number("io_bytes_per_s", \.ioBytesPerSecond, 1e6...1e15, unit: "B/s", "I/O bandwidth into, and separately out of, a system."),
        .number("power_w", \.powerWatts, 0...1e7, unit: "W",
                "Busy power per system (uncertain): scaling results charge it while steps and checkpoints run; a multitenant run charges it for all the time a job holds its systems."),
        .number("idle_power_w", \.idlePowerWatts, 0...1e7, unit: "W",
                "Idle power per system: scaling results charge it through the fixed costs before training (queue wait, compile, weight load, programming); not used by a multitenant run."),
        .number("compute_jitter", \.computeJitter, 0...0.5, unit: "fraction", messageUnit: "",
                "Coefficient of variation of a lognormal run-time factor (mean 1) drawn per pass per system from the seed; the slowest system paces each synchronised pass (assumed)."),
    ]

    /// `cluster.memoryx`.
    public static let memoryX: [ScenarioField<MemoryXSpec>] = [
        .number("capacity_bytes", \.capacityBytes, 1e6...1e18, unit: "B", "Capacity for weights and optimizer state."),
        .number("state_bytes_per_parameter", \.stateBytesPerParameter, 1...128, unit: "B/parameter", messageUnit: "B",
                "Weights and optimizer state per parameter."),
        .number("stream_bytes_per_s", \.streamBytesPerSecond, 1e6...1e15, unit: "B/s", "Weight stream out, and separately gradient stream in."),
        .number("update_parameters_per_s", \.updateParametersPerSecond, 1e3...1e15, unit: "parameters/s", "Optimizer update rate."),
        .number("bytes_per_parameter_streamed", \.bytesPerParameterStreamed, 0.125...16, unit: "B/parameter", messageUnit: "B",
                "Bytes per parameter in every weight broadcast and gradient reduction."),
    ]

    /// `cluster.swarmx`.
    public static let swarmX: [ScenarioField<SwarmXSpec>] = [
        .integer("fanout", \.fanout, 2...64, unit: "children", "Children per broadcast-reduce node."),
        .number("port_bytes_per_s", \.portBytesPerSecond, 1e6...1e14, unit: "B/s", "Bandwidth of one port."),
        .integer("ports_per_edge", \.portsPerEdge, 1...1024, unit: "ports", "Parallel ports per tree edge."),
        .seconds("level_latency_s", \.levelLatency, max: 1, "Latency per tree level (rounded to a whole nanosecond)."),
        .number("node_broadcast_bytes_per_s", \.nodeBroadcastBytesPerSecond, 1e6...1e15, unit: "B/s",
                "Bytes per second a node can replicate to its children (fan-out); down edges run at the lesser of this and the edge bandwidth."),
        .number("node_reduce_bytes_per_s", \.nodeReduceBytesPerSecond, 1e6...1e15, unit: "B/s",
                "Bytes per second of child input a node can add; the up edge leaving a node with k children runs at the lesser of this / k and the edge bandwidth."),
        .number("chunk_bytes", \.chunkBytes, 0...1e10, unit: "B",
                "Pipelining chunk: each tree level adds one chunk time of fill to every broadcast and reduction."),
    ]

    /// `cluster.input_workers`.
    public static let inputWorkers: [ScenarioField<InputWorkerSpec>] = [
        .number("bytes_per_s_per_system", \.bytesPerSecondPerSystem, 1e3...1e15, unit: "B/s", "Input-feed bandwidth per system."),
        .number("bytes_per_token", \.bytesPerToken, 0...1e6, unit: "B/token", messageUnit: "B", "Input bytes per token."),
        .number("servers_per_system", \.serversPerSystem, 0.01...1e4, unit: "servers", "Input servers feeding each system (Andromeda: 284 / 16)."),
        .number("cores_per_server", \.coresPerServer, 1...1e4, unit: "cores", "CPU cores per input server (EPYC 7713: 64)."),
        .number("processes_per_system", \.processesPerSystem, 1...1e6, unit: "processes",
                "Input preprocessing processes per system, capped by servers_per_system x cores_per_server."),
        .number("cpu_s_per_token", \.cpuSecondsPerToken, 0...1, unit: "s",
                "CPU time to prepare one token on one core (0: free); the input feed runs at the lesser of the network share and processes / this x bytes_per_token."),
    ]

    /// `cluster.runtime`.
    public static let runtime: [ScenarioField<RuntimeSpec>] = [
        .seconds("step_overhead_s", \.stepOverhead, max: 3600,
                 "Coordinator time per step, after the last optimizer update (rounded to a whole nanosecond)."),
        .seconds("step_overhead_per_doubling_s", \.stepOverheadPerDoubling, max: 3600,
                 "Added per doubling of the job's systems (ceil(log2 N) barrier rounds; rounded to a whole nanosecond)."),
    ]

    /// `efficiency`.
    public static let efficiency: [ScenarioField<EfficiencyModel>] = [
        .number("kernel_efficiency", \.kernelEfficiency, EfficiencyModel.kernelEfficiencyRange, unit: "fraction", messageUnit: "",
                "Fraction of each core's FMAC and vector rate the compiled kernels sustain inside an operation; fitted jointly with pass_overhead_s on the public CS-2 points P1-P11."),
        .number("pass_overhead_s", \.passOverheadSeconds, EfficiencyModel.passOverheadRange, unit: "s",
                "Fixed time every layer pass (one layer's forward or backward on one micro-batch) costs beyond its operations; fitted jointly with kernel_efficiency."),
        .number("exponential_cycles", \.exponentialCycles, EfficiencyModel.exponentialCyclesRange, unit: "cycles",
                "Cycles of one core per exponential (softmax, loss, activation): a mechanism examined and not fitted (0: off)."),
        .number("attention_efficiency", \.attentionEfficiency, EfficiencyModel.attentionEfficiencyRange, unit: "fraction", messageUnit: "",
                "Share of the GEMM rate the attention products sustain: a mechanism examined and not fitted (1: as fast as a GEMM)."),
        .number("vector_start_cycles", \.vectorStartCycles, EfficiencyModel.vectorStartCyclesRange, unit: "cycles",
                "Cycles a core spends starting one vector instruction (attention's dot products and weighted-sum rows are one head wide): a mechanism examined and not fitted (0: off)."),
        .boolean("recompute_in_backward", \.recomputeInBackward, "Backward recomputes the forward pass."),
    ]

    /// The declared range of field `name` of `fields` (a sweep parameter that sets it takes the
    /// same range).
    public static func range<Root>(of name: String, in fields: [ScenarioField<Root>]) -> ClosedRange<Double> {
        guard let f = fields.first(where: { $0.name == name }) else { preconditionFailure("no declared field \(name)") }
        return f.range
    }

    /// Reads every field of `fields` from `r` into `root`, in order.
    static func decode<Root>(_ fields: [ScenarioField<Root>], _ r: ObjectReader, into root: inout Root) throws(ScenarioError) {
        for f in fields { try f.decode(r, into: &root) }
    }
}
