import Foundation

/// Progress of long work (calibration, full-detail runs, exact contention, planning searches),
/// reported to whoever installed a handler: the command line draws a bar with an ETA on a
/// terminal. Nothing here touches a simulation's results.
///
/// The library never reports from a hot loop: simulations run in slices of events and report
/// between slices (``Simulation/run(_:progress:)``), search loops once per iteration; the handler
/// is called at most once per `interval` seconds (and once at the end). Without a current
/// reporter (the default, and on sweep worker threads) reporting costs one task-local read.
///
/// ```swift
/// let p = WorkProgress(interval: 0.25) { s in print(s.fraction, s.etaSeconds ?? -1) }
/// try WorkProgress.$current.withValue(p) { _ = try Andromeda.run(scenario, fullDetail: true) }
/// p.finish()
/// ```
///
/// Nesting: an outer loop of `n` parts calls ``enter(_:of:)`` before part `k` and ``leave()``
/// after it; fractions reported inside are mapped into that part's share of the whole.
public final class WorkProgress: @unchecked Sendable {
    /// What the handler receives.
    public struct Snapshot: Sendable, Equatable {
        /// Work done, 0...1.
        public var fraction: Double
        /// Wall-clock seconds since the reporter was created.
        public var elapsedSeconds: Double
        /// Estimated seconds left (nil until some work is done).
        public var etaSeconds: Double?
        /// True for the last call, from ``finish()``.
        public var finished: Bool
    }

    /// The reporter of the work running on this thread or task (nil: nobody listens).
    @TaskLocal public static var current: WorkProgress?

    private let lock = NSLock()
    private let handler: @Sendable (Snapshot) -> Void
    private let interval: Double
    private let clock = ContinuousClock()
    private let start: ContinuousClock.Instant
    private var lastCall: ContinuousClock.Instant?
    private var windows: [(lo: Double, width: Double)] = []
    private var best = 0.0
    private var done = false
    private var cancelled = false

    /// A reporter calling `handler` at most once per `interval` seconds (0: on every update).
    public init(interval: Double = 0.2, handler: @escaping @Sendable (Snapshot) -> Void) {
        self.interval = max(0, interval)
        self.handler = handler
        start = clock.now
    }

    /// Narrows reporting to part `k` (0-based) of `n` equal parts of the current window.
    public func enter(_ k: Int, of n: Int) {
        lock.lock(); defer { lock.unlock() }
        let (lo, width) = windows.last ?? (0, 1)
        let parts = Double(max(1, n)), part = Double(min(max(0, k), max(1, n) - 1))
        windows.append((lo + width * part / parts, width / parts))
    }

    /// Leaves the part entered last; reports that part as done.
    public func leave() {
        lock.lock()
        let w = windows.popLast()
        lock.unlock()
        if let w { report(absolute: w.lo + w.width) }
    }

    /// Reports `fraction` (0...1) of the current window as done. Progress never goes back.
    public func update(_ fraction: Double) {
        lock.lock()
        let (lo, width) = windows.last ?? (0, 1)
        lock.unlock()
        report(absolute: lo + width * min(1, max(0, fraction.isFinite ? fraction : 0)))
    }

    /// Asks the work to stop: simulations running under this reporter end with
    /// ``SimulationError/cancelled`` at their next slice, and loops that check ``isCancelled``
    /// stop at their next iteration. Callable from any thread (a handler may call it).
    public func cancel() {
        lock.lock(); defer { lock.unlock() }
        cancelled = true
    }

    /// True once ``cancel()`` was called.
    public var isCancelled: Bool {
        lock.lock(); defer { lock.unlock() }
        return cancelled
    }

    /// Ends the work: calls the handler once more with `finished` set (for the bar to clear).
    public func finish() {
        lock.lock()
        guard !done else { lock.unlock(); return }
        done = true
        let s = snapshot(finished: true)
        lock.unlock()
        handler(s)
    }

    private func report(absolute: Double) {
        lock.lock()
        best = max(best, min(1, absolute))
        let now = clock.now
        if done || (lastCall.map { seconds(now - $0) < interval } ?? false) { lock.unlock(); return }
        lastCall = now
        let s = snapshot(finished: false)
        lock.unlock()
        handler(s)
    }

    private func snapshot(finished: Bool) -> Snapshot {
        let elapsed = seconds(clock.now - start)
        let eta = best > 0.001 ? elapsed * (1 - best) / best : nil
        return Snapshot(fraction: finished ? 1 : best, elapsedSeconds: elapsed, etaSeconds: finished ? 0 : eta, finished: finished)
    }

    private func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    /// Runs `body` as part `k` of `n` of the current reporter's window (just `body` without one).
    public static func part<T, E: Error>(_ k: Int, of n: Int, _ body: () throws(E) -> T) throws(E) -> T {
        guard let p = current else { return try body() }
        p.enter(k, of: n)
        defer { p.leave() }
        return try body()
    }
}

extension Simulation {
    /// Runs like ``run(_:until:maxEvents:)`` until the events run out or the model stops it; when
    /// a ``WorkProgress`` is current, in slices of `slice` events, reporting `fraction()` between
    /// slices (so the event loop itself is untouched) and ending with ``SimulationError/cancelled``
    /// once the reporter is cancelled. Models whose events are costly (a shared
    /// cluster's events run contention probes) use smaller slices.
    /// (Inlinable, so that the run loop is specialised for the caller's handler.)
    @inlinable
    public func run<H: EventHandler>(_ handler: inout H, slice: UInt64 = 1 << 16,
                                     progress fraction: () -> Double) throws(SimulationError) -> RunOutcome {
        guard let p = WorkProgress.current else { return try run(&handler) }
        while true {
            let outcome = try run(&handler, maxEvents: max(1, slice))
            p.update(fraction())
            if outcome != .reachedEventLimit { return outcome }
            if p.isCancelled { throw .cancelled }
        }
    }
}
