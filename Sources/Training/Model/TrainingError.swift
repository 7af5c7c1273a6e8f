/// Why a job cannot run as specified.
public struct TrainingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What is wrong.
    public let message: String
    /// An error reporting `message`.
    public init(_ message: String) { self.message = message }
    /// The message.
    public var description: String { message }
}
