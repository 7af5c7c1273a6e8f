import AndromedaSim
import ArgumentParser
import Foundation

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Simulated against published: every published figure, marked calibrated, fitted, prediction or alternative reading, with its error and tolerance.",
        discussion: """
            The rows are Validation.builtinRows in the library; scenarios are the built-in copies,
            whatever files or folders sit in the working directory. Prints the mean and max |error|
            over the predictions only. Exits with status 1 when any prediction is outside its
            tolerance (calibrated, fitted and alternative rows are shown, not gated). What each kind
            means: docs/validation.md.
            """
    )

    func run() throws {
        let report = try Validation.evaluate()
        print(report.table, terminator: "")
        if !report.passed {
            FileHandle.standardError.write(Data("validate: \(report.failedPredictions.count) prediction(s) outside tolerance\n".utf8))
            throw ExitCode(1)
        }
    }
}
