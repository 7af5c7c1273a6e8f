
/// The mapping model's figures for one GEMM on one tiling.
public struct GemmEstimate: Sendable, Equatable {
    /// The tiling.
    public var tiling: GemmTiling
    /// Cycles from the first weight word at the edge to the last block's reduced result.
    public var cycles: Double
    /// Largest tokens per row, K per column, N per group (ragged tiles take the maxima).
    public var tokensPerRow: Int, kPerColumn: Int, nPerGroup: Int
    /// Temporal blocks per group.
    public var blocks: Int
    /// SRAM the tile needs per core (activation slice, partial sums, double-buffered weights).
    public var tileBytesPerCore: Int
    /// Which term paces the blocks: "compute", "column link", "row link" or "ingress".
    public var bound: String
    /// Cycles the busiest core computes (its FMACs at the kernel's rate).
    public var computeCycles: Double
}

/// The mesh as the mapping model sees it: grid, link and hop costs, the FMAC rate, the kernel
/// efficiency and the SRAM left for a GEMM's tile. It chooses a tiling for each GEMM and prices
/// it in closed form (docs/wafer-dataflow.md, "The closed form"); the core-level referee
/// (`andromeda-sim wafer`) simulates the same dataflow core by core.
public struct WaferMapper: Sendable {
    /// Grid rows and columns.
    public let rows: Int, columns: Int
    /// Per-hop latency and the extra latency of a detour, cycles.
    public let hop: Double, detour: Double
    /// FMACs per core per cycle times the kernel efficiency.
    public let fmacRate: Double
    /// Weight words entering the wafer per cycle (infinity: buffered at the edge).
    public let ingressWordsPerCycle: Double
    /// The largest detour counts on a column's and on a row's path.
    public let columnDetours: Int, rowDetours: Int
    /// Clock, Hz.
    public let clockHz: Double
    /// Cycles a core spends on one exponential (``EfficiencyModel/exponentialCycles``).
    public var exponentialCycles: Double = 0
    /// Cycles to start one vector instruction (``EfficiencyModel/vectorStartCycles``).
    public var vectorStartCycles: Double = 0
    /// The share of the GEMM rate the attention products sustain (``EfficiencyModel/attentionEfficiency``).
    public var attentionEfficiency: Double = 1

    /// The mapper for `wafer` at kernel efficiency `kernelEfficiency`, with weights arriving at
    /// `ingressBytesPerSecond` (nil: already buffered at the edge, as when a pass's weights were
    /// prefetched while the previous pass computed).
    public init(wafer: Wafer, kernelEfficiency: Double, ingressBytesPerSecond: Double? = nil, exponentialCycles: Double = 0,
                attentionEfficiency: Double = 1) {
        let s = wafer.spec
        self.init(mesh: s.mesh, kernelEfficiency: kernelEfficiency,
                  ingressWordsPerCycle: ingressBytesPerSecond.map { $0 / 4 / s.clockHz } ?? .infinity,
                  columnDetours: wafer.worstColumnDetours, rowDetours: wafer.worstRowDetours)
        self.exponentialCycles = exponentialCycles
        self.attentionEfficiency = attentionEfficiency
    }

    /// The mapper for `mesh` at kernel efficiency `kernelEfficiency`, weights arriving at
    /// `ingressWordsPerCycle` (infinity: buffered at the edge), the worst column's and row's
    /// detour counts given.
    public init(mesh: MeshParameters, kernelEfficiency: Double, ingressWordsPerCycle: Double = .infinity,
                columnDetours: Int = 0, rowDetours: Int = 0) {
        self.init(rows: mesh.rows, columns: mesh.columns, hop: mesh.hopLatencyCycles, detour: mesh.detourLatencyCycles,
                  fmacRate: Double(mesh.fmacsPerCorePerCycle) * kernelEfficiency, ingressWordsPerCycle: ingressWordsPerCycle,
                  columnDetours: columnDetours, rowDetours: rowDetours, clockHz: mesh.clockHz)
    }

