import Cluster
import Hardware
import Scenarios
import Training
import Foundation
import Reports

/// A sweep that cannot run as asked.
public struct SweepError: ParameterNamingError, Equatable {
    /// What is wrong; the parameters it names are `NamedParameter` markers (module Reports).
    public let template: String
    /// An error reporting `template` (parameters as `NamedParameter.marker`).
    public init(_ template: String) { self.template = template }
}
