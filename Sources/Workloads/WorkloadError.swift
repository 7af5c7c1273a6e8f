/// A workload that cannot be built: a bad generator setting, a bad trace file or a bad Philly
/// row. The message names what is wrong and the allowed values (for files: file, line, column).
public struct WorkloadError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The full, human-readable explanation.
    public var message: String
    /// Creates an error with the given message.
    public init(_ message: String) { self.message = message }
    /// The message.
    public var description: String { message }
}
