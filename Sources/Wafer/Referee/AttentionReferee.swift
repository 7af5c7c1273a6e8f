import Wafer

/// One attention (`instances` problems of `softmax(Q.K^T) . V`, one per sample and head) on a
/// `stripes x stripes` square of cores, the dataflow of docs/wafer-dataflow.md ("Attention"), for
/// the core-level check of the mapping model's closed form. Plain values; ``AttentionReferee``
/// checks every field before allocating.
public struct AttentionProblem: Sendable, Equatable {
    /// Grid rows and columns (994 x 750 usable on a WSE-2): each 1 to 16,384.
    public var rows: Int, columns: Int
    /// Per-hop latency, cycles: 0 to 1e6.
    public var hopLatencyCycles: Double
    /// FMACs per core per cycle times the kernel efficiency: above 0, at most 1,024.
    public var fmacRate: Double
    /// Cycles per exponential: 0 to 1e5.
    public var exponentialCycles: Double
    /// Vector operations per score besides the exponential: 0 to 1,000.
    public var softmaxOpsPerScore: Double
    /// Vector operations per word of a merge: 0 to 1,000.
    public var mergeOpsPerWord: Double
    /// Cycles to start one vector instruction: 0 to 1e5.
    public var vectorStartCycles: Double
    /// Problems (samples x heads): 1 to 2^31.
    public var instances: Int
    /// Tokens per sample: 1 to 1,048,576.
    public var sequence: Int
    /// Head width: 1 to 65,536.
    public var headWidth: Int
    /// Causal mask.
    public var causal: Bool
    /// Stripes `P` (the square's side): 1 to min(sequence, rows, columns).
    public var stripes: Int
    /// Query chunks and key chunks per block (docs/wafer-dataflow.md, "Chunked attention"): each
    /// 1 to ceil(sequence / stripes); 1 and 1 run whole stripes.
    public var queryChunks: Int, keyChunks: Int

    /// `shape` on `stripes` x `stripes` squares of `mesh`, at the per-core `costs` the mapping
    /// model uses (``WaferMapper/attentionCosts``).
    public init(mesh: MeshParameters, costs: AttentionCosts, shape: AttentionShape, stripes: Int, queryChunks: Int = 1, keyChunks: Int = 1) {
        self.init(rows: mesh.rows, columns: mesh.columns, hopLatencyCycles: mesh.hopLatencyCycles, fmacRate: costs.fmacRate,
                  exponentialCycles: costs.exponentialCycles, softmaxOpsPerScore: costs.softmaxOpsPerScore,
                  mergeOpsPerWord: costs.mergeOpsPerWord, vectorStartCycles: costs.vectorStartCycles, instances: shape.instances,
                  sequence: shape.sequence, headWidth: shape.headWidth, causal: shape.causal, stripes: stripes,
                  queryChunks: queryChunks, keyChunks: keyChunks)
    }

    /// A problem from every field (the per-core costs as ``AttentionCosts`` states them).
    public init(rows: Int, columns: Int, hopLatencyCycles: Double, fmacRate: Double, exponentialCycles: Double,
                softmaxOpsPerScore: Double, mergeOpsPerWord: Double, vectorStartCycles: Double,
                instances: Int, sequence: Int, headWidth: Int, causal: Bool, stripes: Int, queryChunks: Int = 1, keyChunks: Int = 1) {
        self.rows = rows
        self.columns = columns
        self.hopLatencyCycles = hopLatencyCycles
        self.fmacRate = fmacRate
        self.exponentialCycles = exponentialCycles
        self.softmaxOpsPerScore = softmaxOpsPerScore
        self.mergeOpsPerWord = mergeOpsPerWord
        self.vectorStartCycles = vectorStartCycles
        self.instances = instances
        self.sequence = sequence
        self.headWidth = headWidth
        self.causal = causal
        self.stripes = stripes
        self.queryChunks = queryChunks
        self.keyChunks = keyChunks
    }

    /// Squares side by side on the grid, and the problems the busiest one runs in turn.
    public var squares: Int { (rows / stripes) * (columns / stripes) }
    public var waves: Int { (instances + squares - 1) / squares }

