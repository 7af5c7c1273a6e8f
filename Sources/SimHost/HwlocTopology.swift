import CHwloc

/// Owns one loaded hwloc topology of the real host (internal).
///
/// Thread-safety: after `load()` succeeds the topology is only read
/// (object counts, cpusets, binding calls), which hwloc allows from several
/// threads at once; nothing here modifies it again until `deinit`.
final class HwlocTopology: @unchecked Sendable {
    /// The loaded topology handle.
    let handle: hwloc_topology_t

    /// Loads the topology of this machine, or returns nil when hwloc fails.
    init?() {
        var topo: hwloc_topology_t?
        guard hwloc_topology_init(&topo) == 0, let topo else { return nil }
        guard hwloc_topology_load(topo) == 0 else {
            hwloc_topology_destroy(topo)
            return nil
        }
        handle = topo
    }

    deinit {
        hwloc_topology_destroy(handle)
    }

    /// True when the topology describes the machine we run on (not synthetic,
    /// XML or another fsroot); binding is only meaningful then.
    var isThisSystem: Bool { hwloc_topology_is_thissystem(handle) != 0 }

    /// Number of objects of `type` (0 when the level is missing or ambiguous).
    func count(_ type: hwloc_obj_type_t) -> Int {
        Int(chwloc_count_type(handle, type))
    }

    /// Runtime library version, e.g. "2.9.0", from the root object's info.
    var libraryVersion: String {
        if let root = chwloc_obj_by_type(handle, HWLOC_OBJ_MACHINE, 0),
           let value = hwloc_obj_get_info_by_name(root, "hwlocVersion") {
            return String(cString: value)
        }
        let api = hwloc_get_api_version()
        return "\(api >> 16).\((api >> 8) & 0xff) (API)"
    }

    /// OS indexes of the CPUs this process may use: the cgroup's allowed cpuset,
    /// narrowed to the process affinity mask (taskset) when that overlaps it.
    func allowedCPUs() -> [Int] {
        let allowed = Self.indexes(of: hwloc_topology_get_allowed_cpuset(handle))
        guard let bound = processBinding() else { return allowed }
        let narrowed = allowed.filter { bound.contains($0) }
        return narrowed.isEmpty ? allowed : narrowed
    }

    /// Current CPU affinity of the whole process, or nil if it cannot be read.
    func processBinding() -> Set<Int>? {
        cpuBinding(flags: chwloc_cpubind_process()).map(Set.init)
    }

    /// Current CPU affinity of the calling thread (OS indexes), or nil.
    func threadBinding() -> [Int]? {
        cpuBinding(flags: chwloc_cpubind_thread())
    }

    /// Binds the calling thread to exactly `cpus`; true on success.
    func bindThread(to cpus: [Int]) -> Bool {
        guard isThisSystem, !cpus.isEmpty, cpus.allSatisfy({ $0 >= 0 }),
              let set = hwloc_bitmap_alloc() else { return false }
        defer { hwloc_bitmap_free(set) }
        for cpu in cpus where hwloc_bitmap_set(set, UInt32(cpu)) != 0 {
            return false
        }
        return hwloc_set_cpubind(handle, set, chwloc_cpubind_thread()) == 0
    }

    /// OS indexes of the PUs of each core in logical order; each inner list
    /// is restricted to `allowed` and empty cores are dropped.
    func puGroupsByCore(allowed: Set<Int>) -> [[Int]] {
        let cores = count(HWLOC_OBJ_CORE)
        var groups: [[Int]] = []
        for index in 0..<cores {
            guard let core = chwloc_obj_by_type(handle, HWLOC_OBJ_CORE, UInt32(index)) else {
                continue
            }
            let pus = Self.indexes(of: core.pointee.cpuset).filter { allowed.contains($0) }
            if !pus.isEmpty { groups.append(pus) }
        }
        return groups
    }

    private func cpuBinding(flags: Int32) -> [Int]? {
        guard let set = hwloc_bitmap_alloc() else { return nil }
        defer { hwloc_bitmap_free(set) }
        guard hwloc_get_cpubind(handle, set, flags) == 0 else { return nil }
        let cpus = Self.indexes(of: set)
        return cpus.isEmpty ? nil : cpus
    }

    /// Ascending indexes set in `set`; empty for nil or infinite bitmaps.
    static func indexes(of set: hwloc_const_bitmap_t?) -> [Int] {
        guard let set else { return [] }
        let total = chwloc_bitmap_indexes(set, nil, 0)
        guard total > 0 else { return [] }
        var buffer = [Int32](repeating: 0, count: Int(total))
        let written = buffer.withUnsafeMutableBufferPointer {
            chwloc_bitmap_indexes(set, $0.baseAddress, total)
        }
        return buffer.prefix(Int(min(written, total))).map(Int.init)
    }
}
