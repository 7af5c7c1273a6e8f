import Foundation

/// Counts the progress calls of one sweep run (the first call's `done` minus one is what was
/// already on disk).
final class SweepPointCounter: @unchecked Sendable {
    private var first: Int?
    /// Points finished by this run, given the total `done` so far (calls arrive under the sweep's lock).
    func next(_ done: Int) -> Int {
        if first == nil { first = done - 1 }
        return done - (first ?? 0)
    }
}
