/// Chunked attention (docs/wafer-dataflow.md, "Chunked attention"): the fallback for a problem
/// whose whole stripes fit no square. Core (i, j) cuts its block into `Cq x Ck` sub-blocks: query
/// chunk a (stripe-local queries a L_q ..< (a + 1) L_q, L_q = ceil(n / Cq), n the longest stripe)
/// against key chunk b (keys b L_k ..< (b + 1) L_k). Per problem the west column sends each query
/// chunk once; the north row sends the key/value chunks once per query chunk (query chunk by
/// query chunk, key chunk by key chunk). A core runs its query chunk against every key chunk in
/// turn (online softmax: the running maximum, sum and weighted sum carry across key chunks), then
/// merges its east neighbour's partial result of that query chunk into its own and passes it west,
/// before its next query chunk: only one query chunk's Q and partial result and one key chunk's
/// K and V are resident.
extension AttentionMapping {
    /// The finest chunking tried: at most this many query chunks and key chunks per block, so the
    /// search prices a few hundred partitions at most.
    public static let maxChunks = 64
    /// Problems per square priced one by one before the rest are extrapolated at the last one's
    /// pace (the recurrence is periodic by then).
    static let chunkedWavesPriced = 16

    /// Tokens per chunk when a stripe of `n` tokens (the longest) is cut into `chunks`.
    @inline(__always) public static func chunkLength(longest n: Int, chunks: Int) -> Int { (n + chunks - 1) / max(1, chunks) }

    /// The chunks that result from asking for `chunks` (fewer when the chunk length rounds up).
    @inline(__always) public static func effectiveChunks(longest n: Int, chunks: Int) -> Int {
        let l = chunkLength(longest: n, chunks: chunks)
        return (n + l - 1) / l
    }

    /// Bytes per core of a chunked partition: one query chunk's Q and one key chunk's K and V
    /// (16-bit), the query chunk's partial result (32-bit), one query's scores over the key chunk
    /// (32-bit). With one chunk each, the whole stripes of ``bytesPerCore(_:stripes:)``.
    public static func bytesPerCore(_ shape: AttentionShape, stripes p: Int, queryChunks: Int, keyChunks: Int) -> Int {
        let n = stripeLength(sequence: shape.sequence, stripes: p, index: 0), w = shape.headWidth
        let a = chunkLength(longest: n, chunks: queryChunks), b = chunkLength(longest: n, chunks: keyChunks)
        return 2 * w * a + 4 * w * b + 4 * a * (w + 2) + 4 * b
    }

    /// The fewest bytes per core any partition the search tries needs: the widest square at the
    /// finest chunking (nothing fits below it).
    public static func minimumBytesPerCore(_ shape: AttentionShape, rows: Int, columns: Int) -> Int {
        let p = max(1, min(rows, columns, shape.sequence))
        let c = min(maxChunks, stripeLength(sequence: shape.sequence, stripes: p, index: 0))
        return bytesPerCore(shape, stripes: p, queryChunks: c, keyChunks: c)
    }

    /// Unmasked pairs of queries `queries` of stripe `i` against keys `keys` of stripe `j`
    /// (stripe-local indices): query a sees key b when b <= a (j <= i) or b < a (j > i).
    public static func pairs(stripes p: Int, row i: Int, column j: Int, queries: Range<Int>, keys: Range<Int>, causal: Bool) -> Double {
        let nk = keys.count
        guard !queries.isEmpty, nk > 0 else { return 0 }
        guard causal else { return Double(queries.count) * Double(nk) }
        // Query a sees clamp(a + 1 - d - b0, 0, nk) keys: a ramp summed in closed form.
        let shift = 1 - (j > i ? 1 : 0) - keys.lowerBound
        return rampSum(queries.upperBound + shift, nk) - rampSum(queries.lowerBound + shift, nk)
    }

    /// The sum of min(t, l) over t = 0 ..< `t` (0 when t <= 0).
    @inline(__always) static func rampSum(_ t: Int, _ l: Int) -> Double {
        guard t > 0 else { return 0 }
        let td = Double(t), ld = Double(l)
        return t <= l + 1 ? td * (td - 1) / 2 : ld * (ld + 1) / 2 + (td - 1 - ld) * ld
    }

