import SimEngine

/// The core-level referee: one weight-streamed GEMM simulated as discrete events on the mesh,
/// every grid position a core entity with its own state, exactly as docs/wafer-dataflow.md.
///
/// Three kinds of event, each at one core:
/// - **weight tail**: block b's tail reached core (r, c). Row 0 schedules its next block's tail
///   (`max(delivery(b+1), now) + q(b+1)`); the core forwards the block south by scheduling the
///   tail at (r+1, c) at `max(head + h', tail of b-1 there) + q` (cut-through, in-order link);
///   the core starts computing the block if it is idle.
/// - **compute finished**: the core starts its next held block, if any, then forwards.
/// - **partial sum arrived**: the running sum of block b from the west reached core (r, c).
/// A core forwards block b's sum east when it has both computed b and received b's sum from the
/// west (core j = 0 needs no sum), at `max(now, its link's end of b-1)`; the last core of a group
/// holds the result `P` cycles later.
///
/// Events fire in (time, scheduling order) order from a ``CycleQueue``; per-core state lives in
/// one preallocated array, and every link's state is a "free at" time, because blocks cross every
/// link in order. Nothing is allocated per event. The same problem gives the same result and the
/// same trace calls, always.
public enum GemmReferee {
    /// Event kinds (the low two bits of ``CycleEvent/arg``).
    enum Kind: UInt32 { case weightTail = 0, computeDone = 1, sumArrived = 2 }

    /// Per-core state: 32 bytes, two to a cache line. A core is computing exactly when it holds
    /// a block it has not finished (`arrived > computed`): it starts a block as soon as it holds
    /// one and is idle, and starts the next as soon as it finishes one.
    struct Core {
        /// Tail of the latest block scheduled into this core (its north link is free from then).
        var weightTail = -Double.infinity
        /// When this core's east link finishes its latest partial sum.
        var sumLinkFree = -Double.infinity
        var arrived: Int32 = 0
        var computed: Int32 = 0
        var sumsArrived: Int32 = 0
        var forwarded: Int32 = 0
    }

    /// Simulates `problem`; with `trace`, emits spans for the cores of its rectangle.
    /// Throws ``GemmProblemError`` for a parameter out of range (before allocating anything).
    public static func simulate(_ problem: GemmProblem, trace: GemmTraceRequest? = nil) throws(GemmProblemError) -> GemmSimulationResult {
        try problem.validate()
        if let t = trace { try t.validate(rows: problem.rows, columns: problem.columns) }
        let layout = GemmLayout(problem)
        var run = Run(problem: problem, layout: layout, trace: trace.map { TraceWriter($0, problem: problem) })
        defer { run.cores.deallocate() }
        run.start()
        run.loop()
        return try run.result()
    }

    /// The state of one simulation (a value, so the hot loop works on locals).
    struct Run {
        let p: GemmProblem
        let l: GemmLayout
        let columns: Int
        let h: Double, d: Double
        let rate: Double
        let defects: [UInt64]
        /// Per-core state, `r * columns + c` (allocated by `init`, freed by `simulate`).
        let cores: UnsafeMutablePointer<Core>
        let coreCount: Int
        var queue: CycleQueue
        var tailEvents: UInt64 = 0, computeEvents: UInt64 = 0, sumEvents: UInt64 = 0
        var end = 0.0
        var criticalRow = 0, criticalGroup = 0
        var maxResident = 0
        var trace: TraceWriter?

        init(problem: GemmProblem, layout: GemmLayout, trace: TraceWriter?) {
            p = problem
            l = layout
            columns = problem.columns
            h = problem.hopLatencyCycles
            d = problem.detourLatencyCycles
            rate = problem.fmacsPerCycle * problem.kernelEfficiency
            defects = problem.defects.flatMap { $0.defectCount > 0 ? $0.words : nil } ?? []
            coreCount = problem.rows * problem.columns
            cores = UnsafeMutablePointer<Core>.allocate(capacity: coreCount)
            cores.initialize(repeating: Core(), count: coreCount)
            // Buckets of one cycle and a window of twice the longest delay (at most 2^20
            // buckets; later events wait in the far heap). With whole-cycle times a bucket holds
            // one instant, so it needs no sort and an event scheduled into the bucket being
            // drained (a zero delay) goes at its end.
            let tr = Double(layout.tokensOfRow.max() ?? 1), kc = Double(layout.kOfColumn.max() ?? 1)
            let nb = Double(min(layout.nb, layout.nOfGroup.max() ?? 1))
            let longest = max(tr * kc * nb / rate, 2 * kc * nb + h + d, tr * nb + h + d, 1)
            queue = CycleQueue(width: 1, buckets: Int(min(2 * longest + 2, 0x1p20)))
            self.trace = trace
        }

