/// Attention of one layer on one micro-batch: `instances` independent problems (one per sample
/// and head), each `softmax(Q.K^T / sqrt(w)) . V` over `sequence` tokens, `headWidth` wide.
public struct AttentionShape: Sendable, Hashable, CustomStringConvertible {
    /// Samples x heads.
    public var instances: Int
    /// Tokens per sample `S`.
    public var sequence: Int
    /// Head width `w` (d_model / heads): the length of every dot product of the scores and of
    /// every row of the weighted sum.
    public var headWidth: Int
    /// A decoder's mask: query t attends to keys 0...t only.
    public var causal: Bool

    public init(instances: Int, sequence: Int, headWidth: Int, causal: Bool) {
        self.instances = instances
        self.sequence = sequence
        self.headWidth = headWidth
        self.causal = causal
    }

    public var description: String { "\(instances) x \(sequence)^2 x \(headWidth)\(causal ? " causal" : "")" }
}

/// The per-element costs of attention on one core, cycles (docs/wafer-dataflow.md, "Attention").
public struct AttentionCosts: Sendable, Hashable {
    /// Vector operations per element of a softmax (max, subtract, exponential, sum, divide):
    /// assumed. The one statement of it: the loss's softmax (LayerOps) uses it too.
    public static let softmaxOpsPerScore = 8.0
    /// FMACs per core per cycle times the kernel efficiency (the GEMMs' rate).
    public var fmacRate: Double
    /// Cycles one exponential costs (``EfficiencyModel/exponentialCycles``).
    public var exponentialCycles: Double
    /// Vector operations per score besides its exponential (scale, mask, running max, subtract,
    /// running sum): ``softmaxOpsPerScore``, as the loss's softmax (LayerOps) counts them.
    public var softmaxOpsPerScore: Double
    /// Vector operations per word a core spends merging a neighbour's partial result into its own
    /// (rescale both by the new maximum, add): assumed 3.
    public var mergeOpsPerWord: Double
    /// Cycles every vector instruction costs to start (descriptor set-up) beyond its elements:
    /// one per dot product of the scores and one per row of the weighted sum, so it weighs
    /// `1 / w` per multiply-add (``EfficiencyModel/vectorStartCycles``).
    public var vectorStartCycles: Double

    public init(fmacRate: Double, exponentialCycles: Double = 0, softmaxOpsPerScore: Double = AttentionCosts.softmaxOpsPerScore,
                mergeOpsPerWord: Double = 3, vectorStartCycles: Double = 0) {
        self.fmacRate = fmacRate
        self.exponentialCycles = exponentialCycles
        self.softmaxOpsPerScore = softmaxOpsPerScore
        self.mergeOpsPerWord = mergeOpsPerWord
        self.vectorStartCycles = vectorStartCycles
    }

    /// Cycles a core spends on `pairs` (query, key) pairs: the score's dot product and the
    /// weighted sum's row (2 w multiply-adds, two vector instructions), the softmax's operations
    /// and one exponential.
    @inline(__always) public func cycles(pairs: Double, headWidth w: Int) -> Double {
        pairs * (2 * Double(w) / fmacRate + 2 * vectorStartCycles + softmaxOpsPerScore / fmacRate + exponentialCycles)
    }

    /// Cycles per word of a merge: the core's operations, or the link's one word per cycle if
    /// that is slower (the merge streams: each word is merged and sent on as it arrives).
    @inline(__always) public var mergeCyclesPerWord: Double { max(1, mergeOpsPerWord / fmacRate) }
}

/// The mapping model's figures for one attention on one partition.
public struct AttentionEstimate: Sendable, Equatable {
    /// Stripes `P`: each problem runs on a `P x P` square of cores; token t of a sample is in
    /// query stripe (row) and key stripe (column) `t mod P`.
    public var stripes: Int
    /// Squares that fit on the grid side by side, and problems the busiest square runs in turn.
    public var squares: Int, waves: Int
    /// Cycles from the first word sent to the last problem's result at column 0.
    public var cycles: Double
    /// Bytes per core beyond the activations: the Q, K and V stripes, the partial result, one
    /// query's scores.
    public var bytesPerCore: Int
    /// What paces the waves: "compute" or "mesh".
    public var bound: String
    /// Query chunks and key chunks a core cuts its block into (docs/wafer-dataflow.md, "Chunked
    /// attention"): 1 and 1 for a partition whose whole stripes fit, the only kind mapped when one does.
    public var queryChunks = 1, keyChunks = 1
    /// Whether the block is processed in chunks.
    public var isChunked: Bool { queryChunks > 1 || keyChunks > 1 }
}