    /// A mapper for an explicit grid (tests and the referee's command); the clock left out is the
    /// WSE-2's (``MeshParameters/wse2``).
    public init(rows: Int, columns: Int, hop: Double, detour: Double = 0, fmacRate: Double, ingressWordsPerCycle: Double = .infinity,
                columnDetours: Int = 0, rowDetours: Int = 0, clockHz: Double = MeshParameters.wse2.clockHz) {
        self.rows = rows
        self.columns = columns
        self.hop = hop
        self.detour = detour
        self.fmacRate = fmacRate
        self.ingressWordsPerCycle = ingressWordsPerCycle
        self.columnDetours = columnDetours
        self.rowDetours = rowDetours
        self.clockHz = clockHz
    }

    @inline(__always) static func ceilDiv(_ a: Int, _ b: Int) -> Int { (a + b - 1) / b }

    /// Tile SRAM per core beyond the activations already counted spread evenly over the grid: the
    /// activation slice's excess over an even share (`evenShare` bytes: the slice is copied into
    /// each of the N groups), partial sums (fp32) and two weight blocks (32-bit words).
    @inline(__always) static func tileBytes(tokensPerRow tr: Int, kPerColumn kc: Int, block nb: Int, evenShare: Int) -> Int {
        max(0, tr * kc * 2 - evenShare) + tr * nb * 4 + 2 * kc * nb * 4
    }

    /// Bytes per core of X when spread evenly over the whole grid (fp16).
    func evenShare(_ shape: GemmShape) -> Int {
        Int((Double(shape.tokens) * Double(shape.dIn) * 2 / Double(max(1, rows * columns))).rounded(.down))
    }

    /// Prices `shape` on `tiling` (docs/wafer-dataflow.md). Blocks are priced one by one so that a
    /// ragged last block costs what it holds.
    public func estimate(_ shape: GemmShape, _ tiling: GemmTiling) -> GemmEstimate {
        let pt = tiling.rowsUsed, pk = tiling.columnsPerGroup, pn = tiling.groups
        let tr = Self.ceilDiv(shape.tokens, pt), kc = Self.ceilDiv(shape.dIn, pk), nn = Self.ceilDiv(shape.dOut, pn)
        let nb = min(tiling.blockColumns, nn)
        let blocks = Self.ceilDiv(nn, nb)
        let lastNb = nn - (blocks - 1) * nb
        let cols = Double(pk * pn)
        let trD = Double(tr), kcD = Double(kc)
        func terms(_ n: Int) -> (q: Double, c: Double, p: Double, ingress: Double) {
            let q = kcD * Double(n)
            return (q, trD * q / fmacRate, trD * Double(n), ingressWordsPerCycle.isInfinite ? 0 : q * cols / ingressWordsPerCycle)
        }
        let full = terms(nb), last = terms(lastNb)
        let fill = Double(pt - 1) * hop + Double(columnDetours) * detour
        let reduceLatency = pk > 1 ? Double(pk - 1) * hop + Double(rowDetours) * detour : 0
        // Block b's tail reaches the bottom row at arrive(b); compute ends at end(b); the row
        // reduction of block b finishes at done(b). Uniform blocks repeat, so the recurrence
        // is summed in closed form up to the last block.
        let first = blocks == 1 ? last : full
        let arrive0 = first.ingress + fill + first.q
        var end = arrive0 + first.c
        var done = pk > 1 ? end + reduceLatency + first.p : end
        if blocks > 1 {
            let feed = max(full.q, full.ingress)
            // Blocks 1 ... blocks-2 are full; the last may be ragged.
            let middle = Double(max(0, blocks - 2))
            end += middle * max(feed, full.c)
            if pk > 1 { done = max(done + middle * full.p, end + reduceLatency + full.p) } else { done = end }
            let arriveLast = arrive0 + middle * feed + max(last.q, last.ingress)
            end = max(arriveLast, end) + last.c
            if pk > 1 { done = max(done + last.p, end + reduceLatency + last.p) } else { done = end }
        }
        let feed = max(full.q, full.ingress)
        let bound: String
        if full.c >= feed && (pk == 1 || full.c >= full.p) { bound = "compute" }
        else if pk > 1 && full.p >= feed { bound = "row link" }
        else { bound = full.ingress > full.q ? "ingress" : "column link" }
        let compute = Double(blocks - 1) * full.c + last.c
        return GemmEstimate(tiling: GemmTiling(rowsUsed: pt, columnsPerGroup: pk, groups: pn, blockColumns: nb),
                            cycles: done, tokensPerRow: tr, kPerColumn: kc, nPerGroup: nn, blocks: blocks,
                            tileBytesPerCore: Self.tileBytes(tokensPerRow: tr, kPerColumn: kc, block: nb, evenShare: evenShare(shape)),
                            bound: bound, computeCycles: compute)
    }

