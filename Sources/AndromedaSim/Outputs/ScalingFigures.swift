import Reports
import Scenarios
import Training

/// The figures of one scaling row, each computed once with its precision: scaling.csv,
/// summary.json and the sweeps (which pick columns of scaling.csv) all render from here, so a
/// figure cannot mean one thing in one file and another in the other.
///
/// A few figures carry more decimals in summary.json than in scaling.csv (times of a step, to the
/// nanosecond; samples/s; the published time): those have two precisions, as they always had.
struct ScalingFigures {
    /// One figure's value and how many decimals each file gives it.
    enum Value {
        case text(String)
        case int(Int64)
        case number(Double, csv: Int, json: Int)
        /// No value (a row without a published time): an empty CSV field, no JSON member.
        case missing

        static func number(_ x: Double, _ decimals: Int) -> Value { .number(x, csv: decimals, json: decimals) }

        var csv: CSVField {
            switch self {
            case .text(let s): return .string(s)
            case .int(let i): return .int(i)
            case .number(let x, let d, _): return .double(x, decimals: d)
            case .missing: return .empty
            }
        }

        var json: JSONOutput {
            switch self {
            case .text(let s): return .string(s)
            case .int(let i): return .int(i)
            case .number(let x, _, let d): return .double(x, decimals: d)
            case .missing: return .null
            }
        }
    }

    /// The figures by name (the column names of scaling.csv and the member names of summary.json).
    let values: [String: Value]

    /// The members of a row of summary.json's `results`, in order (before `published`).
    static let jsonMembers = [
        "model", "params", "seq_len", "systems", "global_batch", "micro_batch", "grad_accum", "step_time_s",
        "samples_per_s", "tokens_per_s", "speedup", "efficiency", "achieved_pflops", "peak_fraction", "compute_s",
        "exposed_stream_s", "boundary_s", "fixed_h", "checkpoints", "samples_to_train", "steps_to_train",
        "time_to_train_h", "energy_kwh", "pacing_usable_cores", "bound_peak_flops_step_s", "bound_io_step_s",
        "fast_forwarded_steps", "fast_forward_relative_error", "scaling_efficiency", "events",
        "samples_per_s_low", "samples_per_s_high", "time_to_train_h_low", "time_to_train_h_high",
    ]

    init(_ row: ScalingRow, interval: PredictionInterval = .fitted) {
        let x = row.result
        let simH = x.timeToTrain.seconds / 3600
        // The prediction interval of the leave-one-out residuals (docs/validation.md).
        let rate = x.samplesPerSecondRange(interval), time = x.timeToTrainRange(interval)
        let pub = row.published?.timeToTrainHours
        values = [
            "model": .text(x.modelName),
            "params": .int(Int64(x.parameters)),
            "seq_len": .int(Int64(x.seqLen)),
            "systems": .int(Int64(x.systems)),
            "global_batch": .int(Int64(x.globalBatch)),
            "micro_batch": .int(Int64(x.microBatch)),
            "grad_accum": .int(Int64(x.gradAccumulation)),
            "step_time_s": .number(x.step.total.seconds, csv: 6, json: 9),
            "samples_per_s": .number(x.samplesPerSecond, csv: 3, json: 4),
            "tokens_per_s": .number(x.tokensPerSecond, 1),
            "speedup": .number(row.speedup, 4),
            "efficiency": .number(row.scalingEfficiency, 4),
            "scaling_efficiency": .number(row.scalingEfficiency, 4),
            "achieved_pflops": .number(x.achievedFLOPS / 1e15, 4),
            "peak_fraction": .number(x.peakFraction, 4),
            "compute_s": .number(x.step.pacingCompute.seconds, csv: 6, json: 9),
            "exposed_stream_s": .number(x.step.exposedStream.seconds, csv: 6, json: 9),
            "boundary_s": .number(x.step.boundary.seconds, csv: 6, json: 9),
            "fixed_h": .number(x.fixedCosts.seconds / 3600, 4),
            "samples_to_train": .int(x.samplesToTrain),
            "time_to_train_h": .number(simH, 4),
            "steps_to_train": .int(x.stepsToTrain),
            "checkpoints": .int(x.checkpoints),
            "energy_kwh": .number(x.energyKWh, 1),
            "published_time_to_train_h": pub.map { .number($0, csv: 2, json: 3) } ?? .missing,
            "time_error_pct": pub.map { .number(RelativeError.of(simH, $0) * 100, 2) } ?? .missing,
            "pacing_usable_cores": .int(Int64(x.pacingUsableCores)),
            "bound_peak_flops_step_s": .number(x.peakFLOPBound.seconds, 9),
            "bound_io_step_s": .number(x.ioBound.seconds, 9),
            "fast_forwarded_steps": .int(x.fastForwardedSteps),
            "fast_forward_relative_error": .number(x.fastForwardRelativeError, 6),
            "events": .int(Int64(x.eventsSimulated)),
            "samples_per_s_low": .number(rate.low, csv: 3, json: 4),
            "samples_per_s_high": .number(rate.high, csv: 3, json: 4),
            "time_to_train_h_low": .number(time.low / 3600, 4),
            "time_to_train_h_high": .number(time.high / 3600, 4),
        ]
    }

    /// The figure `name` (missing when there is none of that name).
    subscript(_ name: String) -> Value { values[name] ?? .missing }
}
