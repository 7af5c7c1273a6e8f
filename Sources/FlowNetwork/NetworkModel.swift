import SimEngine

/// What a model moving data over shared links offers the models built on it: links with a
/// capacity and a latency, transfers (flows) over a set of them, and for each flow one event
/// when its last byte has arrived. ``FlowNetwork`` (max-min fair sharing, SimGrid-style) is the
/// implementation here; another model (a packet-level one, or a fixed-rate one without sharing)
/// can implement the same calls, and a consumer written against `NetworkModel` runs on either.
///
/// The contract every implementation keeps:
/// - Links and flows are named by the identifiers the model returns (``LinkID`` in the order the
///   links were added; ``FlowID`` never naming a later flow); a ``PathID`` is a link list
///   prepared once.
/// - A flow's completion is an event for its `target` with its `arg`, scheduled on the
///   simulation it was started in, at the time its last byte is sent plus its latency (by
///   default the sum of its distinct links' latencies). A cancelled flow is never notified.
/// - The same sequence of calls gives the same events at the same times (no dependence on
///   hashing or on the host).
/// - The model is a ``Component``: it receives its own events under the index it was
///   registered with (``attach(id:)``, or ``register(in:)``) before the first flow starts.
public protocol NetworkModel: Component {
    /// The component index the model receives its own events under (nil until attached).
    var id: UInt32? { get }
    /// Tells the model the component index it was registered under.
    func attach(id: UInt32)

    /// Adds a link of capacity `bytesPerSecond` (finite and positive) and latency `latency`
    /// (not negative).
    func addLink(name: String, bytesPerSecond: Double, latency: SimDuration) throws(SimulationError) -> LinkID
    /// The number of links.
    var linkCount: Int { get }
    /// The name a link was added with, or nil for an unknown link.
    func name(of link: LinkID) -> String?
    /// A link's capacity in bytes per second, or nil for an unknown link.
    func capacity(of link: LinkID) -> Double?
    /// A link's latency, or nil for an unknown link.
    func latency(of link: LinkID) -> SimDuration?

    /// Starts a transfer of `bytes` over `links` (not empty; repeated links count once); when its
    /// last byte has been sent, an event for `target` with `arg` follows after `latency` (nil:
    /// the sum of the distinct links' latencies).
    @discardableResult
    func startFlow(bytes: Double, links: [LinkID], notify target: UInt32, arg: UInt32,
                   latency: SimDuration?, in sim: Simulation) throws(SimulationError) -> FlowID
    /// Validates and remembers a link list for ``startFlow(bytes:path:notify:arg:latency:in:)``.
    func preparePath(_ links: [LinkID]) throws(SimulationError) -> PathID
    /// ``startFlow(bytes:links:notify:arg:latency:in:)`` on a prepared path: the same flow.
    @discardableResult
    func startFlow(bytes: Double, path: PathID, notify target: UInt32, arg: UInt32,
                   latency: SimDuration?, in sim: Simulation) throws(SimulationError) -> FlowID
    /// Removes a transferring flow without notifying its target; false, changing nothing, when
    /// the flow is not transferring.
    @discardableResult
    func cancelFlow(_ flow: FlowID, in sim: Simulation) throws(SimulationError) -> Bool

    /// The number of flows transferring now.
    var activeFlowCount: Int { get }
    /// True when `flow` is still transferring.
    func isActive(_ flow: FlowID) -> Bool
    /// The flow's current rate in bytes per second, or nil when it is not transferring.
    func rate(of flow: FlowID) -> Double?
    /// When the flow's last byte will be sent if nothing changes, or nil when it is not transferring.
    func finishTime(of flow: FlowID) -> SimTime?
    /// A link's statistics at `time`, or nil for an unknown link.
    func statistics(of link: LinkID, at time: SimTime) -> LinkStatistics?
    /// A 64-bit hash of the sharing state (which flows cross which links at which rates), stable
    /// across runs and processes: equal states give equal hashes, which lets a model detect a
    /// steady state.
    var stateHash: UInt64 { get }
}

extension NetworkModel {
    /// Registers the model in `components` and attaches the returned index.
    @discardableResult
    public func register(in components: inout ComponentSet) -> UInt32 {
        let i = components.register(self)
        attach(id: i)
        return i
    }
}
