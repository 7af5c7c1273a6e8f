/// Receives events from a ``Simulation``. The run loop is generic over the handler, so the
/// compiler specialises dispatch: a model pays no existential or closure call per event.
public protocol EventHandler {
    /// Handles one event; `sim.now` is already the event's time.
    mutating func handle(_ event: Event, in sim: Simulation) throws(SimulationError)
}

/// Why ``Simulation/run(_:until:maxEvents:)`` returned.
public enum RunOutcome: Equatable, Sendable {
    /// No events were left.
    case drained
    /// The next event lies beyond the `until` bound (the clock is left at the bound).
    case reachedTimeLimit
    /// `maxEvents` events were handled.
    case reachedEventLimit
    /// A handler called ``Simulation/stop()``.
    case stopped
}

/// The discrete-event kernel: a clock and a pending-event set. It knows nothing of the models.
///
/// Events fire in (time, priority, sequence) order; handlers schedule further events through
/// ``schedule(at:target:arg:priority:)``. Simulated time never goes back (checked in debug
/// builds) and a cancelled event never fires.
public final class Simulation {
    /// The pending-event set.
    public var queue: EventQueue
    /// The current simulated time.
    @inlinable public var now: SimTime { _now }
    /// Events handled so far.
    @inlinable public var eventsHandled: UInt64 { _eventsHandled }
    @usableFromInline var _now: SimTime = .zero
    @usableFromInline var _eventsHandled: UInt64 = 0
    @usableFromInline var nextSequence: UInt64 = 0
    @usableFromInline var stopRequested = false

    /// The default priority: in the middle, so models can order before and after it.
    public static let defaultPriority: UInt8 = 128

    public init(expectedPending: Int = 1024) {
        queue = EventQueue(reservingCapacity: expectedPending)
    }

    /// Schedules an event for `target` at absolute time `time` (not before `now`).
    @inlinable @discardableResult
    public func schedule(at time: SimTime, target: UInt32, arg: UInt32 = 0,
                         priority: UInt8 = Simulation.defaultPriority) throws(SimulationError) -> EventHandle
    {
        if time < now {
            throw .scheduledInPast("target \(target) arg \(arg) at \(time), now \(now)")
        }
        let key = (UInt64(priority) << 56) | nextSequence
        nextSequence &+= 1
        queue.push(Event(time: time.nanoseconds, key: key, target: target, arg: arg))
        return EventHandle(key: key, time: time.nanoseconds)
    }

    /// Schedules an event `delay` after now.
    @inlinable @discardableResult
    public func schedule(after delay: SimDuration, target: UInt32, arg: UInt32 = 0,
                         priority: UInt8 = Simulation.defaultPriority) throws(SimulationError) -> EventHandle
    {
        let t = try now.adding(delay, "scheduling target \(target) arg \(arg)")
        return try schedule(at: t, target: target, arg: arg, priority: priority)
    }

    /// Cancels a pending event. Cancelling one that already fired is a programming error
    /// (checked in debug builds).
    public func cancel(_ handle: EventHandle) {
        queue.cancel(handle)
    }

    /// Asks the run loop to return after the current event.
    public func stop() { stopRequested = true }

    /// Moves the clock forward without handling events (used by steady-state fast-forward).
    /// The new time must not pass the earliest pending event.
    public func advance(to time: SimTime) throws(SimulationError) {
        if time < now { throw .scheduledInPast("advance to \(time), now \(now)") }
        if let next = queue.peek(), next.time < time.nanoseconds {
            throw .model("advance to \(time) would skip an event pending at \(next.simTime)")
        }
        _now = time
    }

    /// Runs events through `handler` until none are left, the next one is later than `until`,
    /// `maxEvents` have been handled in this call, or a handler calls ``stop()``.
    @inlinable
    public func run<H: EventHandler>(_ handler: inout H, until: SimTime = .never,
                                     maxEvents: UInt64 = .max) throws(SimulationError) -> RunOutcome
    {
        stopRequested = false
        var handled: UInt64 = 0
        defer { _eventsHandled &+= handled }
        while handled < maxEvents {
            guard let e = queue.popDeferred() else { return .drained }
            if e.time > until.nanoseconds {
                // Put it back: the event stays pending.
                queue.push(e)
                if _now < until { _now = until }
                return .reachedTimeLimit
            }
            assert(e.time >= now.nanoseconds, "simulated time went back")
            _now = SimTime(nanoseconds: e.time)
            handled &+= 1
            try handler.handle(e, in: self)
            queue.settle()
            if stopRequested { return .stopped }
        }
        return .reachedEventLimit
    }
}
