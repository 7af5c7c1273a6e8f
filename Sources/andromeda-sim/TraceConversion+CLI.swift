import AndromedaSim
import Foundation
import Reports

extension TraceConversion {
    /// Runs a conversion for a command: prints what was written; bad input exits 2, an output
    /// that cannot be written exits 1.
    static func runCommand(input: String, out: String, what: String, convert: (String) throws -> String) {
        do {
            let jobs = try run(input: input, out: out, what: what, convert: convert)
            print("wrote \(out): \(jobs) jobs")
        } catch {
            switch error {
            case .badInput(let m): fail(NamedParameter.show(m, flags: true))
            case .cannotWrite: cannotWrite(error)
            }
        }
    }
}
