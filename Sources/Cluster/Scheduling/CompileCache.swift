/// The cluster's shared compile cache: jobs of one configuration (model, batch, systems: a
/// ``JobConfiguration``) compile once; a configuration counts as compiled once a start-up that
/// compiled it has finished. Configurations are numbered densely in order of first arrival.
struct CompileCache {
    private var compiled: [Bool] = []
    private var ids: [JobConfiguration: Int] = [:]

    /// The number of `configuration` (given a new one on its first arrival).
    mutating func id(of configuration: JobConfiguration) -> Int {
        if let c = ids[configuration] { return c }
        ids[configuration] = compiled.count
        compiled.append(false)
        return compiled.count - 1
    }

    /// Whether configuration `id` is compiled already.
    func isCompiled(_ id: Int) -> Bool { compiled[id] }

    /// Marks configuration `id` compiled; returns whether that changed anything.
    mutating func markCompiled(_ id: Int) -> Bool {
        if compiled[id] { return false }
        compiled[id] = true
        return true
    }
}
