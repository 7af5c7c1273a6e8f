import SimEngine

/// Identifies a link of a ``FlowNetwork``: its index in the order the links were added.
public struct LinkID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The link's index (0 for the first link added).
    public let index: UInt32

    /// The link with index `index` (as returned, in order, by ``FlowNetwork/addLink(name:bytesPerSecond:latency:)``).
    public init(_ index: UInt32) { self.index = index }

    /// Orders links by index.
    public static func < (a: LinkID, b: LinkID) -> Bool { a.index < b.index }

    /// "link#<index>".
    public var description: String { "link#\(index)" }
}

/// Identifies a transfer of a ``FlowNetwork``: a storage slot and the slot's generation, so
/// that the identifier of a finished flow never names a later flow that reuses its slot.
public struct FlowID: Hashable, Sendable, CustomStringConvertible {
    /// The flow's storage slot.
    public let index: UInt32
    /// How many flows used the slot before this one.
    public let generation: UInt32

    /// A flow identifier from its parts (normally only the network creates them).
    public init(index: UInt32, generation: UInt32) {
        self.index = index
        self.generation = generation
    }

    /// "flow#<index>.<generation>".
    public var description: String { "flow#\(index).\(generation)" }
}

/// A link list prepared once by ``FlowNetwork/preparePath(_:)`` (validated, de-duplicated, its
/// latency summed) and named by index in ``FlowNetwork/startFlow(bytes:path:notify:arg:latency:in:)``.
public struct PathID: Hashable, Sendable {
    /// The path's index in the network's prepared-path table.
    public let index: UInt32
}

/// A shared-bandwidth model of links and the transfers (flows) that cross them, in the style of
/// SimGrid's flow-level network model: the ``NetworkModel`` of this package.
///
/// Each link has a capacity in bytes per second and a latency. A flow moves a number of bytes
/// over a set of links: a unicast path, or the edges of a multicast or reduction tree (a flow
/// counts once on each link it uses, however often the link is listed). Concurrent flows share
/// the links by **max-min fairness**: no flow's rate can be raised without lowering the rate of
/// a flow that has no more than it (Bertsekas and Gallager, *Data Networks*, 2nd ed., 1992,
/// chapter 6, max-min flow control). The allocation is computed by progressive filling
/// ("water-filling"): raise every unfixed flow's rate together until some link saturates, fix
/// the flows crossing it at that link's fair share, and repeat with the remaining capacity.
/// SimGrid's LMM solver (Velho, Schnorr, Casanova and Legrand, "On the validity of flow-level
/// TCP network models for grid and cloud simulations", ACM TOMACS 23(4), 2013) is the
/// precedent; this model has no per-flow weights or TCP corrections.
///
/// Rates are recomputed whenever a flow starts, ends or is cancelled. When a flow's last byte
/// has been sent, the network schedules an event for the flow's `target` with its `arg`, at
/// that time plus the flow's latency (by default the sum of its links' latencies).
///
/// Time stays integral: a flow's completion time is its remaining bytes over its rate, rounded
/// **up** to a whole nanosecond (values within floating-point noise of an integer are taken as
/// that integer), so a flow never finishes early. A flow whose rate does not change keeps its
/// completion time exactly. The network keeps one pending event of its own, at the earliest
/// completion, and moves it when rates change.
///
/// Determinism: flows are kept in start order, links are visited in first-use order, and no
/// iteration order depends on hashing, so the same sequence of calls gives bit-identical
/// results. Storage is reused through free lists and scratch buffers, so steady-state operation
/// allocates nothing per flow. Each start, end or cancellation recomputes the whole allocation:
/// about O(P + L log L) for the P link crossings of the active flows and the L links they use
/// (see `FlowNetwork+MaxMin.swift`), unless the same flows (by links, in start order) were active
/// before: the allocation is then taken from a memo, bit-identical (`FlowNetwork+Memo.swift`).
///
/// Use: create the network, register it, and attach the index it was registered under:
///
/// ```swift
/// var components = ComponentSet()
/// let net = FlowNetwork()
/// net.register(in: &components)            // or: net.attach(id: components.register(net))
/// let l = try net.addLink(name: "fabric", bytesPerSecond: 1.2e12, latency: .microseconds(1))
/// try net.startFlow(bytes: 4e6, links: [l], notify: worker, arg: 7, in: sim)
/// ```
public final class FlowNetwork: NetworkModel {
    /// All state, in one value: each public call makes a single exclusive access to it, so the
    /// hot loops run without the runtime exclusivity checks of class properties. The one access
    /// per call is exempt from the check too: no call re-enters the network.
    @exclusivity(unchecked) var core = Core()

