import AndromedaSim
import Foundation
import SimEngine

/// The progress bar with an ETA that long commands draw on standard error, only when standard
/// error is a terminal (redirected output stays clean). It appears after one second (or after
/// the seconds in the environment variable ANDROMEDA_SIM_PROGRESS_AFTER), so quick commands print
/// nothing, and is erased when the work ends.
enum ProgressBar {
    /// True when standard error is a terminal.
    static var enabled: Bool { isatty(2) == 1 }

    /// Seconds before the bar appears.
    static let delay: Double = {
        guard let s = ProcessInfo.processInfo.environment["ANDROMEDA_SIM_PROGRESS_AFTER"], let x = Double(s), x.isFinite else { return 1 }
        return min(max(0, x), 3600)
    }()

    /// Runs `body` with a ``WorkProgress`` reporter drawing the bar labelled `label` (when
    /// `show` and standard error is a terminal).
    static func around<T>(_ label: String, show: Bool = true, _ body: () throws -> T) rethrows -> T {
        guard show, enabled else { return try body() }
        let p = WorkProgress(interval: 0.2) { s in draw(label, s) }
        defer { p.finish() }
        return try WorkProgress.$current.withValue(p) { try body() }
    }

    /// Draws (or, when finished, erases) the bar for snapshot `s`.
    static func draw(_ label: String, _ s: WorkProgress.Snapshot) {
        if s.finished {
            if s.elapsedSeconds >= delay { writeStandardError("\r\u{1B}[K") }
            return
        }
        guard s.elapsedSeconds >= delay else { return }
        writeStandardError("\r" + line(label, fraction: s.fraction, eta: s.etaSeconds) + "\u{1B}[K")
    }

    /// `label [##########..........]  50%  ETA 0:12` (the ETA as h:mm:ss past an hour, `?` when unknown).
    static func line(_ label: String, fraction: Double, eta: Double?) -> String {
        let width = 30
        let f = min(1, max(0, fraction.isFinite ? fraction : 0))
        let filled = Int((f * Double(width)).rounded(.down))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let pct = String(format: "%3d%%", Int((f * 100).rounded(.down)))
        return "\(label) [\(bar)] \(pct)  ETA \(eta.map(clock) ?? "?")"
    }

    /// m:ss, or h:mm:ss from an hour.
    static func clock(_ seconds: Double) -> String {
        let s = Int(min(max(0, seconds.isFinite ? seconds : 0), 359_999).rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}
