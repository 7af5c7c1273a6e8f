import Cluster
import Hardware
import Scenarios
import Training
import Foundation
import Reports

/// A sweep that cannot run as asked.
public struct SweepError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What is wrong; the parameters it names are `NamedParameter` markers (module Reports).
    public let template: String
    /// An error reporting `template` (parameters as `NamedParameter.marker`).
    public init(_ template: String) { self.template = template }
    /// The message as the library says it: parameters by their API names (`params`, `out`).
    public var message: String { NamedParameter.show(template, flags: false) }
    /// The message.
    public var description: String { message }
    /// The message as the command line says it: parameters by their flags (`--param`, `--out`).
    public var commandLineMessage: String { NamedParameter.show(template, flags: true) }
}