    /// Prices `shape` on `p` stripes, each block in `queryChunks x keyChunks` sub-blocks (rounded
    /// to the chunks that result; 1 and 1: ``estimate(_:stripes:rows:columns:hop:costs:)``).
    public static func estimate(_ shape: AttentionShape, stripes p: Int, queryChunks: Int, keyChunks: Int, rows: Int, columns: Int,
                                hop: Double, costs: AttentionCosts) -> AttentionEstimate? {
        guard queryChunks >= 1, keyChunks >= 1 else { return nil }
        if queryChunks == 1 && keyChunks == 1 { return estimate(shape, stripes: p, rows: rows, columns: columns, hop: hop, costs: costs) }
        let s = shape.sequence, w = shape.headWidth
        guard p >= 1, p <= s, p <= rows, p <= columns, shape.instances >= 1, w >= 1 else { return nil }
        let n = stripeLength(sequence: s, stripes: p, index: 0)
        let cq = effectiveChunks(longest: n, chunks: queryChunks), ck = effectiveChunks(longest: n, chunks: keyChunks)
        let squares = (rows / p) * (columns / p)
        let waves = (shape.instances + squares - 1) / squares
        let lastFull = lastFullRow(sequence: s, stripes: p)
        var cycles = 0.0
        for i in shape.causal && lastFull > 0 ? [0, lastFull] : [lastFull] {
            cycles = max(cycles, chunkedRow(shape, stripes: p, row: i, queryChunks: cq, keyChunks: ck, waves: waves, hop: hop, costs: costs))
        }
        // Per problem, the feed (a query stripe once, a key/value stripe once per query chunk)
        // against column 0's work (its block and merges).
        let wd = Double(w), nq = Double(stripeLength(sequence: s, stripes: p, index: lastFull))
        let feed = max(nq * wd, Double(cq) * 2 * Double(n) * wd)
        let bound = feed > chunkedWorkPerProblem(shape, stripes: p, costs: costs) ? "mesh" : "compute"
        return AttentionEstimate(stripes: p, squares: squares, waves: waves, cycles: cycles,
                                 bytesPerCore: bytesPerCore(shape, stripes: p, queryChunks: cq, keyChunks: ck), bound: bound,
                                 queryChunks: cq, keyChunks: ck)
    }

    /// Column 0's work per problem in the last row with the longest stripes, whatever the
    /// chunking: its block's pairs and the merges of its partial results.
    static func chunkedWorkPerProblem(_ shape: AttentionShape, stripes p: Int, costs: AttentionCosts) -> Double {
        let i = lastFullRow(sequence: shape.sequence, stripes: p)
        let block = costs.cycles(pairs: pairs(sequence: shape.sequence, stripes: p, row: i, column: 0, causal: shape.causal),
                                 headWidth: shape.headWidth)
        return block + (p > 1 ? partialWords(shape, stripes: p, row: i) * costs.mergeCyclesPerWord : 0)
    }

    /// When row `i`'s last merged result is at column 0. Each core runs its query chunks (units)
    /// in order: a unit starts when the core is free and the query chunk is in; each sub-block
    /// with unmasked pairs waits for its key/value chunk; then the last column sends the partial
    /// result west (after the previous one has left), and every other core merges the stream from
    /// the east (from its head, `words` r cycles) and passes it on, its head r + h cycles later.
    /// Neighbouring columns alike (same stripe length, same side of the mask's diagonal) are the
    /// same schedule r + h later, so the walk prices one column per run of them.
    static func chunkedRow(_ shape: AttentionShape, stripes p: Int, row i: Int, queryChunks cq: Int, keyChunks ck: Int, waves: Int,
                           hop: Double, costs: AttentionCosts) -> Double {
        let s = shape.sequence, w = shape.headWidth, wd = Double(w)
        let n = stripeLength(sequence: s, stripes: p, index: 0), nq = stripeLength(sequence: s, stripes: p, index: i)
        let lq = chunkLength(longest: n, chunks: cq), lk = chunkLength(longest: n, chunks: ck)
        let perProblem = (nq + lq - 1) / lq
        let priced = min(waves, chunkedWavesPriced)
        let units = priced * perProblem
        let r = costs.mergeCyclesPerWord
        func queries(_ a: Int) -> Range<Int> { a * lq ..< min((a + 1) * lq, nq) }
        func words(_ u: Int) -> Double { Double(queries(u % perProblem).count) * (wd + 2) }
        // Column j's units: the merge's start (the send's for the last column, the compute's end
        // for a 1 x 1 square), given the east stream's head arrivals.
        func column(_ j: Int, east: [Double]?) -> [Double] {
            let nk = stripeLength(sequence: s, stripes: p, index: j), kChunks = (nk + lk - 1) / lk
            var work = [Double](repeating: 0, count: perProblem * kChunks)
            for a in 0..<perProblem {
                for b in 0..<kChunks {
                    work[a * kChunks + b] = costs.cycles(pairs: pairs(stripes: p, row: i, column: j, queries: queries(a),
                                                                      keys: b * lk ..< min((b + 1) * lk, nk), causal: shape.causal), headWidth: w)
                }
            }
            var out = [Double](repeating: 0, count: units)
            var free = 0.0, linkFree = 0.0
            for u in 0..<units {
                let problem = Double(u / perProblem), a = u % perProblem
                var t = max(free, (problem * Double(nq) + Double(queries(a).upperBound)) * wd + Double(j) * hop)
                let kvBase = (problem * Double(cq) + Double(a)) * 2 * Double(nk) * wd + Double(i) * hop
                for b in 0..<kChunks where work[a * kChunks + b] > 0 {
                    t = max(t, kvBase + 2 * Double(min((b + 1) * lk, nk)) * wd) + work[a * kChunks + b]
                }
                if let east {
                    out[u] = max(t, east[u])
                    free = out[u] + words(u) * r
                } else {
                    out[u] = p == 1 ? t : max(t, linkFree)
                    linkFree = out[u] + words(u)
                    free = t
                }
            }
            return out
        }
        let last = column(p - 1, east: nil)
        var ends = last
        if p > 1 {
            var heads = last.map { $0 + 1 + hop }
            let ragged = s % p
            var j = p - 2
            while j >= 0 {
                // The run of columns like j: from the last boundary (a shorter stripe, or the
                // mask's diagonal) at or west of j.
                var lo = 0
                if ragged > 0 && j >= ragged { lo = ragged }
                if shape.causal && j > i { lo = max(lo, i + 1) }
                let shift = Double(j - lo) * (r + hop)
                let starts = column(j, east: heads)
                if lo == 0 {
                    ends = starts.indices.map { starts[$0] + shift + words($0) * r }
                } else {
                    heads = starts.map { $0 + shift + r + hop }
                }
                j = lo - 1
            }
        }
        // Problem k's end is that of a run of k + 1 problems (the later ones change nothing before it).
        let done = ends[units - 1]
        guard waves > priced else { return done }
        let pace = priced > 1 ? done - ends[units - 1 - perProblem] : done
        return done + Double(waves - priced) * pace
    }

