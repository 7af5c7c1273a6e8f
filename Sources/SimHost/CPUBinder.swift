import Foundation

/// Pins parallel sweep workers to CPUs of the real host.
///
/// The host topology is loaded once, in `init`. Thread-safety: every method may
/// be called from any thread; hwloc calls are serialised by an internal lock
/// (they are rare: one bind per worker thread), and the stored properties are
/// immutable. Binding never crashes: when hwloc is missing or the OS refuses
/// (unsupported, CPU outside the cgroup), the methods return `false` or `nil`.
public final class CPUBinder: @unchecked Sendable {
    /// A binder shared by the whole process (topology loaded on first use).
    public static let shared = CPUBinder()

    /// OS indexes this process may run on (see `HostTopology.allowedCPUs`).
    public let allowedCPUs: [Int]

    /// The topology loaded when the binder was created.
    public let topology: HostTopology

    /// True when hwloc loaded the real topology of this machine, so binding can
    /// be attempted (false for a fallback or a synthetic/XML topology).
    public var canBind: Bool { hwloc?.isThisSystem ?? false }

    /// Allowed PUs grouped by physical core, in hwloc's logical core order.
    private let coreGroups: [[Int]]
    private let hwloc: HwlocTopology?
    private let lock = NSLock()

    /// Loads the real host topology (never a synthetic one: hwloc silently
    /// ignores binding requests against those).
    public init() {
        let loaded = HwlocTopology()
        hwloc = loaded
        let topology = loaded.map(HostTopology.from)
            ?? HostTopology.fallback(reason: "hwloc could not load the topology")
        self.topology = topology
        allowedCPUs = topology.allowedCPUs
        let groups = loaded?.puGroupsByCore(allowed: Set(topology.allowedCPUs)) ?? []
        // Without core objects (hidden /sys), treat every allowed PU as a core.
        coreGroups = groups.isEmpty ? topology.allowedCPUs.map { [$0] } : groups
    }

    /// CPUs for `count` workers: first one PU on each core (spreading the
    /// workers over cores), then the second PU of each core, and so on;
    /// wraps around the allowed CPUs when there are more workers than CPUs.
    /// Returns an empty array for `count <= 0`.
    public func workerCPUs(count: Int) -> [Int] {
        guard count > 0 else { return [] }
        var order: [Int] = []
        let depth = coreGroups.map(\.count).max() ?? 0
        for level in 0..<depth {
            for group in coreGroups where level < group.count {
                order.append(group[level])
            }
        }
        if order.isEmpty { order = allowedCPUs }
        if order.isEmpty { order = [0] }
        return (0..<count).map { order[$0 % order.count] }
    }

    /// Binds the calling thread to the single CPU `osIndex` (hwloc_set_cpubind
    /// with HWLOC_CPUBIND_THREAD). Returns false if the CPU is not allowed or
    /// binding is unsupported or refused; the thread is then left as it was.
    @discardableResult
    public func bindCurrentThread(toCPU osIndex: Int) -> Bool {
        guard allowedCPUs.contains(osIndex) else { return false }
        return bindCurrentThread(toCPUs: [osIndex])
    }

    /// Binds the calling thread to the set `osIndexes` (e.g. to restore a
    /// binding saved with `currentThreadCPUs()`). Returns false on failure.
    @discardableResult
    public func bindCurrentThread(toCPUs osIndexes: [Int]) -> Bool {
        guard let hwloc, !osIndexes.isEmpty else { return false }
        lock.lock()
        defer { lock.unlock() }
        return hwloc.bindThread(to: osIndexes)
    }

    /// Lets the calling thread run on every allowed CPU again. Returns false on failure.
    @discardableResult
    public func unbindCurrentThread() -> Bool {
        bindCurrentThread(toCPUs: allowedCPUs)
    }

    /// The CPUs the calling thread may currently run on, or nil if unknown.
    public func currentThreadCPUs() -> [Int]? {
        guard let hwloc else { return nil }
        lock.lock()
        defer { lock.unlock() }
        return hwloc.threadBinding()
    }
}
