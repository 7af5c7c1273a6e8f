import Hardware
import ScenarioFormat
import Wafer

/// One object of the scenario's `cluster` (`wafer`, `cs2`, `memoryx`, `swarmx`, `input_workers`,
/// `runtime`), declared once: its JSON name, its description, its fields and where its value sits
/// in a ``ClusterSpec``. The decoder, summary.json's echo and the generated schema all read
/// ``ScenarioFields/hardware``.
public struct HardwareSection: @unchecked Sendable {
    /// The JSON name inside `cluster`.
    public let name: String
    /// What the object is (the schema's description).
    public let doc: String
    /// Reads the object's fields from `r` into `cluster`, in their declared order.
    let decode: (ObjectReader, inout ClusterSpec) throws(ScenarioError) -> Void
    /// The object's fields and their values in `cluster` (name, kind, value), in declared order.
    public let values: (ClusterSpec) -> [(name: String, kind: ScenarioFieldKind, value: Double)]
    /// The object as the format states it, its defaults taken from `defaults`.
    public let spec: (ClusterSpec) -> FieldSpec

    init<Root>(_ name: String, _ doc: String, _ fields: [ScenarioField<Root>], _ path: WritableKeyPath<ClusterSpec, Root>) {
        self.name = name
        self.doc = doc
        decode = { (r: ObjectReader, c: inout ClusterSpec) throws(ScenarioError) in
            try ScenarioFields.decode(fields, r, into: &c[keyPath: path])
        }
        values = { c in fields.map { (name: $0.name, kind: $0.kind, value: $0.value(c[keyPath: path])) } }
        spec = { c in .object(name, SectionSpec(doc, fields.map { $0.spec(c[keyPath: path]) })) }
    }
}

extension ScenarioFields {
    /// The objects of `cluster`, in the order the decoder reads them and summary.json writes them.
    public static let hardware: [HardwareSection] = [
        HardwareSection("wafer", "The WSE-2 wafer of every system.", wafer, \.cs2.wafer),
        HardwareSection("cs2", "CS-2 system I/O and power.", cs2, \.cs2),
        HardwareSection("memoryx", "MemoryX.", memoryX, \.memoryX),
        HardwareSection("swarmx", "SwarmX broadcast-reduce tree.", swarmX, \.swarmX),
        HardwareSection("input_workers", "Input servers.", inputWorkers, \.inputWorkers),
        HardwareSection("runtime", "Host runtime that coordinates each step (assumed values).", runtime, \.runtime),
    ]
}
