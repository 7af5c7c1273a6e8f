/// The tile sizes a ``GemmProblem``'s tiling gives every row, column and block, ragged exactly
/// as docs/wafer-dataflow.md says (the first `X mod p` parts get `ceil(X / p)`, the others
/// `floor(X / p)`). Built once per simulation; every lookup in the hot loop is an array read.
struct GemmLayout {
    let pt: Int, pk: Int, pn: Int, nb: Int
    /// Used columns, pk * pn.
    let usedColumns: Int
    /// Tokens of row r (r < pt).
    let tokensOfRow: [Int]
    /// K slice of column j inside a group (j < pk), and its inclusive prefix sum.
    let kOfColumn: [Int]
    let kPrefix: [Int]
    /// Per used grid column: its index j inside its group and its group g.
    let columnIndex: [Int32]
    let columnGroup: [Int32]
    /// Per group: output columns, blocks, columns of its last block.
    let nOfGroup: [Int]
    let blocksOfGroup: [Int]
    let lastBlockOfGroup: [Int]
    /// Largest blocks of any group.
    let maxBlocks: Int
    /// Words of all columns in rounds 0..<b (for the ingress schedule), b in 0...maxBlocks.
    let roundStartWords: [Int64]
    let dIn: Int
    /// Groups with one more output column than the rest (dOut mod pn).
    let extraGroups: Int

    init(_ p: GemmProblem) {
        let t = p.tiling
        pt = t.rowsUsed
        pk = t.columnsPerGroup
        pn = t.groups
        nb = t.blockColumns
        dIn = p.dIn
        extraGroups = p.dOut % t.groups
        usedColumns = pk * pn
        tokensOfRow = GemmLayout.ragged(p.tokens, pt)
        kOfColumn = GemmLayout.ragged(p.dIn, pk)
        var prefix = [Int](repeating: 0, count: pk)
        var acc = 0
        for j in 0..<pk {
            acc += kOfColumn[j]
            prefix[j] = acc
        }
        kPrefix = prefix
        var ci = [Int32](repeating: 0, count: usedColumns), cg = [Int32](repeating: 0, count: usedColumns)
        for c in 0..<usedColumns {
            ci[c] = Int32(c % pk)
            cg[c] = Int32(c / pk)
        }
        columnIndex = ci
        columnGroup = cg
        nOfGroup = GemmLayout.ragged(p.dOut, pn)
        let nbCopy = nb
        blocksOfGroup = nOfGroup.map { ($0 + nbCopy - 1) / nbCopy }
        lastBlockOfGroup = zip(nOfGroup, blocksOfGroup).map { $0 - ($1 - 1) * nbCopy }
        maxBlocks = blocksOfGroup.max() ?? 0
        var rounds = [Int64](repeating: 0, count: maxBlocks + 1)
        for b in 0..<maxBlocks {
            var words: Int64 = 0
            for g in 0..<pn where b < blocksOfGroup[g] {
                words += Int64(p.dIn) * Int64(b == blocksOfGroup[g] - 1 ? lastBlockOfGroup[g] : nbCopy)
            }
            rounds[b + 1] = rounds[b] + words
        }
        roundStartWords = rounds
    }

    /// `x` split over `parts`: the first `x mod parts` get one more.
    static func ragged(_ x: Int, _ parts: Int) -> [Int] {
        let base = x / parts, extra = x % parts
        return (0..<parts).map { $0 < extra ? base + 1 : base }
    }

    /// Output columns of block b of group g.
    @inline(__always)
    func blockColumns(group g: Int, block b: Int) -> Int {
        b == blocksOfGroup[g] - 1 ? lastBlockOfGroup[g] : nb
    }

    /// Words of all blocks b of groups 0..<g (each group's columns together carry K x Nb(b)).
    func wordsOfGroupsBefore(_ g: Int, block b: Int) -> Int64 {
        // Groups differ in N by at most one: the first `extra` groups are one class, the rest
        // another; each class has one block count and one last-block size.
        let first = min(g, extraGroups), second = g - first
        var cols: Int64 = 0
        if first > 0, b < blocksOfGroup[0] { cols += Int64(first) * Int64(blockColumns(group: 0, block: b)) }
        if second > 0, b < blocksOfGroup[pn - 1] { cols += Int64(second) * Int64(blockColumns(group: pn - 1, block: b)) }
        return cols * Int64(dIn)
    }

    /// When block b of used column c has been delivered to the top of its column, cycles:
    /// round b gives block b to every used column in order, each taking its words / rho.
    func delivery(column c: Int, block b: Int, rho: Double) -> Double {
        if rho == .infinity { return 0 }
        let g = Int(columnGroup[c]), j = Int(columnIndex[c])
        let words = roundStartWords[b] + wordsOfGroupsBefore(g, block: b)
            + Int64(kPrefix[j]) * Int64(blockColumns(group: g, block: b))
        return Double(words) / rho
    }

    /// The spec's SRAM per core for the largest tile: stored + working + reserved bytes, plus the
    /// activation slice's excess over its even share (`max(0, Tr * Kc * 2 - floor(T * K * 2 / (R * C)))`,
    /// the slice being copied into every group), partial sums (fp32) and `weightBlocks` weight
    /// blocks (32-bit words; the spec's double buffer is 2).
    func sramBytes(_ p: GemmProblem, weightBlocks: Int = 2) -> Int {
        let tr = tokensOfRow.max() ?? 0, kc = kOfColumn.max() ?? 0
        let nbMax = min(nb, nOfGroup.max() ?? 0)
        let evenShare = Int((Double(p.tokens) * Double(p.dIn) * 2 / Double(p.rows * p.columns)).rounded(.down))
        return p.storedBytesPerCore + p.workingBytesPerCore + p.reservedBytesPerCore
            + max(0, tr * kc * 2 - evenShare) + tr * nbMax * 4 + weightBlocks * kc * nbMax * 4
    }
}
