import Foundation
import Training

/// The step times of mixes measured by ``ExactContention``, shared by the contention models of
/// several cluster simulations (one per policy) that may run on different threads. A mix's
/// figures are a pure function of its jobs (their specs, in placement order), so whichever
/// simulation measures a mix first, every reader gets the same numbers. Each model logs the mixes
/// it asked for, in order; ``counts(_:)`` replays the logs in a given order of models, so the
/// probe and cache-hit counts reported per policy are those of running the policies one after
/// another with one cache, however many threads ran them.
public final class MixStore: @unchecked Sendable {
    struct Entry {
        let specs: [TrainingSpec]
        let times: [Int64]
        let events: UInt64
    }
    private let lock = NSLock()
    private var byConfiguration: [[JobConfiguration]: [Int]] = [:]
    private var entries: [Entry] = []

    /// An empty store.
    public init() {}

    /// The step times of `mix` (configurations `keys`, specs normalised by the caller) and the
    /// mix's id: from the store, or measured by `measure` (outside the lock, returning the times
    /// and the events it simulated) and stored.
    func times(_ keys: [JobConfiguration], mix: [TrainingSpec],
               measure: () throws(TrainingError) -> (times: [Int64], events: UInt64)) throws(TrainingError) -> (id: Int, times: [Int64]) {
        if let found = find(keys, mix) { return found }
        let m = try measure()
        lock.lock(); defer { lock.unlock() }
        // Another thread may have measured the same mix meanwhile: keep the first (identical) one.
        if let id = byConfiguration[keys]?.first(where: { entries[$0].specs == mix }) { return (id, entries[id].times) }
        entries.append(Entry(specs: mix, times: m.times, events: m.events))
        byConfiguration[keys, default: []].append(entries.count - 1)
        return (entries.count - 1, m.times)
    }

    private func find(_ keys: [JobConfiguration], _ mix: [TrainingSpec]) -> (id: Int, times: [Int64])? {
        lock.lock(); defer { lock.unlock() }
        guard let id = byConfiguration[keys]?.first(where: { entries[$0].specs == mix }) else { return nil }
        return (id, entries[id].times)
    }

    /// Per log (in the order given), the mixes simulated first by it, the requests answered by
    /// an earlier one, and the events of the mixes it simulated, as if the logs' owners had run
    /// one after another with one cache.
    public func counts(_ logs: [[Int]]) -> [(simulated: Int, cacheHits: Int, events: UInt64)] {
        lock.lock(); defer { lock.unlock() }
        var seen = [Bool](repeating: false, count: entries.count)
        return logs.map { log in
            var simulated = 0, hits = 0, events: UInt64 = 0
            for id in log {
                if seen[id] { hits += 1; continue }
                seen[id] = true
                simulated += 1
                events &+= entries[id].events
            }
            return (simulated, hits, events)
        }
    }
}
