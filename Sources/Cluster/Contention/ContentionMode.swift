import Training

/// The contention methods a scenario can choose (`"contention"`).
public enum ContentionMode: String, Sendable, CaseIterable {
    /// Co-simulate each job with synthetic traffic of the others' combined MemoryX duty,
    /// rounded to a level (cached per job configuration and level; scales to 100,000 jobs).
    case meanField = "mean-field"
    /// Co-simulate every running job together (exact within the model; cost grows with the
    /// number of distinct mixes).
    case exact

    /// Every mode's name, as a scenario spells it (the default first).
    public static var names: [String] { allCases.map(\.rawValue) }

    /// A fresh model of this kind measuring with `probes`.
    public func make(probes: ContentionProbes) -> any ContentionModel {
        switch self {
        case .exact: return ExactContention(probes: probes)
        case .meanField: return MeanFieldContention(probes: probes)
        }
    }
}
