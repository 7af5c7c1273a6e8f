import Foundation

/// This executable's absolute path, for commands that start it again (Slurm jobs, whole-command
/// benchmarks): the target of /proc/self/exe, else the first argument made absolute.
enum OwnExecutable {
    static var path: String {
        let fm = FileManager.default
        if let p = try? fm.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return p }
        let first = CommandLine.arguments[0]
        return first.hasPrefix("/") ? first : fm.currentDirectoryPath + "/" + first
    }
}
