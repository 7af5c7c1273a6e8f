import AndromedaSim
import Foundation
import Reports

// How every command ends on an error: a message on standard error, temporary files removed,
// status 2 for bad input and 1 for an output that cannot be written.

/// Writes `text` on standard error after whatever was printed on standard output before it:
/// standard output is flushed first, so that the two keep their order when they go to one pipe
/// or file (there standard output is buffered and standard error is not).
func writeStandardError(_ text: String) {
    fflush(nil)
    FileHandle.standardError.write(Data(text.utf8))
}

/// Prints `error` on standard error and exits with status 1 (an output cannot be written).
func cannotWrite(_ error: Error) -> Never {
    TemporaryFiles.removeAll()
    writeStandardError("andromeda-sim: \(error)\n")
    Foundation.exit(1)
}

/// Prints `message` on standard error and exits with status 2 (bad input).
func fail(_ message: String) -> Never {
    // No staging folder or temporary file outlives the process.
    TemporaryFiles.removeAll()
    writeStandardError("andromeda-sim: \(message)\n")
    Foundation.exit(2)
}

/// How the command line states an error: the output parameters a library error names by their
/// API names (`out`, `trace`) said by their flags (`--out`, `--trace`); anything else as it is.
func describe(_ error: any Error) -> String {
    (error as? any ParameterNamingError)?.commandLineMessage ?? "\(error)"
}