        /// Latency of a link into grid position `i`.
        @inline(__always)
        func hop(into i: Int) -> Double {
            if defects.isEmpty { return h }
            return defects[i >> 6] & (1 << UInt64(i & 63)) != 0 ? h + d : h
        }

        @inline(__always)
        mutating func schedule(_ time: Double, row: Int, column: Int, kind: Kind, block: Int) {
            queue.push(CycleEvent(time: time, core: UInt32(truncatingIfNeeded: row << 14 | column),
                                  arg: UInt32(truncatingIfNeeded: block) << 2 | kind.rawValue))
        }

        /// Block 0's tail at the top of every used column.
        mutating func start() {
            for c in 0..<l.usedColumns {
                let g = Int(l.columnGroup[c]), j = Int(l.columnIndex[c])
                guard l.blocksOfGroup[g] > 0 else { continue }
                let q = Double(l.kOfColumn[j] * l.blockColumns(group: g, block: 0))
                let head = l.delivery(column: c, block: 0, rho: p.ingressWordsPerCycle)
                cores[c].weightTail = head + q
                trace?.weights(row: 0, column: c, block: 0, head: head, tail: head + q)
                schedule(head + q, row: 0, column: c, kind: .weightTail, block: 0)
            }
        }

        mutating func loop() {
            while let e = queue.pop() {
                let r = Int(e.core >> 14), c = Int(e.core & 0x3fff)
                let block = Int(e.arg >> 2)
                switch e.arg & 3 {
                case Kind.weightTail.rawValue: weightTail(r, c, block, e.time)
                case Kind.computeDone.rawValue: computeDone(r, c, block, e.time)
                default: sumArrived(r, c, block, e.time)
                }
            }
        }

        mutating func weightTail(_ r: Int, _ c: Int, _ b: Int, _ now: Double) {
            tailEvents &+= 1
            let idx = r &* columns &+ c
            let g = Int(l.columnGroup[c]), j = Int(l.columnIndex[c])
            let kc = l.kOfColumn[j]
            let q = Double(kc * l.blockColumns(group: g, block: b))
            assert(Int(cores[idx].arrived) == b, "weight blocks arrive in order")
            let idle = cores[idx].arrived == cores[idx].computed
            cores[idx].arrived += 1
            if r == 0, b + 1 < l.blocksOfGroup[g] {
                let head = max(l.delivery(column: c, block: b + 1, rho: p.ingressWordsPerCycle), now)
                let q1 = Double(kc * l.blockColumns(group: g, block: b + 1))
                cores[idx].weightTail = head + q1
                trace?.weights(row: 0, column: c, block: b + 1, head: head, tail: head + q1)
                schedule(head + q1, row: 0, column: c, kind: .weightTail, block: b + 1)
            }
            if r + 1 < l.pt {
                let below = idx + columns
                let head = max(now - q + hop(into: below), cores[below].weightTail)
                cores[below].weightTail = head + q
                trace?.weights(row: r + 1, column: c, block: b, head: head, tail: head + q)
                schedule(head + q, row: r + 1, column: c, kind: .weightTail, block: b)
            }
            let resident = Int(cores[idx].arrived - cores[idx].computed)
            if resident > maxResident { maxResident = resident }
            if idle { startCompute(idx, r, c, g, j, now) }
        }

        mutating func startCompute(_ idx: Int, _ r: Int, _ c: Int, _ g: Int, _ j: Int, _ now: Double) {
            let b = Int(cores[idx].computed)
            let work = Double(l.tokensOfRow[r]) * Double(l.kOfColumn[j]) * Double(l.blockColumns(group: g, block: b))
            let cycles = work / rate
            trace?.compute(row: r, column: c, block: b, start: now, end: now + cycles)
            schedule(now + cycles, row: r, column: c, kind: .computeDone, block: b)
        }

