import Foundation
import Hardware
import SimEngine
import Wafer

/// Memoised pieces of training simulations, owned by the caller and passed to
/// ``TrainingRun/simulate(_:cluster:efficiency:seed:fullDetail:trace:cache:)`` (a session of
/// what-ifs: the C ABI's `andromeda_session`, Python's `Session`). Every entry is a deterministic
/// function of its key, so a run with the cache gives exactly the results of a run without it;
/// the cache only skips recomputing them:
/// - wafers: the defect summary of wafer `index` drawn from `seed` (``Wafer``), by wafer spec;
/// - the compiler's micro-batch searches by model, per-system batch and mesh, and each layer
///   kind's forward time by model, micro-batch and wafer mesh (detours included) (``ExecutionPlan``);
/// - GEMM tilings and attention partitions: the mapping model's search (``WaferMapper/bestTiling(_:freeBytesPerCore:)``,
///   ``AttentionMapping/best(_:rows:columns:hop:costs:freeBytesPerCore:)``) by shape, SRAM left and
///   every parameter of the mesh the search reads;
/// - run-time jitter: the lognormal factors a compute lane draws from its random stream, in
///   blocks, with the stream's state after them (the libm calls of a what-if's jitter).
///
/// Thread-safe: one lock guards the tables (held only to look up and store, never while
/// computing), so several threads may share a cache; two threads that miss the same key both
/// compute it and store equal values. Bounded: each table holds at most ``capacity`` entries (the
/// wafers at most 1,024 of them, about 3.6 KiB each; the jitter table at most ``jitterCapacity``
/// streams of at most ``jitterMaxBlocks`` blocks) and is emptied when full: with the defaults
/// about 15 MiB at most.
public final class TrainingCache: @unchecked Sendable {
    /// Most entries of each table (wafers, GEMM tilings, attention partitions).
    public let capacity: Int
    /// Most random streams whose jitter factors are kept.
    public let jitterCapacity: Int
    /// Most blocks (of ``WeightStreamingJob/jitterBlock`` factors) kept per stream.
    public let jitterMaxBlocks: Int

    private let lock = NSLock()
    private var wafers: [WaferKey: Wafer] = [:]
    private var gemms: [GemmKey: GemmEstimate?] = [:]
    private var attentions: [AttentionKey: AttentionEstimate?] = [:]
    private var jitter: [JitterKey: JitterPrefix] = [:]
    private var searches: [SearchKey: Searched] = [:]
    private var forwards: [ForwardKey: Int64] = [:]
    private var hitCount = 0, missCount = 0

    /// A cache of at most `capacity` entries per table (wafers: at most 1,024), and the jitter
    /// factors of at most `jitterStreams` streams, `jitterBlocks` blocks each (defaults: about 15 MiB
    /// at most).
    public init(capacity: Int = 4096, jitterStreams: Int = 256, jitterBlocks: Int = 64) {
        self.capacity = max(1, capacity)
        jitterCapacity = max(1, jitterStreams)
        jitterMaxBlocks = max(1, jitterBlocks)
    }

    /// Lookups answered from the cache and lookups that computed.
    public var counts: (hits: Int, misses: Int) {
        lock.lock(); defer { lock.unlock() }
        return (hitCount, missCount)
    }

    /// Empties every table.
    public func removeAll() {
        lock.lock(); defer { lock.unlock() }
        wafers.removeAll(); gemms.removeAll(); attentions.removeAll(); jitter.removeAll(); searches.removeAll(); forwards.removeAll()
    }

    // MARK: - Tables

    struct WaferKey: Hashable { let spec: WaferSpec; let seed: UInt64; let index: Int }

    /// The mapper's parameters the GEMM search reads (all but the clock).
    struct MeshKey: Hashable {
        let rows: Int, columns: Int, columnDetours: Int, rowDetours: Int
        let hop: Double, detour: Double, fmacRate: Double, ingress: Double
        init(_ m: WaferMapper) {
            rows = m.rows; columns = m.columns; columnDetours = m.columnDetours; rowDetours = m.rowDetours
            hop = m.hop; detour = m.detour; fmacRate = m.fmacRate; ingress = m.ingressWordsPerCycle
        }
    }

    struct GemmKey: Hashable { let shape: GemmShape; let free: Int; let mesh: MeshKey }
    struct AttentionKey: Hashable { let shape: AttentionShape; let free: Int; let costs: AttentionCosts; let hop: Double; let rows: Int; let columns: Int }

    /// Everything the compiler's micro-batch searches read (``ExecutionPlan``): the model, the
    /// wafer type, the defect-free mesh, the per-system batch, whether the micro-batch is searched,
    /// the pass overhead and the weight stream's rate.
    struct SearchKey: Hashable {
        let model: ModelSpec, wafer: WaferSpec, mesh: MeshKey, attention: AttentionCosts, exponentialCycles: Double
        let perSystemBatch: Int, searchesMicroBatch: Bool
        let overhead: Double, ioRate: Double, streamed: Double, backwardFactor: Double
    }
    /// Their outcome: the largest micro-batch that fits and the micro-batches per step (0: given).
    struct Searched: Hashable { let maxMicroBatch: Int; let microBatches: Int }

