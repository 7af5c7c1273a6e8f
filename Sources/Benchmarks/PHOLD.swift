import SimEngine

/// PHOLD (Fujimoto 1990), the standard synthetic benchmark of discrete-event engines, exactly as
/// specified in the project's shared bench README so that checksums match the C++ and SimPy
/// references: one xoshiro256** stream; N logical processes with P initial events each; handling
/// (t, lp) counts the event, draws a destination and then a delay L + Exp(1), and schedules it.
///
/// It runs on the engine's real path: ``Simulation/run(_:until:maxEvents:)`` and its
/// pending-event set.
public struct PHOLD: EventHandler {
    /// Benchmark parameters.
    public struct Parameters: Sendable, Equatable {
        /// Logical processes.
        public var lps: UInt32 = 1024
        /// Initial events per logical process.
        public var population: UInt32 = 16
        /// Events to handle before stopping.
        public var events: UInt64 = 2_000_000
        /// Seed of the one xoshiro256** stream.
        public var seed: UInt64 = 42
        /// The fixed part L of every delay L + Exp(1), seconds.
        public var lookaheadSeconds: Double = 0.1
        /// The defaults: 1024 processes x 16 events, 2,000,000 events, seed 42, lookahead 0.1 s.
        public init() {}
    }

    /// What a run produced.
    public struct Result: Sendable, Equatable {
        /// Events handled.
        public var events: UInt64
        /// Simulated time when the run stopped.
        public var finalTime: SimTime
        /// Sum over processes of events handled x (process index + 1), wrapping.
        public var checksum: UInt64
        /// Events still pending at the end.
        public var pending: Int
    }

    /// Events handled per process, in storage the model owns: an array here would pay a
    /// uniqueness check (a runtime call) on every increment.
    @usableFromInline final class Counts {
        @usableFromInline let base: UnsafeMutablePointer<UInt64>
        let count: Int
        init(_ n: Int) {
            base = .allocate(capacity: n)
            base.initialize(repeating: 0, count: n)
            count = n
        }
        deinit { base.deallocate() }
    }

    @usableFromInline var rng: Xoshiro256
    @usableFromInline let counts: Counts
    @usableFromInline let lps: UInt32
    @usableFromInline let lookahead: Double

    init(_ p: Parameters) {
        rng = Xoshiro256(seed: p.seed)
        counts = Counts(Int(p.lps))
        lps = p.lps
        lookahead = p.lookaheadSeconds
    }

    /// Counts the event for its process, draws a destination and schedules it after L + Exp(1) s.
    @inlinable @inline(__always)
    public mutating func handle(_ event: Event, in sim: Simulation) throws(SimulationError) {
        // Every event's arg is a process index below lps (drawn by below(lps) or set at init).
        precondition(event.arg < lps, "phold: process index out of range")
        counts.base[Int(event.arg)] &+= 1
        let d = rng.below(lps)
        let delay = SimDuration(uncheckedSeconds: lookahead + rng.exponential())
        try sim.schedule(after: delay, target: 0, arg: d)
    }

    /// The most initial events (lps x population) a run may ask for: 2^24, about 0.4 GB of
    /// pending events; checked before anything is allocated.
    public static let maxInitialEvents = 16_777_216

    /// Runs PHOLD and returns the final time and checksum. Parameters are validated by the
    /// caller (lps and population at least 1, lookahead finite and non-negative).
    public static func run(_ p: Parameters) throws(SimulationError) -> Result {
        guard p.lps >= 1, p.population >= 1, p.lookaheadSeconds.isFinite, p.lookaheadSeconds >= 0,
              p.lookaheadSeconds < 1e6
        else { throw .model("phold: lps and population must be >= 1, lookahead in [0, 1e6) s") }
        let pending = Int(p.lps) * Int(p.population)
        guard pending <= maxInitialEvents else {
            throw .model("phold: lps x population is \(pending); allowed: at most \(maxInitialEvents) initial events")
        }
        let sim = Simulation(expectedPending: pending + 1)
        var model = PHOLD(p)
        for lp in 0..<p.lps {
            for _ in 0..<p.population {
                let t = SimDuration(uncheckedSeconds: p.lookaheadSeconds + model.rng.exponential())
                try sim.schedule(after: t, target: 0, arg: lp)
            }
        }
        _ = try sim.run(&model, maxEvents: p.events)
        var checksum: UInt64 = 0
        for i in 0..<model.counts.count { checksum &+= model.counts.base[i] &* UInt64(i + 1) }
        return Result(events: sim.eventsHandled, finalTime: sim.now, checksum: checksum,
                      pending: sim.queue.count)
    }
}
