import Foundation
import Reports

/// The output folder of `validate --out`: validation.html and validation.csv, written as one set
/// the way ``RunFolder`` writes a run's. ``init(_:)`` checks and locks the folder before the
/// (seconds-long) evaluation, so a folder that cannot be used is refused first; ``write(_:)``
/// stages both files and swaps them in, and on any error leaves the previous folder untouched.
///
/// ```swift
/// let folder = try ValidationFolder("v")
/// try folder.write(try Validation.evaluate())
/// ```
public final class ValidationFolder: @unchecked Sendable {
    private let folder: OutputFolder

    /// Checks `directory` (new, empty or an earlier validation's: a folder of yours is never
    /// cleared), locks it and opens its staging folder. Throws `OutputRefused` for a folder that
    /// cannot be used, `ReportError` when the lock or the staging folder cannot be created.
    public init(_ directory: String) throws {
        folder = try OutputFolder(directory, kind: .validation)
    }

    /// Writes validation.html and validation.csv of `report` (``ValidationPage``) and commits
    /// them as one set. On an error nothing of the previous folder changes.
    public func write(_ report: ValidationReport) throws {
        do {
            try ValidationPage.write(report, to: folder.staging)
            try folder.commit()
        } catch {
            folder.abandon()
            throw error
        }
    }

    /// Gives up: nothing is written, the previous folder stays as it was.
    public func abandon() { folder.abandon() }
}