    /// An empty network. Register it in the model's ``ComponentSet`` and give it its index
    /// with ``attach(id:)`` (or call ``register(in:)``) before starting flows.
    public init() {}

    /// The component index this network receives its own events under (nil until attached).
    public var id: UInt32? { core.id }

    /// Tells the network the component index it was registered under: the `target` of its own
    /// "next completion" event.
    public func attach(id: UInt32) { core.id = id }

    // MARK: Links

    /// Adds a link of capacity `bytesPerSecond` (finite and positive) and latency `latency`
    /// (not negative). Statistics of the link start at time zero.
    public func addLink(name: String, bytesPerSecond: Double, latency: SimDuration) throws(SimulationError) -> LinkID {
        try core.addLink(name: name, bytesPerSecond: bytesPerSecond, latency: latency)
    }

    /// The number of links.
    public var linkCount: Int { core.links.count }

    /// The name a link was added with, or nil for an unknown link.
    public func name(of link: LinkID) -> String? {
        Int(link.index) < core.links.count ? core.linkNames[Int(link.index)] : nil
    }

    /// A link's capacity in bytes per second, or nil for an unknown link.
    public func capacity(of link: LinkID) -> Double? {
        Int(link.index) < core.links.count ? core.links[Int(link.index)].capacity : nil
    }

    /// A link's latency, or nil for an unknown link.
    public func latency(of link: LinkID) -> SimDuration? {
        Int(link.index) < core.links.count ? core.links[Int(link.index)].latency : nil
    }

    // MARK: Flows

    /// Starts a transfer of `bytes` (finite, not negative) over `links` (not empty; repeated
    /// links count once) and returns its identifier.
    ///
    /// When its last byte has been sent, the network schedules an event for `target` with
    /// `arg` at that time plus `latency`, which defaults to the sum of the latencies of the
    /// flow's (distinct) links: right for a unicast path; for a tree, pass the latency of its
    /// deepest path. A zero-byte flow takes no bandwidth: its event comes after the latency
    /// alone. The rates of the flows sharing links with it change from now on. Flows whose last
    /// byte is sent at this very instant are completed (and notified) first.
    ///
    /// Errors: an unattached network, a bad size, an empty or unknown link, or a negative
    /// latency (nothing is changed then); a time overflow (the network is then unusable).
    @discardableResult
    public func startFlow(bytes: Double, links path: [LinkID], notify target: UInt32, arg: UInt32,
                          latency: SimDuration? = nil, in sim: Simulation) throws(SimulationError) -> FlowID
    {
        try core.startFlow(bytes: bytes, links: path, target: target, arg: arg, latency: latency, in: sim)
    }

    /// Validates and remembers a link list (not empty; repeated links count once) for
    /// ``startFlow(bytes:path:notify:arg:latency:in:)``: a model that starts flows on the same
    /// few paths prepares them once and skips the per-start lookup of the list. Preparing the
    /// same list again gives the same path. Errors: an empty list or an unknown link.
    public func preparePath(_ links: [LinkID]) throws(SimulationError) -> PathID {
        guard let e = try core.preparePath(links, force: true) else {
            throw .model("FlowNetwork: internal error: a forced path preparation failed")
        }
        return PathID(index: UInt32(truncatingIfNeeded: e))
    }

    /// ``startFlow(bytes:links:notify:arg:latency:in:)`` on a path prepared by
    /// ``preparePath(_:)``: the same flow, the same results, without looking the list up.
    @discardableResult
    public func startFlow(bytes: Double, path: PathID, notify target: UInt32, arg: UInt32,
                          latency: SimDuration? = nil, in sim: Simulation) throws(SimulationError) -> FlowID
    {
        try core.startFlow(bytes: bytes, prepared: Int(path.index), target: target, arg: arg, latency: latency, in: sim)
    }

    /// Removes a flow without notifying its target, and gives its bandwidth to the others.
    ///
    /// Returns false, changing nothing, when `flow` is not transferring: unknown, cancelled, or
    /// already finished sending (its notification is then scheduled or delivered and stays so;
    /// this includes zero-byte flows and flows whose last byte is sent at this very instant).
    /// Throws only on time overflow while rescheduling the remaining flows.
    @discardableResult
    public func cancelFlow(_ flow: FlowID, in sim: Simulation) throws(SimulationError) -> Bool {
        try core.cancelFlow(flow, in: sim)
    }

    /// Handles the network's own "next completion" event: notifies every flow whose last byte
    /// has now been sent, then recomputes the others' rates. Any other event is an error.
    public func handle(_ event: Event, in sim: Simulation) throws(SimulationError) {
        try core.handle(event, in: sim)
    }

    // MARK: Queries

