/// Identifies a link of a ``FlowNetwork``: its index in the order the links were added.
public struct LinkID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The link's index (0 for the first link added).
    public let index: UInt32

    /// The link with index `index` (as returned, in order, by ``FlowNetwork/addLink(name:bytesPerSecond:latency:)``).
    public init(_ index: UInt32) { self.index = index }

    public static func < (a: LinkID, b: LinkID) -> Bool { a.index < b.index }

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

    public var description: String { "flow#\(index).\(generation)" }
}

/// A shared-bandwidth model of links and the transfers (flows) that cross them, in the style of
/// SimGrid's flow-level network model.
///
/// Each link has a capacity in bytes per second and a latency. A flow moves a number of bytes
/// over a set of links: a unicast path, or the edges of a multicast or reduction tree (a flow
/// counts once on each link it uses, however often the link is listed). Concurrent flows share
/// the links by **max-min fairness**: no flow's rate can be raised without lowering the rate of
/// a flow that has no more than it (Bertsekas and Gallager, *Data Networks*, 2nd ed., 1992,
/// section 6.5.2). The allocation is computed by progressive filling ("water-filling"): raise
/// every unfixed flow's rate together until some link saturates, fix the flows crossing it at
/// that link's fair share, and repeat with the remaining capacity. SimGrid's LMM solver
/// (Velho, Schnorr, Casanova and Legrand, "On the validity of flow-level TCP network models for
/// grid and cloud simulations", ACM TOMACS 23(4), 2013) is the precedent; this model has no
/// per-flow weights or TCP corrections.
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
/// Determinism: flows are kept in start order and links in index order, and no iteration order
/// depends on hashing, so the same sequence of calls gives bit-identical results. Storage is
/// reused through free lists and scratch buffers, so steady-state operation allocates nothing
/// per flow.
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
public final class FlowNetwork: Component {
    // MARK: Per-link state (index = LinkID.index). A plain value, so arrays of it need no ARC.
    struct LinkState {
        var capacity: Double
        var latency: SimDuration
        /// Active flows crossing the link.
        var activeFlows: Int32 = 0
        /// Sum of the rates of the flows crossing the link (bytes/s).
        var load: Double = 0
        var busyBytes: Double = 0
        var busyNanoseconds: Int64 = 0
        var usedFraction = TimeWeightedAverage()
        // Scratch for startFlow's de-duplication and the rate computation.
        var stamp: UInt64 = 0
        var offset: Int32 = 0
        var fill: Int32 = 0
        var unfixed: Int32 = 0
        var remaining: Double = 0
        var newLoad: Double = 0
    }

    // MARK: Per-flow state (index = FlowID.index). A plain value; the path is kept apart.
    struct FlowState {
        var generation: UInt32 = 0
        var isActive = false
        var target: UInt32 = 0
        var arg: UInt32 = 0
        var bytes: Double = 0
        /// Bytes left at time `anchor`.
        var remaining: Double = 0
        var anchor: Int64 = 0
        /// Current rate (bytes/s); 0 until the first rate computation.
        var rate: Double = 0
        /// Time of the last byte at the current rate.
        var finish: Int64 = .max
        var latency: SimDuration = .zero
        /// Scratch for the rate computation (negative: not fixed yet).
        var newRate: Double = 0
    }

    /// The component index this network receives its own events under (nil until attached).
    public private(set) var id: UInt32?

    var links: [LinkState] = []
    var linkNames: [String] = []
    var flows: [FlowState] = []
    /// Each slot's links, de-duplicated, in the order given; kept (emptied) for reuse.
    var paths: [[UInt32]] = []
    var freeSlots: [UInt32] = []
    /// Active flow slots in start order.
    var active: [UInt32] = []

    // Scratch buffers (stored so that the hot paths allocate nothing once warmed up).
    var stamp: UInt64 = 0
    var pathScratch: [UInt32] = []
    var completedScratch: [UInt32] = []
    var touched: [UInt32] = []
    /// Links that carried load after the last rate computation.
    var loadedLinks: [UInt32] = []
    var candidates: [UInt32] = []
    var adjacency: [UInt32] = []

    /// Time up to which link statistics have been accumulated.
    var accountedUntil: Int64 = 0
    /// The earliest completion among active flows (`.max` when none).
    var nextFinish: Int64 = .max
    /// The network's one pending event.
    var pending: EventHandle?