/// Attention on the mesh (docs/wafer-dataflow.md, "Attention"). Each problem (sample, head) gets a
/// `P x P` square; core (i, j) holds query stripe i and key/value stripe j (striped, so that a
/// causal mask leaves every core about half its pairs: Brandon et al. 2023, "Striped attention").
/// The stripes are sent from the square's west column (Q, along rows) and north row (K then V,
/// down columns), one word per link per cycle, cut-through; a core computes its block's scores,
/// softmax terms and partial weighted sum (online softmax: Milakov & Gimelshein 2018) once its
/// Q and K/V have arrived; the partial results are merged westward along the row, each core
/// adding its own before passing on. Squares run side by side; the problems of a micro-batch go
/// to the squares in turn (waves), pipelined.
public enum AttentionMapping {
    /// Tokens of a sample in stripe `i` of `p`.
    @inline(__always) public static func stripeLength(sequence s: Int, stripes p: Int, index i: Int) -> Int {
        i < s ? (s - i + p - 1) / p : 0
    }

    /// Unmasked (query, key) pairs of core (i, j): `nq x nk` without a mask; with the causal mask
    /// and striping, key j + bP is visible to query i + aP when b <= a (j <= i) or b < a (j > i).
    public static func pairs(sequence s: Int, stripes p: Int, row i: Int, column j: Int, causal: Bool) -> Double {
        let nq = stripeLength(sequence: s, stripes: p, index: i), nk = stripeLength(sequence: s, stripes: p, index: j)
        guard causal else { return Double(nq) * Double(nk) }
        // sum over a = 0 ..< nq of min(nk, a + 1 - (j > i ? 1 : 0)).
        let n = nq - (j > i ? 1 : 0)
        guard n > 0 else { return 0 }
        let k = Double(nk), nd = Double(n)
        if n <= nk { return nd * (nd + 1) / 2 }
        return k * (k + 1) / 2 + (nd - k) * k
    }

    /// Prices `shape` on `p` stripes on an `rows x columns` grid with per-hop latency `hop`
    /// (nil: no square fits). The recurrence follows the last problem's partial results west
    /// along the slowest row; docs/wafer-dataflow.md derives it.
    public static func estimate(_ shape: AttentionShape, stripes p: Int, rows: Int, columns: Int, hop: Double,
                                costs: AttentionCosts) -> AttentionEstimate? {
        let s = shape.sequence, w = shape.headWidth
        guard p >= 1, p <= s, p <= rows, p <= columns, shape.instances >= 1, w >= 1 else { return nil }
        let squares = (rows / p) * (columns / p)
        let waves = (shape.instances + squares - 1) / squares
        let lastFull = lastFullRow(sequence: s, stripes: p)
        var slowest = (ready: 0.0, bound: "compute")
        // Without a mask the rows with the longest stripes differ only in the keys' hops.
        for i in shape.causal && lastFull > 0 ? [0, lastFull] : [lastFull] {
            let r = rowChain(shape, stripes: p, row: i, waves: waves, hop: hop, costs: costs)
            if r.ready > slowest.ready { slowest = r }
        }
        return AttentionEstimate(stripes: p, squares: squares, waves: waves, cycles: slowest.ready,
                                 bytesPerCore: bytesPerCore(shape, stripes: p), bound: slowest.bound)
    }

    /// The last row with the longest stripes: row 0 has them (the ragged ones come first), and
    /// the last such row has the most pairs below a causal mask's diagonal and the keys' longest way.
    @inline(__always) static func lastFullRow(sequence s: Int, stripes p: Int) -> Int { s % p == 0 ? p - 1 : s % p - 1 }

    /// When core (i, j) finishes its last block: the first problem's inputs in (Q over j hops from
    /// the west column, K then V over i hops from the north row), then every wave's inputs and
    /// work (its block, and a merge unless it is the last column); with the stripes' feed and the
    /// per-wave work, which say what paces it.
    @inline(__always) static func lastBlockDone(_ shape: AttentionShape, stripes p: Int, row i: Int, column j: Int, waves: Int, hop: Double,
                                                costs: AttentionCosts) -> (done: Double, feed: Double, perWave: Double) {
        let s = shape.sequence, wd = Double(shape.headWidth)
        let qWords = Double(stripeLength(sequence: s, stripes: p, index: i)) * wd
        let kvWords = 2 * Double(stripeLength(sequence: s, stripes: p, index: j)) * wd
        let c = costs.cycles(pairs: pairs(sequence: s, stripes: p, row: i, column: j, causal: shape.causal), headWidth: shape.headWidth)
        let feed = max(qWords, kvWords)
        let perWave = c + (j < p - 1 ? partialWords(shape, stripes: p, row: i) * costs.mergeCyclesPerWord : 0)
        let arrive = max(qWords + Double(j) * hop, kvWords + Double(i) * hop)
        return (arrive + Double(waves - 1) * max(feed, perWave) + c, feed, perWave)
    }