    /// A layer kind's forward time at `samples` on one wafer's mesh (its detours in `mesh`).
    struct ForwardKey: Hashable {
        let model: ModelSpec, wafer: WaferSpec, mesh: MeshKey, attention: AttentionCosts, exponentialCycles: Double
        let kind: LayerCost.Kind, samples: Int
    }

    /// A stream's first jitter factors, block after block, and the stream after them.
    final class JitterPrefix: @unchecked Sendable {
        let factors: [Double]
        let after: Xoshiro256
        var blocks: Int { factors.count / WeightStreamingJob.jitterBlock }
        init(factors: [Double], after: Xoshiro256) {
            self.factors = factors
            self.after = after
        }
    }

    struct JitterKey: Hashable {
        let s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64, seed: UInt64, sigma: Double
        init(_ rng: Xoshiro256, sigma: Double) {
            (s0, s1, s2, s3) = rng.state
            seed = rng.seed
            self.sigma = sigma
        }
    }

    /// `table[key]` under the lock (the table is read inside it: a copy taken outside would race
    /// with another thread's store).
    @inline(__always) private func find<K: Hashable, V>(_ table: ReferenceWritableKeyPath<TrainingCache, [K: V]>, _ key: K) -> V? {
        lock.lock(); defer { lock.unlock() }
        let v = self[keyPath: table][key]
        if v == nil { missCount += 1 } else { hitCount += 1 }
        return v
    }

    /// `table[key] = value` under the lock, the table emptied first when it holds `limit`
    /// entries (the bound that keeps the cache's memory fixed).
    @inline(__always) private func store<K: Hashable, V>(_ table: ReferenceWritableKeyPath<TrainingCache, [K: V]>, _ key: K, _ value: V,
                                                         limit: Int) {
        lock.lock(); defer { lock.unlock() }
        if self[keyPath: table].count >= limit { self[keyPath: table].removeAll(keepingCapacity: true) }
        self[keyPath: table][key] = value
    }

    /// Wafer `index` of `spec` with defects from `seed` (``TrainingTestbed/wafers(_:cluster:seed:)``).
    func wafer(spec: WaferSpec, seed: UInt64, index: Int, root: Xoshiro256) -> Wafer {
        let key = WaferKey(spec: spec, seed: seed, index: index)
        if let w = find(\.wafers, key) { return w }
        let w = Wafer(spec: spec, index: index, rng: root)
        store(\.wafers, key, w, limit: min(capacity, 1024))
        return w
    }

    /// The best tiling of `shape` with `free` bytes per core on `mapper`'s mesh.
    func gemm(_ shape: GemmShape, free: Int, mapper: WaferMapper) -> GemmEstimate? {
        let key = GemmKey(shape: shape, free: free, mesh: MeshKey(mapper))
        if let e = find(\.gemms, key) { return e }
        let e = mapper.bestTiling(shape, freeBytesPerCore: free)
        store(\.gemms, key, e, limit: capacity)
        return e
    }

    /// The best partition of attention `shape` with `free` bytes per core on `mapper`'s mesh.
    func attention(_ shape: AttentionShape, free: Int, mapper: WaferMapper) -> AttentionEstimate? {
        let c = mapper.attentionCosts
        let key = AttentionKey(shape: shape, free: free, costs: c, hop: mapper.hop, rows: mapper.rows, columns: mapper.columns)
        if let e = find(\.attentions, key) { return e }
        let e = mapper.bestAttention(shape, freeBytesPerCore: free)
        store(\.attentions, key, e, limit: capacity)
        return e
    }

    func searched(_ key: SearchKey) -> Searched? { find(\.searches, key) }

    func storeSearched(_ key: SearchKey, _ value: Searched) { store(\.searches, key, value, limit: capacity) }

    func forward(_ key: ForwardKey) -> Int64? { find(\.forwards, key) }

    func storeForward(_ key: ForwardKey, _ value: Int64) { store(\.forwards, key, value, limit: capacity) }

    /// The cached jitter factors of the stream that starts at `rng` with spread `sigma` (nil: none).
    func jitterPrefix(_ rng: Xoshiro256, sigma: Double) -> JitterPrefix? {
        find(\.jitter, JitterKey(rng, sigma: sigma))
    }

    /// Keeps `factors` (whole blocks, the first drawn from `rng`) and the stream after them, when
    /// longer than what is kept (at most ``jitterMaxBlocks`` blocks).
    func storeJitter(_ rng: Xoshiro256, sigma: Double, factors: [Double], after: Xoshiro256) {
        let key = JitterKey(rng, sigma: sigma)
        let block = WeightStreamingJob.jitterBlock
        guard factors.count >= block, factors.count % block == 0, factors.count <= jitterMaxBlocks * block else { return }
        lock.lock(); defer { lock.unlock() }
        if let kept = jitter[key], kept.factors.count >= factors.count { return }
        if jitter.count >= jitterCapacity && jitter[key] == nil { jitter.removeAll(keepingCapacity: true) }
        jitter[key] = JitterPrefix(factors: factors, after: after)
    }
}
