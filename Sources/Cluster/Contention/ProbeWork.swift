import Foundation
import Training

/// Compiled plans and pass timelines of probed jobs, kept for every ``ContentionProbes`` that
/// shares this object (one per policy when policies run in parallel, ``MixStore``); thread-safe.
/// Both are pure functions of the job's spec and placement, so whichever probe computes one first,
/// every reader gets the same value. Entries are matched on the whole spec (stopping rule and
/// checkpoints normalised), not only on the job's configuration.
public final class ProbeWork: @unchecked Sendable {
    struct PlanKey: Hashable { let job: JobConfiguration; let firstSystem: Int }
    struct ClockKey: Hashable { let job: JobConfiguration; let firstSystem: Int; let systems: Int }
    private let lock = NSLock()
    private var plans: [PlanKey: [ExecutionPlan]] = [:]
    private var clocks: [ClockKey: [(spec: TrainingSpec, clock: PassClock)]] = [:]

    /// An empty store.
    public init() {}

    func plan(_ key: PlanKey, spec: TrainingSpec) -> ExecutionPlan? {
        lock.lock(); defer { lock.unlock() }
        return plans[key]?.first { $0.spec == spec }
    }

    func store(_ plan: ExecutionPlan, _ key: PlanKey) {
        lock.lock(); defer { lock.unlock() }
        if plans[key]?.contains(where: { $0.spec == plan.spec }) == true { return }
        plans[key, default: []].append(plan)
    }

    func clock(_ key: ClockKey, spec: TrainingSpec) -> PassClock? {
        lock.lock(); defer { lock.unlock() }
        return clocks[key]?.first { $0.spec == spec }?.clock
    }

    func store(_ clock: PassClock, _ key: ClockKey, spec: TrainingSpec) {
        lock.lock(); defer { lock.unlock() }
        if clocks[key]?.contains(where: { $0.spec == spec }) == true { return }
        clocks[key, default: []].append((spec, clock))
    }
}