    /// Words of row `i`'s partial result: the weighted sums, the running maxima and sums.
    @inline(__always) static func partialWords(_ shape: AttentionShape, stripes p: Int, row i: Int) -> Double {
        Double(stripeLength(sequence: shape.sequence, stripes: p, index: i)) * (Double(shape.headWidth) + 2)
    }

    /// When core (i, 0) of the last row with the longest stripes finishes its last block: a lower
    /// bound of the partition's time (``rowChain`` ends no earlier).
    static func firstCoreDone(_ shape: AttentionShape, stripes p: Int, waves: Int, hop: Double, costs: AttentionCosts) -> Double {
        lastBlockDone(shape, stripes: p, row: lastFullRow(sequence: shape.sequence, stripes: p), column: 0, waves: waves, hop: hop,
                      costs: costs).done
    }

    /// Bytes per core: the Q, K and V stripes (16-bit), the partial result (32-bit; a
    /// neighbour's is merged word by word as it arrives), one query's scores (32-bit).
    public static func bytesPerCore(_ shape: AttentionShape, stripes p: Int) -> Int {
        bytesPerCore(shape, stripes: p, queryChunks: 1, keyChunks: 1)
    }

    /// When the last problem's merged result of row `i` is complete at column 0. Walking west
    /// from the last column: each core's last block ends after every wave's inputs and work; the
    /// last column sends its partial result at one word per cycle; every other core merges the
    /// stream from the east into its own word by word (starting when both its block is done and
    /// the stream's head is in, finishing no earlier than the stream's tail) and passes it on.
    static func rowChain(_ shape: AttentionShape, stripes p: Int, row i: Int, waves: Int, hop: Double,
                         costs: AttentionCosts) -> (ready: Double, bound: String) {
        let words = partialWords(shape, stripes: p, row: i)
        let r = costs.mergeCyclesPerWord
        var head = 0.0, tail = 0.0, ready = 0.0
        var bound = "compute"
        for j in stride(from: p - 1, through: 0, by: -1) {
            let (done, feed, perWave) = lastBlockDone(shape, stripes: p, row: i, column: j, waves: waves, hop: hop, costs: costs)
            if feed > perWave { bound = "mesh" }
            if j == p - 1 {
                ready = done
                head = done + 1 + hop
                tail = done + words + hop
            } else {
                let start = max(done, head)
                ready = max(start + words * r, tail + r)
                head = start + r + hop
                tail = ready + hop
            }
        }
        return (ready, bound)
    }

    /// The partitions the compiler tries: every side up to 32, then sides about 6 % apart, and
    /// the largest (about a hundred candidates at most, whatever the grid).
    public static func candidateStripes(upTo top: Int) -> [Int] {
        guard top >= 1 else { return [] }
        var out = Array(1...min(32, top))
        var p = 32
        while p < top {
            p = min(top, max(p + 1, Int((Double(p) * 1.06).rounded(.up))))
            out.append(p)
        }
        return out
    }

    /// The fastest partition among ``candidateStripes(upTo:)`` whose bytes fit in
    /// `freeBytesPerCore`; when no partition's whole stripes fit, the fastest chunked one
    /// (``bestChunked(_:rows:columns:hop:costs:freeBytesPerCore:)``; nil: none fits).
    public static func best(_ shape: AttentionShape, rows: Int, columns: Int, hop: Double, costs: AttentionCosts,
                            freeBytesPerCore: Int) -> AttentionEstimate? {
        var best: AttentionEstimate?
        let top = min(shape.sequence, rows, columns)
        guard top >= 1 else { return nil }
        // Branch and bound: a partition cannot beat the last block of its slowest row's first core
        // (the chain only adds to it), so partitions are priced in the order of that bound and the
        // search stops when the bound reaches the best time found. Ties go to the smaller side.
        var bounds: [(bound: Double, stripes: Int)] = []
        for p in candidateStripes(upTo: top) where bytesPerCore(shape, stripes: p) <= freeBytesPerCore {
            let squares = (rows / p) * (columns / p)
            guard squares > 0 else { continue }
            bounds.append((firstCoreDone(shape, stripes: p, waves: (shape.instances + squares - 1) / squares, hop: hop, costs: costs), p))
        }
        bounds.sort { $0.bound < $1.bound || ($0.bound == $1.bound && $0.stripes < $1.stripes) }
        for (bound, p) in bounds {
            if let b = best, bound > b.cycles * (1 + 1e-9) { break }
            guard let e = estimate(shape, stripes: p, rows: rows, columns: columns, hop: hop, costs: costs) else { continue }
            if let b = best {
                if e.cycles < b.cycles * (1 - 1e-9) || (e.cycles <= b.cycles * (1 + 1e-9) && p < b.stripes) { best = e }
            } else { best = e }
        }
        return best ?? bestChunked(shape, rows: rows, columns: columns, hop: hop, costs: costs, freeBytesPerCore: freeBytesPerCore)
    }
}