    /// The number of flows transferring now.
    public var activeFlowCount: Int { core.active.count }

    /// True when `flow` is still transferring.
    public func isActive(_ flow: FlowID) -> Bool { core.isActive(flow) }

    /// The flow's current rate in bytes per second, or nil when it is not transferring.
    public func rate(of flow: FlowID) -> Double? {
        core.isActive(flow) ? core.flows[Int(flow.index)].rate : nil
    }

    /// The bytes the flow still has to send at `time` (not before the last rate change) at its
    /// current rate, or nil when it is not transferring.
    public func remainingBytes(of flow: FlowID, at time: SimTime) -> Double? {
        core.isActive(flow) ? core.remaining(Int(flow.index), at: time.nanoseconds) : nil
    }

    /// When the flow's last byte will be sent if rates do not change (before its latency), or
    /// nil when it is not transferring.
    public func finishTime(of flow: FlowID) -> SimTime? {
        core.isActive(flow) ? SimTime(nanoseconds: core.flows[Int(flow.index)].finish) : nil
    }

    /// The links a transferring flow crosses (de-duplicated, in the order given), or nil.
    public func links(of flow: FlowID) -> [LinkID]? {
        core.isActive(flow) ? core.path(Int(flow.index)).map { LinkID($0) } : nil
    }

    /// Flows started (including zero-byte ones).
    public var flowsStarted: Counter { core.flowsStarted }
    /// Flows whose last byte has been sent.
    public var flowsCompleted: Counter { core.flowsCompleted }
    /// Flows removed by ``cancelFlow(_:in:)``.
    public var flowsCancelled: Counter { core.flowsCancelled }
    /// Total size of the completed flows, in bytes.
    public var bytesCompleted: Double { core.bytesCompleted }

    /// Whether rate allocations and transitions are remembered and reused (bit-identical
    /// either way). On by default; a short run that rarely revisits a sharing state (a
    /// contention probe) may be faster without.
    public var cachesRates: Bool {
        get { core.cachingEnabled }
        set { core.cachingEnabled = newValue }
    }

    /// Whether the rate computation merges equivalent links: links of equal capacity on exactly
    /// the same prepared paths carry the same flows, so one of them stands for all (the same
    /// max-min rates, fewer link visits per computation). Takes effect only with
    /// ``keepsStatistics`` and ``cachesRates`` off and while every flow has been started on a
    /// prepared path (``preparePath(_:)``). Off by default.
    public var mergesLinks: Bool {
        get { core.mergesLinks }
        set { core.mergesLinks = newValue }
    }

    /// Whether link loads and statistics are kept (``statistics(of:at:)``). On by default; set
    /// it off before the first flow when only flow rates and completions matter (a contention
    /// probe), together with ``cachesRates``: the statistics then stay at zero.
    public var keepsStatistics: Bool {
        get { core.statisticsEnabled }
        set { core.statisticsEnabled = newValue }
    }

    /// A link's statistics at `time` (which should not be earlier than the network's last
    /// change; the pending traffic is added up to `time`), or nil for an unknown link.
    public func statistics(of link: LinkID, at time: SimTime) -> LinkStatistics? {
        core.statistics(of: link, at: time)
    }

    /// The time-weighted average of a link's used fraction (load / capacity) over [0, `time`],
    /// or nil for an unknown link.
    public func utilization(of link: LinkID, until time: SimTime) -> Double? {
        let i = Int(link.index)
        return i < core.links.count ? core.classes[Int(core.linkClass[i])].usedFraction.average(until: time) : nil
    }

    // MARK: Steady-state signature

    /// A description of the sharing state: the number of transferring flows, then for each, in
    /// start order, the bit pattern of its rate, the number of its links and their indices
    /// (flow identities, sizes and targets are left out). Equal signatures mean the same link
    /// sets at bit-identical rates, which lets a model detect a steady state. Allocates; see
    /// ``stateHash`` for a cheap check.
    public var stateSignature: [UInt64] { core.stateSignature }

    /// A 64-bit hash of ``stateSignature``, computed without allocating and stable across runs
    /// and processes (unlike `Hasher`, which is seeded per process). Equal states give equal
    /// hashes; compare the signatures to rule out a collision.
    public var stateHash: UInt64 { core.stateHash }

    /// Checks the allocation (for tests and debugging): no link carries more than its capacity,
    /// every flow has a positive rate and a bottleneck (a saturated link on which no flow is
    /// faster, the max-min optimality condition), and the link flow counts match. Returns a
    /// description of the first violation, or nil. Allocates; not for hot paths.
    public func checkInvariants(relativeTolerance: Double = 1e-9) -> String? {
        core.checkInvariants(relativeTolerance: relativeTolerance)
    }
}
