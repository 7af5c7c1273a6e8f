import AndromedaSim
import ArgumentParser
import Foundation
import Reports

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Simulated against published: the leave-one-out table first, then every published figure with its error and tolerance.",
        discussion: """
            The rows are Validation.builtinRows in the library; scenarios are the built-in copies,
            whatever files or folders sit in the working directory. The public CS-2 training points
            P1-P11 are the fit set: each is judged by its leave-one-out prediction (the constants
            refitted without it). Exits with status 1 when a gated row is outside its tolerance
            (fit-set rows by their leave-one-out error, and the predictions); in-sample fits,
            alternative readings and rows whose mechanism is known to be missing are shown, not
            gated. With --out DIR, also writes DIR/validation.html (with a parity plot) and
            DIR/validation.csv. What each kind means: docs/validation.md.
            """
    )

    @Option(help: "Also write validation.html and validation.csv into this folder (new, empty or an earlier validation's).")
    var out: String?

    func run() throws {
        // Checked and locked before the evaluation; both files swapped in as one set after it.
        let folder: ValidationFolder?
        if let out {
            do { folder = try ValidationFolder(out) } catch let e as OutputRefused { fail(e.commandLineMessage) } catch { cannotWrite(error) }
        } else {
            folder = nil
        }
        let report: ValidationReport
        do { report = try ProgressBar.around("validate") { try Validation.evaluate() } } catch { folder?.abandon(); fail(describe(error)) }
        print(report.table, terminator: "")
        if let folder {
            do { try folder.write(report) } catch { cannotWrite(error) }
            print("wrote \(out ?? "")/validation.html and validation.csv")
        }
        if !report.passed {
            writeStandardError("validate: \(report.failedPredictions.count) gated row(s) outside tolerance\n")
            throw ExitCode(1)
        }
    }
}
