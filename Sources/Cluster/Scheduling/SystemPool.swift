/// The cluster's shared resources and who holds them: each system's owner and whether it is
/// down (failed or in maintenance), MemoryX capacity in use, and MemoryX node groups in use
/// (each serves one job at a time). It keeps its own invariants: a system has at most one
/// owner, and MemoryX and node groups are never over capacity.
struct SystemPool {
    /// One system: the job holding it (-1: none) and how many reasons it is down for (a
    /// failure and a maintenance window may overlap).
    struct Slot {
        var owner: Int = -1
        var downCount: Int32 = 0
        var isFree: Bool { owner < 0 && downCount == 0 }
    }

    private(set) var slots: [Slot]
    /// MemoryX capacity, bytes.
    let memoryXCapacityBytes: Double
    /// MemoryX node groups.
    let nodeGroups: Int
    /// MemoryX bytes held by the jobs holding systems.
    private(set) var memoryXInUse = 0.0
    /// Node groups held (one per job holding systems).
    private(set) var nodeGroupsInUse = 0

    /// `systems` free systems, `memoryXCapacityBytes` of MemoryX and `nodeGroups` node groups.
    init(systems: Int, memoryXCapacityBytes: Double, nodeGroups: Int) {
        slots = Array(repeating: Slot(), count: systems)
        freeCount = systems
        self.memoryXCapacityBytes = memoryXCapacityBytes
        self.nodeGroups = nodeGroups
    }

    /// Systems in the cluster.
    var count: Int { slots.count }
    /// The job holding system `s` (-1: none).
    func owner(of s: Int) -> Int { slots[s].owner }
    /// Systems neither held nor down.
    var freeSystems: Int { freeCount }
    /// Whether any system is neither held nor down.
    var hasFreeSystem: Bool { freeCount > 0 }
    /// Systems held by a job.
    var busySystems: Int { busyCount }
    /// Systems down for at least one reason.
    var downSystems: Int { downCount }

    /// Systems free, held and down, kept as the slots change (read after every event).
    private(set) var freeCount: Int
    private(set) var busyCount = 0
    private(set) var downCount = 0

    /// Changes slot `s` by `body`, keeping the counts.
    private mutating func update(_ s: Int, _ body: (inout Slot) -> Void) {
        let old = slots[s]
        body(&slots[s])
        let new = slots[s]
        freeCount += (new.isFree ? 1 : 0) - (old.isFree ? 1 : 0)
        busyCount += (new.owner >= 0 ? 1 : 0) - (old.owner >= 0 ? 1 : 0)
        downCount += (new.downCount > 0 ? 1 : 0) - (old.downCount > 0 ? 1 : 0)
    }
    /// MemoryX bytes not held.
    var freeMemoryXBytes: Double { memoryXCapacityBytes - memoryXInUse }
    /// Node groups not held.
    var freeNodeGroups: Int { nodeGroups - nodeGroupsInUse }
    /// Whether no node group is free.
    var nodeGroupsExhausted: Bool { nodeGroupsInUse >= nodeGroups }

    /// The `need` lowest-numbered free systems, if a job of `memoryXBytes` fits now (systems,
    /// MemoryX and a node group); nil otherwise.
    func choose(_ need: Int, memoryXBytes: Double) -> [Int]? {
        var chosen: [Int] = []
        for s in slots.indices where slots[s].isFree {
            chosen.append(s)
            if chosen.count == need { break }
        }
        guard chosen.count == need, memoryXInUse + memoryXBytes <= memoryXCapacityBytes, nodeGroupsInUse < nodeGroups else { return nil }
        return chosen
    }

    /// Job `job` takes `systems` (from ``choose(_:memoryXBytes:)``), `memoryXBytes` and a node group.
    mutating func take(_ systems: [Int], for job: Int, memoryXBytes: Double) {
        for s in systems { update(s) { $0.owner = job } }
        memoryXInUse += memoryXBytes
        nodeGroupsInUse += 1
    }

    /// Job `job` gives back `systems`, `memoryXBytes` and its node group.
    mutating func release(_ systems: [Int], of job: Int, memoryXBytes: Double) {
        for s in systems where slots[s].owner == job { update(s) { $0.owner = -1 } }
        memoryXInUse -= memoryXBytes
        nodeGroupsInUse -= 1
    }

    /// System `s` goes down for one more reason.
    mutating func markDown(_ s: Int) { update(s) { $0.downCount += 1 } }
    /// One reason system `s` was down for is over.
    mutating func markUp(_ s: Int) { update(s) { $0.downCount -= 1 } }

    /// The first of `systems` not owned by `job`, if any.
    func firstNotOwned(_ systems: [Int], by job: Int) -> Int? {
        for s in systems where slots[s].owner != job { return s }
        return nil
    }

    /// Checks the pool against the jobs holding systems (`index`, `systems`, MemoryX bytes):
    /// each listed system owned by its job, no system held twice, MemoryX and node groups not
    /// over capacity. Returns the first violation.
    func violation(holders: [(index: Int, id: String, systems: [Int], memoryXBytes: Double)]) -> String? {
        var held = Array(repeating: 0, count: slots.count)
        var mem = 0.0
        for h in holders {
            for s in h.systems {
                held[s] += 1
                if slots[s].owner != h.index { return "invariant: system \(s) is listed by job \(h.id) but owned by \(slots[s].owner)" }
            }
            mem += h.memoryXBytes
        }
        if let s = held.firstIndex(where: { $0 > 1 }) { return "invariant: system \(s) held by two jobs" }
        return capacityViolation(memoryXBytes: mem, holders: holders.count)
    }

    /// MemoryX and the node groups against their capacity, for `holders` jobs holding
    /// `memoryXBytes` in all: the one statement of these two invariants (``violation(holders:)``
    /// and the simulation's check after every event both ask it).
    func capacityViolation(memoryXBytes: Double, holders: Int) -> String? {
        if memoryXBytes > memoryXCapacityBytes * (1 + 1e-12) { return "invariant: MemoryX over capacity" }
        if holders > nodeGroups { return "invariant: more jobs than MemoryX node groups" }
        return nil
    }
}