    /// Flows started (including zero-byte ones).
    public private(set) var flowsStarted = Counter()
    /// Flows whose last byte has been sent.
    public internal(set) var flowsCompleted = Counter()
    /// Flows removed by ``cancelFlow(_:in:)``.
    public private(set) var flowsCancelled = Counter()
    /// Total size of the completed flows, in bytes.
    public internal(set) var bytesCompleted: Double = 0

    /// An empty network. Register it in the model's ``ComponentSet`` and give it its index
    /// with ``attach(id:)`` (or call ``register(in:)``) before starting flows.
    public init() {}

    /// Tells the network the component index it was registered under: the `target` of its own
    /// "next completion" event.
    public func attach(id: UInt32) { self.id = id }

    /// Registers the network in `components` and attaches the returned index.
    @discardableResult
    public func register(in components: inout ComponentSet) -> UInt32 {
        let i = components.register(self)
        attach(id: i)
        return i
    }

    // MARK: Links

    /// Adds a link of capacity `bytesPerSecond` (finite and positive) and latency `latency`
    /// (not negative). Statistics of the link start at time zero.
    public func addLink(name: String, bytesPerSecond: Double, latency: SimDuration) throws(SimulationError) -> LinkID {
        guard bytesPerSecond.isFinite, bytesPerSecond > 0 else {
            throw .model("FlowNetwork: link '\(name)' capacity \(bytesPerSecond) B/s must be finite and positive")
        }
        guard latency >= .zero else {
            throw .model("FlowNetwork: link '\(name)' latency \(latency) must not be negative")
        }
        guard links.count < Int(UInt32.max) else {
            throw .model("FlowNetwork: too many links")
        }
        links.append(LinkState(capacity: bytesPerSecond, latency: latency))
        linkNames.append(name)
        return LinkID(UInt32(links.count - 1))
    }

    /// The number of links.
    public var linkCount: Int { links.count }

    /// The name a link was added with, or nil for an unknown link.
    public func name(of link: LinkID) -> String? {
        Int(link.index) < links.count ? linkNames[Int(link.index)] : nil
    }

    /// A link's capacity in bytes per second, or nil for an unknown link.
    public func capacity(of link: LinkID) -> Double? {
        Int(link.index) < links.count ? links[Int(link.index)].capacity : nil
    }

    /// A link's latency, or nil for an unknown link.
    public func latency(of link: LinkID) -> SimDuration? {
        Int(link.index) < links.count ? links[Int(link.index)].latency : nil
    }

    // MARK: Flows

    /// Starts a transfer of `bytes` (finite, not negative) over `links` (not empty; repeated
    /// links count once) and returns its identifier.
    ///
    /// When its last byte has been sent, the network schedules an event for `target` with
    /// `arg` at that time plus `latency`, which defaults to the sum of the latencies of the
    /// flow's (distinct) links: right for a unicast path; for a tree, pass the latency of its
    /// deepest path. A zero-byte flow takes no bandwidth: its event comes after the latency
    /// alone. The rates of the flows sharing links with it change from now on.
    ///
    /// Errors: an unattached network, a bad size, an empty or unknown link, a negative latency,
    /// or a time overflow. Nothing is changed when the arguments are rejected.
    @discardableResult
    public func startFlow(bytes: Double, links path: [LinkID], notify target: UInt32, arg: UInt32,
                          latency: SimDuration? = nil, in sim: Simulation) throws(SimulationError) -> FlowID
    {
        guard id != nil else {
            throw .model("FlowNetwork: attach(id:) or register(in:) before starting flows")
        }
        guard bytes.isFinite, bytes >= 0 else {
            throw .model("FlowNetwork: flow size \(bytes) bytes must be finite and not negative")
        }
        guard !path.isEmpty else {
            throw .model("FlowNetwork: a flow needs at least one link (target \(target) arg \(arg))")
        }
        // Validate and de-duplicate the links into the scratch path; sum their latencies.
        stamp &+= 1
        pathScratch.removeAll(keepingCapacity: true)
        var pathLatency = SimDuration.zero
        for link in path {
            let l = Int(link.index)
            guard l < links.count else {
                throw .model("FlowNetwork: flow uses unknown \(link) (\(links.count) links)")
            }
            if links[l].stamp == stamp { continue }
            links[l].stamp = stamp
            pathScratch.append(link.index)
            pathLatency = try pathLatency.adding(links[l].latency, "flow latency")
        }
        let delay = latency ?? pathLatency
        guard delay >= .zero else {
            throw .model("FlowNetwork: flow latency \(delay) must not be negative")
        }
        let now = sim.now.nanoseconds
        let zeroByteNotification = bytes == 0 ? try sim.now.adding(delay, "zero-byte flow notification") : nil
        // Bring statistics and completions up to now before anything changes.
        accountLinks(until: now)
        var changed = try completeDueFlows(now: now, in: sim)

        let slot = allocateSlot()
        let fid = FlowID(index: slot, generation: flows[Int(slot)].generation)
        flowsStarted.increment()
        if let at = zeroByteNotification {
            // Nothing to send: the notification comes after the latency alone.
            try sim.schedule(at: at, target: target, arg: arg)
            flowsCompleted.increment()
            releaseSlot(slot)
        } else {
            let f = Int(slot)
            flows[f].isActive = true
            flows[f].target = target
            flows[f].arg = arg
            flows[f].bytes = bytes
            flows[f].remaining = bytes
            flows[f].anchor = now
            flows[f].rate = 0
            flows[f].finish = .max
            flows[f].latency = delay
            paths[f].append(contentsOf: pathScratch)
            for l in pathScratch { links[Int(l)].activeFlows += 1 }
            active.append(slot)
            changed = true
        }
        if changed {
            try recomputeRates(now: now)
            try reschedule(in: sim)
        }
        return fid
    }