        mutating func computeDone(_ r: Int, _ c: Int, _ b: Int, _ now: Double) {
            computeEvents &+= 1
            let idx = r &* columns &+ c
            let g = Int(l.columnGroup[c]), j = Int(l.columnIndex[c])
            assert(Int(cores[idx].computed) == b, "blocks are computed in order")
            cores[idx].computed += 1
            if cores[idx].arrived > cores[idx].computed { startCompute(idx, r, c, g, j, now) }
            forward(idx, r, c, g, j, now)
        }

        mutating func sumArrived(_ r: Int, _ c: Int, _ b: Int, _ now: Double) {
            sumEvents &+= 1
            let idx = r &* columns &+ c
            assert(Int(cores[idx].sumsArrived) == b, "partial sums arrive in order")
            cores[idx].sumsArrived += 1
            forward(idx, r, c, Int(l.columnGroup[c]), Int(l.columnIndex[c]), now)
        }

        /// Sends every block this core has both computed and received from the west.
        mutating func forward(_ idx: Int, _ r: Int, _ c: Int, _ g: Int, _ j: Int, _ now: Double) {
            while true {
                let f = cores[idx].forwarded
                guard f < cores[idx].computed, j == 0 || f < cores[idx].sumsArrived else { return }
                cores[idx].forwarded = f + 1
                let b = Int(f)
                if l.pk == 1 {
                    finish(r, g, b, now)
                    continue
                }
                let words = Double(l.tokensOfRow[r] * l.blockColumns(group: g, block: b))
                let s = max(now, cores[idx].sumLinkFree)
                cores[idx].sumLinkFree = s + words
                trace?.sum(row: r, column: c, block: b, start: s, end: s + words)
                if j == l.pk - 1 {
                    finish(r, g, b, s + words)
                } else {
                    schedule(s + hop(into: idx + 1), row: r, column: c + 1, kind: .sumArrived, block: b)
                }
            }
        }

        @inline(__always)
        mutating func finish(_ r: Int, _ g: Int, _ b: Int, _ done: Double) {
            if done > end || (done == end && (r, g) < (criticalRow, criticalGroup)) {
                end = done
                criticalRow = r
                criticalGroup = g
            }
        }

        func result() throws(GemmProblemError) -> GemmSimulationResult {
            let ns = (end.rounded(.up) * 1e9 / p.clockHz).rounded()
            guard ns < 9.2e18 else {
                throw GemmProblemError(parameter: "problem", message: "simulated time \(end) cycles does not fit in Int64 nanoseconds")
            }
            // Busy cycles of a core: the compute time of the blocks it finished (all of them once
            // the run is over: Tr x Kc x the group's columns / rate).
            var busy = [Double](repeating: 0, count: coreCount)
            var total = 0.0
            for r in 0..<l.pt {
                for c in 0..<l.usedColumns {
                    let g = Int(l.columnGroup[c]), j = Int(l.columnIndex[c])
                    let i = r * columns + c
                    let done = Int(cores[i].computed)
                    let outputs = done == l.blocksOfGroup[g] ? l.nOfGroup[g] : done * l.nb
                    let sum = Double(l.tokensOfRow[r]) * Double(l.kOfColumn[j]) * Double(outputs) / rate
                    busy[i] = sum
                    total += sum
                }
            }
            let used = Double(l.pt * l.usedColumns)
            let coreBlocks = l.pt * l.pk * l.blocksOfGroup.reduce(0, +)
            let sram = l.sramBytes(p)
            return GemmSimulationResult(
                cycles: end, nanoseconds: Int64(ns), events: tailEvents + computeEvents + sumEvents,
                weightTailEvents: tailEvents, computeEvents: computeEvents, partialSumEvents: sumEvents,
                peakPendingEvents: queue.peakPending, usedRows: l.pt, usedColumns: l.usedColumns,
                blocks: l.maxBlocks, coreBlocks: coreBlocks, gridRows: p.rows, gridColumns: p.columns,
                busyCycles: busy,
                gridUtilization: end > 0 ? total / (end * Double(coreCount)) : 0,
                usedUtilization: end > 0 ? total / (end * used) : 0,
                criticalRow: criticalRow, criticalGroup: criticalGroup,
                sramBytesPerCore: sram, sramFits: sram <= p.sramBytesPerCore,
                maxResidentWeightBlocks: maxResident,
                observedSRAMBytesPerCore: l.sramBytes(p, weightBlocks: max(maxResident, 1)))
        }
    }
}