    /// The fastest chunked partition that fits `freeBytesPerCore` (nil: none, not even the widest
    /// square at ``maxChunks`` x ``maxChunks``). For every side of ``candidateStripes(upTo:)`` and
    /// query chunks 1, 2, 4 ... ``maxChunks``, the fewest key chunks (the same powers) that fit;
    /// priced in the order of a lower bound (column 0's work, or its query feed, per problem, times
    /// the problems), stopping when the bound reaches the best time. Ties go to the smaller side,
    /// then the fewer chunks.
    public static func bestChunked(_ shape: AttentionShape, rows: Int, columns: Int, hop: Double, costs: AttentionCosts,
                                   freeBytesPerCore: Int) -> AttentionEstimate? {
        let top = min(shape.sequence, rows, columns)
        guard top >= 1, shape.instances >= 1, shape.headWidth >= 1 else { return nil }
        var candidates: [(bound: Double, stripes: Int, cq: Int, ck: Int)] = []
        for p in candidateStripes(upTo: top) {
            let squares = (rows / p) * (columns / p)
            guard squares > 0 else { continue }
            let n = stripeLength(sequence: shape.sequence, stripes: p, index: 0)
            var counts: [Int] = []
            var c = 1
            while c <= min(maxChunks, n) {
                let e = effectiveChunks(longest: n, chunks: c)
                if counts.last != e { counts.append(e) }
                c *= 2
            }
            let waves = Double((shape.instances + squares - 1) / squares)
            let nq = Double(stripeLength(sequence: shape.sequence, stripes: p, index: lastFullRow(sequence: shape.sequence, stripes: p)))
            let bound = waves * max(chunkedWorkPerProblem(shape, stripes: p, costs: costs), nq * Double(shape.headWidth))
            for cq in counts {
                guard let ck = counts.first(where: {
                    bytesPerCore(shape, stripes: p, queryChunks: cq, keyChunks: $0) <= freeBytesPerCore
                }), cq * ck > 1 else { continue }
                candidates.append((bound, p, cq, ck))
            }
        }
        candidates.sort { ($0.bound, $0.stripes, $0.cq * $0.ck, $0.cq) < ($1.bound, $1.stripes, $1.cq * $1.ck, $1.cq) }
        var best: AttentionEstimate?
        for c in candidates {
            if let b = best, c.bound > b.cycles * (1 + 1e-9) { break }
            guard let e = estimate(shape, stripes: c.stripes, queryChunks: c.cq, keyChunks: c.ck, rows: rows, columns: columns,
                                   hop: hop, costs: costs) else { continue }
            if let b = best {
                let tie = e.cycles <= b.cycles * (1 + 1e-9)
                if e.cycles < b.cycles * (1 - 1e-9) || (tie && (e.stripes, e.queryChunks * e.keyChunks) < (b.stripes, b.queryChunks * b.keyChunks)) {
                    best = e
                }
            } else { best = e }
        }
        return best
    }
}
