import WaferReferee

/// Independent implementations of docs/wafer-dataflow.md used to check the referee: the spec's
/// recurrences evaluated literally in loops (no events), and the spec's closed form.
enum SpecReference {
    static func ragged(_ x: Int, _ parts: Int) -> [Int] {
        (0..<parts).map { $0 < x % parts ? x / parts + 1 : x / parts }
    }

    /// The spec's equations, row by row and block by block. Core 0 of a reduction chain also
    /// waits for its own link (S(0) = max(E(0), L(0, b-1))), as the referee does.
    static func recurrence(_ p: GemmProblem) -> Double {
        let t = p.tiling
        let tr = ragged(p.tokens, t.rowsUsed), kc = ragged(p.dIn, t.columnsPerGroup), nn = ragged(p.dOut, t.groups)
        let nbl = nn.map { ($0 + t.blockColumns - 1) / t.blockColumns }
        func nb(_ g: Int, _ b: Int) -> Int { b == nbl[g] - 1 ? nn[g] - (nbl[g] - 1) * t.blockColumns : t.blockColumns }
        func hop(_ r: Int, _ c: Int) -> Double {
            p.hopLatencyCycles + ((p.defects?.isDefective(row: r, column: c) ?? false) ? p.detourLatencyCycles : 0)
        }
        let cols = t.columnsPerGroup * t.groups
        // Delivery: rounds over blocks, columns in order.
        var delivery = [[Double]](repeating: [], count: cols)
        var words = 0.0
        for b in 0..<(nbl.max() ?? 0) {
            for c in 0..<cols {
                let g = c / t.columnsPerGroup, j = c % t.columnsPerGroup
                guard b < nbl[g] else { continue }
                words += Double(kc[j] * nb(g, b))
                delivery[c].append(p.ingressWordsPerCycle == .infinity ? 0 : words / p.ingressWordsPerCycle)
            }
        }
        // E[r][c][b]: compute end.
        var end = [[[Double]]](repeating: [[Double]](repeating: [], count: cols), count: t.rowsUsed)
        for c in 0..<cols {
            let g = c / t.columnsPerGroup, j = c % t.columnsPerGroup
            var headAbove: [Double] = []
            for r in 0..<t.rowsUsed {
                var heads: [Double] = []
                var e = -Double.infinity
                for b in 0..<nbl[g] {
                    let q = Double(kc[j] * nb(g, b))
                    let qPrev = b > 0 ? Double(kc[j] * nb(g, b - 1)) : 0
                    var a: Double
                    if r == 0 {
                        a = delivery[c][b]
                        if b > 0 { a = max(a, heads[b - 1] + qPrev) }
                    } else {
                        a = headAbove[b] + hop(r, c)
                        if b > 0 { a = max(a, heads[b - 1] + qPrev) }
                    }
                    heads.append(a)
                    e = max(a + q, e) + Double(tr[r] * kc[j] * nb(g, b)) / (p.fmacsPerCycle * p.kernelEfficiency)
                    end[r][c].append(e)
                }
                headAbove = heads
            }
        }
        var total = 0.0
        for r in 0..<t.rowsUsed {
            for g in 0..<t.groups {
                var lastL = [Double](repeating: -.infinity, count: t.columnsPerGroup)
                for b in 0..<nbl[g] {
                    let words = Double(tr[r] * nb(g, b))
                    if t.columnsPerGroup == 1 { total = max(total, end[r][g][b]); continue }
                    var s = max(end[r][g * t.columnsPerGroup][b], lastL[0])
                    lastL[0] = s + words
                    for j in 1..<t.columnsPerGroup {
                        let c = g * t.columnsPerGroup + j
                        s = max(s + hop(r, c), end[r][c][b], lastL[j])
                        lastL[j] = s + words
                    }
                    total = max(total, s + words)
                }
            }
        }
        return total
    }

    /// The spec's closed form (uniform case, maxima of ragged tiles, no defects).
    static func closedForm(_ p: GemmProblem) -> Double {
        let t = p.tiling
        let tr = Double((p.tokens + t.rowsUsed - 1) / t.rowsUsed)
        let kc = Double((p.dIn + t.columnsPerGroup - 1) / t.columnsPerGroup)
        let nnMax = (p.dOut + t.groups - 1) / t.groups
        let nb = Double(min(t.blockColumns, nnMax))
        let blocks = Double((nnMax + t.blockColumns - 1) / t.blockColumns)
        let q = kc * nb, cb = tr * kc * nb / (p.fmacsPerCycle * p.kernelEfficiency), pw = tr * nb
        let cols = Double(t.columnsPerGroup * t.groups)
        let ingress = p.ingressWordsPerCycle == .infinity ? 0 : q * cols / p.ingressWordsPerCycle
        let interval = max(q, cb, pw, ingress)
        let t0 = ingress + Double(t.rowsUsed - 1) * p.hopLatencyCycles + q
        var time = t0 + cb + (blocks - 1) * interval
        if t.columnsPerGroup > 1 { time += Double(t.columnsPerGroup - 1) * p.hopLatencyCycles + pw }
        return time
    }
}
