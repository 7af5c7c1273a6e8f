import Foundation
import Scenarios
import Training

/// Where the calibration and the fits read their published figures, so that each figure exists
/// once: the GenSLM times to train are the `published` entries of the built-in scenarios
/// `genslm` (the 1 -> 4 systems reading) and `genslm-2to4` (ZDNet's 2 -> 4 reading); the
/// throughput points of the compute model's fit are ``ThroughputChecks/fitSet``.
/// `andromeda-sim calibrate` and `andromeda-sim validate` both use them.
public enum PublishedFigures {
    /// The published times of `scenario`'s experiments of model `prefix`* on `systems` (all when nil).
    static func timePoints(scenario: String, label: (String, Int) -> String) -> [Calibration.TimePoint] {
        guard let text = BuiltinScenarios.all[scenario],
              let s = try? Andromeda.parse(text, file: "<built-in \(scenario)>") else { return [] }
        return s.scaling.flatMap { e in
            e.published.compactMap { p in
                p.timeToTrainHours.map {
                    Calibration.TimePoint(label: label(e.model.name, p.systems), model: e.model.name,
                                          perSystemBatch: e.perSystemBatch, systems: p.systems, hours: $0)
                }
            }
        }
    }

    /// "123M" of "genslm-123m".
    static func size(_ model: String) -> String { String(model.split(separator: "-").last ?? "").uppercased() }

    /// The four GenSLM times of the mission's source (1 -> 4 systems), from the built-in
    /// scenario `genslm`, labelled "123M x1".
    public static let genslmPoints: [Calibration.TimePoint] = timePoints(scenario: "genslm") { "\(size($0)) x\($1)" }

    /// ZDNet's reading of the 123M result: 4.1 h on two systems (2.4 h on four is shared), from
    /// the built-in scenario `genslm-2to4`.
    public static let genslmZDNetPoint: Calibration.TimePoint? =
        timePoints(scenario: "genslm-2to4") { "\(size($0)) x\($1) (ZDNet)" }.first { $0.systems == 2 }
}