    /// The fastest tiling of `shape` whose tile fits in `freeBytesPerCore` (nil: none fits, even
    /// with one output column per block). Candidates: every K split pk up to min(columns, K), the
    /// N split that uses the remaining columns, and the widest block that fits; ties go to fewer
    /// blocks, then to fewer columns per group.
    public func bestTiling(_ shape: GemmShape, freeBytesPerCore: Int) -> GemmEstimate? {
        guard shape.tokens > 0, shape.dIn > 0, shape.dOut > 0, rows > 0, columns > 0 else { return nil }
        let pt = min(rows, shape.tokens)
        let tr = Self.ceilDiv(shape.tokens, pt)
        let share = evenShare(shape)
        var best: GemmEstimate?
        var pk = 1
        while pk <= min(columns, shape.dIn) {
            let kc = Self.ceilDiv(shape.dIn, pk)
            // Only distinct K slices matter: jump to the smallest pk giving this kc.
            let pn = max(1, min(columns / pk, shape.dOut))
            let nn = Self.ceilDiv(shape.dOut, pn)
            let free = freeBytesPerCore - max(0, tr * kc * 2 - share)
            let perColumn = tr * 4 + 8 * kc
            if free >= perColumn {
                let nb = min(nn, free / perColumn)
                let e = estimate(shape, GemmTiling(rowsUsed: pt, columnsPerGroup: pk, groups: pn, blockColumns: nb))
                if let b = best {
                    if e.cycles < b.cycles * (1 - 1e-9) || (e.cycles <= b.cycles * (1 + 1e-9) && e.blocks < b.blocks) { best = e }
                } else { best = e }
            }
            // Next pk with a smaller K slice.
            let nextKc = kc - 1
            if nextKc < 1 { break }
            pk = max(pk + 1, Self.ceilDiv(shape.dIn, nextKc))
        }
        return best
    }

    /// The fastest partition of `shape` on this grid whose bytes fit in `freeBytesPerCore`, at
    /// this mapper's hop and ``attentionCosts`` (``AttentionMapping/best(_:rows:columns:hop:costs:freeBytesPerCore:)``;
    /// nil: none fits).
    public func bestAttention(_ shape: AttentionShape, freeBytesPerCore: Int) -> AttentionEstimate? {
        AttentionMapping.best(shape, rows: rows, columns: columns, hop: hop, costs: attentionCosts, freeBytesPerCore: freeBytesPerCore)
    }

    /// The per-element costs of attention on one core (``AttentionMapping``): the GEMMs' rate
    /// times ``attentionEfficiency``, the exponential's and a vector instruction's start cycles.
    public var attentionCosts: AttentionCosts {
        AttentionCosts(fmacRate: fmacRate * attentionEfficiency, exponentialCycles: exponentialCycles, vectorStartCycles: vectorStartCycles)
    }

    /// Cycles of an element-wise pass over `elements` values at `opsPerElement` vector operations
    /// each (norms, softmax, activation functions), spread over the grid, plus one row crossing
    /// for the reductions norms and softmax need; each of the `transcendentalsPerElement`
    /// exponentials costs ``exponentialCycles`` of a core's time (a software routine, no vector lanes).
    public func elementwiseCycles(elements: Double, opsPerElement: Double, transcendentalsPerElement: Double = 0) -> Double {
        let cores = Double(rows * columns)
        return elements * (opsPerElement / fmacRate + transcendentalsPerElement * exponentialCycles) / cores + Double(columns) * hop
    }

    /// Cycles to nanoseconds.
    public func nanoseconds(cycles: Double) -> Double { cycles / clockHz * 1e9 }
}
