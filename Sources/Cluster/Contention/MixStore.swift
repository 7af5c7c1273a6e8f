import Foundation
import Training

/// The step times of mixes measured by ``ExactContention``: one model's own, or shared by the
/// contention models of several cluster simulations (one per policy) that may run on different
/// threads. A mix's
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
    /// Guards everything below; waited on while another thread measures a mix.
    private let condition = NSCondition()
    private var byConfiguration: [[JobConfiguration]: [Int]] = [:]
    private var entries: [Entry] = []
    /// Mixes being measured now, by configuration (their specs), so that a second thread asking
    /// for one waits for it instead of measuring it again.
    private var measuring: [[JobConfiguration]: [[TrainingSpec]]] = [:]

    /// An empty store.
    public init() {}

    /// The step times of `mix` (configurations `keys`, specs normalised by the caller) and the
    /// mix's id: from the store, or measured by `measure` (outside the lock, returning the times
    /// and the events it simulated) and stored. While one thread measures a mix, others asking
    /// for it wait; if its measurement fails, the next one measures it itself.
    func times(_ keys: [JobConfiguration], mix: [TrainingSpec],
               measure: () throws(TrainingError) -> (times: [Int64], events: UInt64)) throws(TrainingError) -> (id: Int, times: [Int64]) {
        condition.lock()
        while true {
            if let id = byConfiguration[keys]?.first(where: { entries[$0].specs == mix }) {
                condition.unlock()
                return (id, entries[id].times)
            }
            guard measuring[keys]?.contains(mix) == true else { break }
            condition.wait()
        }
        measuring[keys, default: []].append(mix)
        condition.unlock()
        let m: (times: [Int64], events: UInt64)
        do {
            m = try measure()
        } catch {
            condition.lock()
            done(keys, mix)
            condition.unlock()
            throw error
        }
        condition.lock()
        defer { condition.unlock() }
        done(keys, mix)
        entries.append(Entry(specs: mix, times: m.times, events: m.events))
        byConfiguration[keys, default: []].append(entries.count - 1)
        return (entries.count - 1, m.times)
    }

    /// `mix` is no longer being measured (the lock held): wake the waiters.
    private func done(_ keys: [JobConfiguration], _ mix: [TrainingSpec]) {
        if let i = measuring[keys]?.firstIndex(of: mix) { measuring[keys]?.remove(at: i) }
        condition.broadcast()
    }

    /// Per log (in the order given), the mixes simulated first by it, the requests answered by
    /// an earlier one, and the events of the mixes it simulated, as if the logs' owners had run
    /// one after another with one cache.
    public func counts(_ logs: [[Int]]) -> [(simulated: Int, cacheHits: Int, events: UInt64)] {
        condition.lock(); defer { condition.unlock() }
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
