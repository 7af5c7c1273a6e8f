import Cluster
import Hardware
import Scenarios
import Training
import Foundation

/// A sweep that cannot run as asked.
public struct SweepError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What is wrong, for the user.
    public let message: String
    /// An error reporting `message`.
    public init(_ message: String) { self.message = message }
    /// The message.
    public var description: String { message }
}
