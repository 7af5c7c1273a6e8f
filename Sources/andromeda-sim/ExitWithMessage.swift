import AndromedaSim
import Foundation
import Reports

// How every command ends on an error: a message on standard error, temporary files removed,
// status 2 for bad input and 1 for an output that cannot be written.

/// Prints `error` on standard error and exits with status 1 (an output cannot be written).
func cannotWrite(_ error: Error) -> Never {
    TemporaryFiles.removeAll()
    FileHandle.standardError.write(Data("andromeda-sim: \(error)\n".utf8))
    Foundation.exit(1)
}

/// Prints `message` on standard error and exits with status 2 (bad input).
func fail(_ message: String) -> Never {
    // No staging folder or temporary file outlives the process.
    TemporaryFiles.removeAll()
    FileHandle.standardError.write(Data("andromeda-sim: \(message)\n".utf8))
    Foundation.exit(2)
}

/// How the command line states an error: the output parameters a library error names by their
/// API names (`out`, `trace`) said by their flags (`--out`, `--trace`); anything else as it is.
func describe(_ error: any Error) -> String {
    (error as? any ParameterNamingError)?.commandLineMessage ?? "\(error)"
}
