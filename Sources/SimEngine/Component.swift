/// A model part that receives typed events: the readable way to write models in their own
/// vocabulary. A component is registered with a ``ComponentSet`` and addressed by its index.
///
/// ```swift
/// final class Clerk: Component {
///     enum Kind: UInt32 { case customerArrives, serviceDone }
///     var served = 0
///     func handle(_ event: Event, in sim: Simulation) throws(SimulationError) {
///         switch Kind(rawValue: event.arg) {
///         case .customerArrives: try sim.schedule(after: .seconds(3), target: id, arg: Kind.serviceDone.rawValue)
///         case .serviceDone: served += 1
///         case nil: throw .model("clerk: unknown event \(event.arg)")
///         }
///     }
/// }
/// ```
public protocol Component: AnyObject {
    /// Handles one event addressed to this component.
    func handle(_ event: Event, in sim: Simulation) throws(SimulationError)
}

/// Dispatches events to registered components by their index (the event's `target`).
public struct ComponentSet: EventHandler {
    @usableFromInline var components: [any Component] = []

    /// An empty set.
    public init() {}

    /// Registers a component; the returned index is the `target` of its events.
    @discardableResult
    public mutating func register(_ c: any Component) -> UInt32 {
        components.append(c)
        return UInt32(components.count - 1)
    }

    /// The number of registered components.
    public var count: Int { components.count }

    /// Passes `event` to the component at index `event.target` (an unknown target is a model error).
    @inlinable
    public mutating func handle(_ event: Event, in sim: Simulation) throws(SimulationError) {
        let i = Int(event.target)
        guard i < components.count else {
            throw .model("event for unknown component \(event.target)")
        }
        try components[i].handle(event, in: sim)
    }
}
