import Wafer

extension AttentionReferee {
    struct ChunkedCore {
        var qArrived: Int32 = 0, kvArrived: Int32 = 0, partials: Int32 = 0
        /// The query chunk in hand (counted over the problems) and its next key chunk.
        var unit: Int32 = 0, subBlock: Int32 = 0
        var merging = false, busy = false
        var eastLinkFree = -Double.infinity, southLinkFree = -Double.infinity, westLinkFree = -Double.infinity
        var busyCycles = 0.0
    }

    /// Chunked attention (docs/wafer-dataflow.md, "Chunked attention"), event by event. Stripe i's
    /// queries are cut into chunks of L_q = ceil(n / Cq) (n the longest stripe), its keys into
    /// chunks of L_k; empty chunks are not sent. Per problem the west column sends each query
    /// chunk of row i once, back to back (**Q tail**, forwarded east); the north row sends column
    /// j's key/value chunks once per query chunk of the longest stripe, back to back (**K/V tail**,
    /// forwarded south). A core works strictly in order: per query chunk, each key chunk with an
    /// unmasked pair once that chunk and the query chunk are in (**task done**); then the last
    /// column sends the chunk's partial result west (after the previous one has left) and goes on,
    /// and every other core waits for its east neighbour's stream (**partial arrived**), merges it
    /// word by word and passes it on (**task done**) before its next query chunk. Column 0's merge
    /// of the last query chunk of the last problem ends the row. Pairs are counted query by query.
    static func simulateChunked(_ p: AttentionProblem) -> AttentionSimulationResult {
        let n = p.stripes, waves = p.waves, hop = p.hopLatencyCycles, wd = Double(p.headWidth)
        var len = [Int](repeating: 0, count: n)
        for t in 0..<p.sequence { len[t % n] += 1 }
        let lq = (len[0] + p.queryChunks - 1) / p.queryChunks, lk = (len[0] + p.keyChunks - 1) / p.keyChunks
        // Query chunks of the longest stripe (the north row's per-problem sequence), of each row,
        // and key chunks of each column.
        let qPerProblem = (len[0] + lq - 1) / lq
        let qChunks = len.map { ($0 + lq - 1) / lq }, kChunks = len.map { ($0 + lk - 1) / lk }
        let qWords = { (i: Int, a: Int) in Double(min(lq, len[i] - a * lq)) * wd }
        let kvWords = { (j: Int, b: Int) in 2 * Double(min(lk, len[j] - b * lk)) * wd }
        let partialWords = { (i: Int, a: Int) in Double(min(lq, len[i] - a * lq)) * (wd + 2) }
        let perPair = 2 * wd / p.fmacRate + 2 * p.vectorStartCycles + p.softmaxOpsPerScore / p.fmacRate + p.exponentialCycles
        // Each core's sub-block cycles, [core][a * Ck + b]: keys j + y n with j + y n <= q per query q.
        let stride = qPerProblem * p.keyChunks
        var work = [Double](repeating: 0, count: n * n * stride)
        for i in 0..<n {
            for j in 0..<n {
                for a in 0..<qChunks[i] {
                    for b in 0..<kChunks[j] {
                        let y0 = b * lk, y1 = min(len[j], y0 + lk)
                        var pairs = 0
                        for x in a * lq ..< min(len[i], (a + 1) * lq) {
                            let q = i + x * n
                            if !p.causal { pairs += y1 - y0; continue }
                            if q >= j { pairs += max(0, min(y1, (q - j) / n + 1) - y0) }
                        }
                        work[(i * n + j) * stride + a * p.keyChunks + b] = Double(pairs) * perPair
                    }
                }
            }
        }
        let r = max(1, p.mergeOpsPerWord / p.fmacRate)
        let unitsPerCore = waves * qPerProblem
        var partialTail = [Double](repeating: 0, count: n * n * unitsPerCore)
        var cores = [ChunkedCore](repeating: ChunkedCore(), count: n * n)
        var queue = CycleQueue(width: max(1.0, (work.max() ?? 1) / 4), buckets: 1 << 14)
        var events: UInt64 = 0
        var end = 0.0
        @inline(__always) func push(_ time: Double, _ core: Int, _ kind: Kind, _ index: Int) {
            queue.push(CycleEvent(time: time, core: UInt32(core), arg: UInt32(index) << 3 | kind.rawValue))
        }
        /// A chunk's tail passed on one hop: after the link's previous chunk, a word per cycle.
        @inline(__always) func forward(_ linkFree: inout Double, _ now: Double, _ words: Double, _ to: Int, _ kind: Kind, _ index: Int) {
            let tail = max(now, linkFree + words) + hop
            linkFree = tail - hop
            push(tail, to, kind, index)
        }
        for i in 0..<n { push(qWords(i, 0), i * n, .qTail, 0) }
        for j in 0..<n { push(kvWords(j, 0), j, .kvTail, 0) }

        func advance(_ k: Int, _ now: Double) {
            var c = cores[k]
            let i = k / n, j = k % n
            while !c.busy && Int(c.unit) < waves * qChunks[i] {
                let u = Int(c.unit), problem = u / qChunks[i], a = u % qChunks[i]
                if !c.merging {
                    guard c.qArrived > c.unit else { break }
                    var b = Int(c.subBlock)
                    while b < kChunks[j] && work[k * stride + a * p.keyChunks + b] == 0 { b += 1 }
                    c.subBlock = Int32(b)
                    if b < kChunks[j] {
                        guard Int(c.kvArrived) > (problem * qPerProblem + a) * kChunks[j] + b else { break }
                        let cycles = work[k * stride + a * p.keyChunks + b]
                        c.busy = true
                        c.busyCycles += cycles
                        push(now + cycles, k, .computeDone, 0)
                        break
                    }
                    if j == n - 1 {
                        // The last column sends the query chunk's partial result and goes on.
                        if n == 1 { end = max(end, now) } else {
                            let start = max(now, c.westLinkFree), words = partialWords(i, a)
                            c.westLinkFree = start + words
                            partialTail[(k - 1) * unitsPerCore + u] = start + words + hop
                            push(start + 1 + hop, k - 1, .partial, u)
                        }
                        c.unit += 1
                        c.subBlock = 0
                        continue
                    }
                    c.merging = true
                }
                guard c.partials > c.unit else { break }
                let words = partialWords(i, a)
                let done = max(now + words * r, partialTail[k * unitsPerCore + u] + r)
                c.busy = true
                c.busyCycles += done - now
                if j > 0 {
                    let first = max(now + r, c.westLinkFree + 1), last = max(done, c.westLinkFree + words)
                    c.westLinkFree = last
                    partialTail[(k - 1) * unitsPerCore + u] = last + hop
                    push(first + hop, k - 1, .partial, u)
                }
                push(done, k, .mergeDone, 0)
                break
            }
            cores[k] = c
        }

        while let e = queue.pop() {
            events += 1
            let k = Int(e.core), now = e.time, index = Int(e.arg >> 3)
            let i = k / n, j = k % n
            switch Kind(rawValue: e.arg & 7)! {
            case .qTail:
                // Forwarded east on an in-order link; column 0 sends the next query chunk.
                cores[k].qArrived += 1
                let count = waves * qChunks[i], words = { (u: Int) in qWords(i, u % qChunks[i]) }
                if j + 1 < n { forward(&cores[k].eastLinkFree, now, words(index), k + 1, .qTail, index) }
                if j == 0 && index + 1 < count { push(now + words(index + 1), k, .qTail, index + 1) }
            case .kvTail:
                // Forwarded south; row 0 sends the next key/value chunk.
                cores[k].kvArrived += 1
                let count = waves * qPerProblem * kChunks[j], words = { (v: Int) in kvWords(j, v % kChunks[j]) }
                if i + 1 < n { forward(&cores[k].southLinkFree, now, words(index), k + n, .kvTail, index) }
                if i == 0 && index + 1 < count { push(now + words(index + 1), k, .kvTail, index + 1) }
            case .computeDone:
                cores[k].busy = false
                cores[k].subBlock += 1
            case .mergeDone:
                cores[k].busy = false
                cores[k].merging = false
                cores[k].unit += 1
                cores[k].subBlock = 0
                if j == 0 { end = max(end, now) }
            case .partial:
                cores[k].partials += 1
            }
            advance(k, now)
        }
        let busiest = cores.map(\.busyCycles).max() ?? 0
        let mean = cores.reduce(0) { $0 + $1.busyCycles } / Double(n * n)
        return AttentionSimulationResult(cycles: end, events: events, busiestCoreUtilization: end > 0 ? busiest / end : 0,
                                         meanCoreUtilization: end > 0 ? mean / end : 0)
    }
}