    /// Removes a flow without notifying its target, and gives its bandwidth to the others.
    ///
    /// Returns false, changing nothing, when `flow` is not transferring: unknown, cancelled, or
    /// already finished sending (its notification is then scheduled or delivered and stays so;
    /// this includes zero-byte flows and flows whose last byte is sent at this very instant).
    /// Throws only on time overflow while rescheduling the remaining flows.
    @discardableResult
    public func cancelFlow(_ flow: FlowID, in sim: Simulation) throws(SimulationError) -> Bool {
        guard isActive(flow) else { return false }
        let now = sim.now.nanoseconds
        accountLinks(until: now)
        let changed = try completeDueFlows(now: now, in: sim)
        guard isActive(flow) else {
            // It finished at this instant and was notified.
            if changed {
                try recomputeRates(now: now)
                try reschedule(in: sim)
            }
            return false
        }
        let slot = flow.index
        if let i = active.firstIndex(of: slot) { active.remove(at: i) }
        for l in paths[Int(slot)] { links[Int(l)].activeFlows -= 1 }
        releaseSlot(slot)
        flowsCancelled.increment()
        try recomputeRates(now: now)
        try reschedule(in: sim)
        return true
    }

    /// Handles the network's own "next completion" event: notifies every flow whose last byte
    /// has now been sent, then recomputes the others' rates.
    public func handle(_ event: Event, in sim: Simulation) throws(SimulationError) {
        guard let p = pending, p.key == event.key else {
            throw .model("FlowNetwork: unexpected event (arg \(event.arg)) at \(event.simTime)")
        }
        pending = nil
        let now = sim.now.nanoseconds
        accountLinks(until: now)
        if try completeDueFlows(now: now, in: sim) {
            try recomputeRates(now: now)
        }
        try reschedule(in: sim)
    }

    // MARK: Queries

    /// The number of flows transferring now.
    public var activeFlowCount: Int { active.count }

    /// True when `flow` is still transferring.
    public func isActive(_ flow: FlowID) -> Bool {
        let f = Int(flow.index)
        return f < flows.count && flows[f].isActive && flows[f].generation == flow.generation
    }

    /// The flow's current rate in bytes per second, or nil when it is not transferring.
    public func rate(of flow: FlowID) -> Double? {
        isActive(flow) ? flows[Int(flow.index)].rate : nil
    }

    /// The bytes the flow still has to send at `time` (not before the last rate change) at its
    /// current rate, or nil when it is not transferring.
    public func remainingBytes(of flow: FlowID, at time: SimTime) -> Double? {
        guard isActive(flow) else { return nil }
        return remaining(Int(flow.index), at: time.nanoseconds)
    }

    /// When the flow's last byte will be sent if rates do not change (before its latency), or
    /// nil when it is not transferring.
    public func finishTime(of flow: FlowID) -> SimTime? {
        isActive(flow) ? SimTime(nanoseconds: flows[Int(flow.index)].finish) : nil
    }

    /// The links a transferring flow crosses (de-duplicated, in the order given), or nil.
    public func links(of flow: FlowID) -> [LinkID]? {
        isActive(flow) ? paths[Int(flow.index)].map { LinkID($0) } : nil
    }
}