    /// Throws for the first field out of range.
    public func validate() throws(GemmProblemError) {
        func check(_ ok: Bool, _ field: String, _ allowed: String) throws(GemmProblemError) {
            if !ok { throw GemmProblemError(parameter: field, message: "allowed: " + allowed) }
        }
        try check((1...16_384).contains(rows), "rows", "1 to 16384")
        try check((1...16_384).contains(columns), "columns", "1 to 16384")
        try check(hopLatencyCycles.isFinite && (0...1e6).contains(hopLatencyCycles), "hop latency", "0 to 1e6 cycles")
        try check(fmacRate.isFinite && fmacRate > 0 && fmacRate <= 1024, "FMAC rate", "above 0, at most 1024")
        try check(exponentialCycles.isFinite && (0...1e5).contains(exponentialCycles), "exponential cycles", "0 to 1e5")
        try check(softmaxOpsPerScore.isFinite && (0...1000).contains(softmaxOpsPerScore), "softmax operations", "0 to 1000")
        try check(mergeOpsPerWord.isFinite && (0...1000).contains(mergeOpsPerWord), "merge operations", "0 to 1000")
        try check(vectorStartCycles.isFinite && (0...1e5).contains(vectorStartCycles), "vector start cycles", "0 to 1e5")
        try check((1...(1 << 31)).contains(instances), "instances", "1 to 2^31")
        try check((1...1_048_576).contains(sequence), "sequence", "1 to 1048576")
        try check((1...65_536).contains(headWidth), "head width", "1 to 65536")
        try check(stripes >= 1 && stripes <= min(sequence, rows, columns), "stripes", "1 to min(sequence, rows, columns)")
        // The square's cores times its waves bound the events: keep a run in memory and seconds.
        try check(Double(stripes) * Double(stripes) * Double(waves) <= 10_000_000, "stripes^2 x waves", "at most 1e7")
        let longest = (sequence + stripes - 1) / stripes
        try check((1...longest).contains(queryChunks), "query chunks", "1 to ceil(sequence / stripes) = \(longest)")
        try check((1...longest).contains(keyChunks), "key chunks", "1 to ceil(sequence / stripes) = \(longest)")
        try check(Double(stripes) * Double(stripes) * Double(waves) * Double(queryChunks) * Double(keyChunks) <= 10_000_000,
                  "stripes^2 x waves x query chunks x key chunks", "at most 1e7")
    }
}

/// What the referee measured for one attention.
public struct AttentionSimulationResult: Sendable, Equatable {
    /// Cycles until the last problem's result is merged at column 0 of every row.
    public var cycles: Double
    /// Events handled.
    public var events: UInt64
    /// The busiest core's compute and merge cycles, and the square's mean, over `cycles`.
    public var busiestCoreUtilization: Double
    public var meanCoreUtilization: Double
}

/// The core-level referee for attention: the busiest square (it runs `waves` problems in turn; the
/// other squares run the same or one fewer, on their own cores and links) simulated as discrete
/// events, each core with its own state and each link in-order, one word per cycle:
/// - **Q tail** at (i, j): query stripe i of a problem has fully arrived; forwarded east
///   (cut-through). Column 0 sends a problem's stripe as soon as the previous one has left.
/// - **K/V tail** at (i, j): key and value stripe j has arrived; forwarded south.
/// - **task done** at (i, j): the core finished a block (scores, softmax terms, partial weighted
///   sum) or a merge of its east neighbour's partial result into its own.
/// - **partial arrived** at (i, j): the east neighbour's (merged) partial result is in.
/// An idle core starts a ready merge first, else the next problem whose Q and K/V are in; after
/// its block (last column) or its merge (others) it sends the partial result west on an in-order
/// link; column 0's merge of the last problem ends the row. The pairs of every block are counted
/// one query at a time (not by the closed form's sum). Nothing is allocated per event.
public enum AttentionReferee {
    enum Kind: UInt32 { case qTail = 0, kvTail = 1, computeDone = 2, mergeDone = 3, partial = 4 }

    struct Core {
        var qArrived: Int32 = 0, kvArrived: Int32 = 0
        var computed: Int32 = 0, merged: Int32 = 0, partials: Int32 = 0
        var busy = false
        var eastLinkFree = -Double.infinity, southLinkFree = -Double.infinity, westLinkFree = -Double.infinity
        var busyCycles = 0.0
    }

