/// An error while building or writing a report. File errors name the path:
/// `out/run1/summary.csv: cannot write: is a directory`.
public struct ReportError: Error, CustomStringConvertible, Equatable, Sendable {
    /// What went wrong; for file errors it starts with the path.
    public let message: String

    /// Creates an error with `message`.
    public init(_ message: String) { self.message = message }

    /// The message.
    public var description: String { message }
}