    public static func simulate(_ p: AttentionProblem) throws(GemmProblemError) -> AttentionSimulationResult {
        try p.validate()
        if p.queryChunks > 1 || p.keyChunks > 1 { return simulateChunked(p) }
        let n = p.stripes, waves = p.waves
        let hop = p.hopLatencyCycles, wd = Double(p.headWidth)
        var cores = [Core](repeating: Core(), count: n * n)
        // Per row and column: stripe words, and per core the block's cycles (counted query by query).
        // Token t of a sample is in stripe t mod P.
        var nq = [Int](repeating: 0, count: n)
        for t in 0..<p.sequence { nq[t % n] += 1 }
        let qWords = nq.map { Double($0) * wd }
        let kvWords = nq.map { 2 * Double($0) * wd }
        let partialWords = nq.map { Double($0) * (wd + 2) }
        // A (query, key) pair: the score's dot product and the weighted sum's row (w FMACs and one
        // vector instruction each), the softmax's operations and one exponential.
        let perPair = 2 * wd / p.fmacRate + 2 * p.vectorStartCycles + p.softmaxOpsPerScore / p.fmacRate + p.exponentialCycles
        var block = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0..<n {
                var pairs = 0
                for a in 0..<nq[i] {
                    let q = i + a * n
                    if !p.causal { pairs += nq[j]; continue }
                    // Keys j + b n with j + b n <= q.
                    if q >= j { pairs += min(nq[j], (q - j) / n + 1) }
                }
                block[i * n + j] = Double(pairs) * perPair
            }
        }
        // A merge streams: each word is merged and passed on as it arrives, at the core's rate or
        // the link's word per cycle, whichever is slower.
        let r = max(1, p.mergeOpsPerWord / p.fmacRate)
        // When each (core, problem)'s incoming partial result has fully arrived (its head is the event).
        var partialTail = [Double](repeating: 0, count: n * n * waves)
        let width = max(1.0, (block.max() ?? 1) / 4)
        var queue = CycleQueue(width: width, buckets: 1 << 14)
        var events: UInt64 = 0
        var end = 0.0
        let w32 = Int32(waves)
        @inline(__always) func push(_ time: Double, _ core: Int, _ kind: Kind, _ wave: Int32) {
            queue.push(CycleEvent(time: time, core: UInt32(core), arg: UInt32(wave) << 3 | kind.rawValue))
        }
        // Wave 0's stripes leave the west column and the north row at time 0.
        for i in 0..<n { push(qWords[i], i * n, .qTail, 0) }
        for j in 0..<n { push(kvWords[j], j, .kvTail, 0) }

        func startWork(_ k: Int, _ now: Double) {
            var c = cores[k]
            guard !c.busy else { return }
            let i = k / n, j = k % n
            if j < n - 1 && c.merged < c.computed && c.partials > c.merged {
                let words = partialWords[i]
                let end = max(now + words * r, partialTail[k * waves + Int(c.merged)] + r)
                c.busy = true
                c.busyCycles += end - now
                // The merged stream goes west as it is produced (after the previous one left).
                if j > 0 {
                    let first = max(now + r, c.westLinkFree + 1)
                    let last = max(end, c.westLinkFree + words)
                    c.westLinkFree = last
                    partialTail[(k - 1) * waves + Int(c.merged)] = last + hop
                    cores[k] = c
                    push(first + hop, k - 1, .partial, c.merged)
                } else {
                    cores[k] = c
                }
                push(end, k, .mergeDone, c.merged)
                return
            }
            if c.computed < w32 && c.qArrived > c.computed && c.kvArrived > c.computed {
                c.busy = true
                c.busyCycles += block[k]
                cores[k] = c
                push(now + block[k], k, .computeDone, c.computed)
            }
        }
        // The last column sends its block's partial result at a word per cycle.
        func sendWest(_ k: Int, _ now: Double, _ wave: Int32) {
            let i = k / n
            let start = max(now, cores[k].westLinkFree)
            cores[k].westLinkFree = start + partialWords[i]
            partialTail[(k - 1) * waves + Int(wave)] = start + partialWords[i] + hop
            push(start + 1 + hop, k - 1, .partial, wave)
        }

        while let e = queue.pop() {
            events += 1
            let k = Int(e.core), now = e.time
            let i = k / n, j = k % n
            let wave = Int32(e.arg >> 3)
            switch Kind(rawValue: e.arg & 7)! {
            case .qTail:
                cores[k].qArrived += 1
                if j + 1 < n {
                    let tail = max(now, cores[k].eastLinkFree + qWords[i]) + hop
                    cores[k].eastLinkFree = tail - hop
                    push(tail, k + 1, .qTail, wave)
                }
                if j == 0 && wave + 1 < w32 { push(now + qWords[i], k, .qTail, wave + 1) }
                startWork(k, now)
            case .kvTail:
                cores[k].kvArrived += 1
                if i + 1 < n {
                    let tail = max(now, cores[k].southLinkFree + kvWords[j]) + hop
                    cores[k].southLinkFree = tail - hop
                    push(tail, k + n, .kvTail, wave)
                }
                if i == 0 && wave + 1 < w32 { push(now + kvWords[j], k, .kvTail, wave + 1) }
                startWork(k, now)
            case .mergeDone:
                cores[k].busy = false
                cores[k].merged += 1
                if j == 0 { end = max(end, now) }
                startWork(k, now)
            case .computeDone:
                cores[k].busy = false
                cores[k].computed += 1
                if j == n - 1 {
                    if n == 1 { end = max(end, now) } else { sendWest(k, now, wave) }
                }
                startWork(k, now)
            case .partial:
                cores[k].partials += 1
                startWork(k, now)
            }
        }
        let busiest = cores.map(\.busyCycles).max() ?? 0
        let mean = cores.reduce(0) { $0 + $1.busyCycles } / Double(n * n)
        return AttentionSimulationResult(cycles: end, events: events,
                                         busiestCoreUtilization: end > 0 ? busiest / end : 0,
                                         meanCoreUtilization: end > 0 ? mean / end : 0)
    }
}
