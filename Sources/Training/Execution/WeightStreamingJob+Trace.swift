import SimEngine

// The training job's trace output: only reached when `trace` is set, and kept out of line so the
// hot path stays small.
extension WeightStreamingJob {
    /// Trace bookkeeping, set up when the job starts: track and span names, and start times of
    /// what is in flight.
    final class TraceState {
        let laneTracks: [String]
        let passNames: [String]
        let weightNames: [String]
        let gradNames: [String]
        let updateNames: [String]
        let swarmTrack: String
        /// Per pass: its layer's operations in the order the pass runs them (reversed backward),
        /// each with its share of the pass's operations (the mapping model's times).
        let passOps: [[(name: String, share: Double)]]
        @exclusivity(unchecked) var streamStart: Int64 = 0
        @exclusivity(unchecked) var updateStart: Int64 = 0
        @exclusivity(unchecked) var checkpointStart: Int64 = 0
        @exclusivity(unchecked) var computeStart: [Int64]
        /// Per pass: start and track slot of its gradient reduction (reductions may overlap, so
        /// overlapping ones go on "MemoryX in 2", "MemoryX in 3", ...).
        @exclusivity(unchecked) var reduceStart: [Int64]
        @exclusivity(unchecked) var reduceSlot: [Int]
        @exclusivity(unchecked) var slotBusy: [Bool] = []
        /// Per pass: lanes that finished it this step, and the earliest start among them.
        @exclusivity(unchecked) var passFinished: [Int]
        @exclusivity(unchecked) var passStart: [Int64]

        init(laneTracks: [String], passNames: [String], weightNames: [String], gradNames: [String],
             updateNames: [String], swarmTrack: String, passOps: [[(name: String, share: Double)]], lanes: Int, passes: Int) {
            self.passOps = passOps
            self.laneTracks = laneTracks
            self.passNames = passNames
            self.weightNames = weightNames
            self.gradNames = gradNames
            self.updateNames = updateNames
            self.swarmTrack = swarmTrack
            computeStart = Array(repeating: 0, count: lanes)
            reduceStart = Array(repeating: 0, count: passes)
            reduceSlot = Array(repeating: 0, count: passes)
            passFinished = Array(repeating: 0, count: passes)
            passStart = Array(repeating: .max, count: passes)
        }
    }

    enum TraceActivity { case stream, compute, update, checkpoint }

    /// Every track and span name, made once when the job starts.
    @inline(never) func makeTraceState() -> TraceState {
        let system = fabric.spec.systemName
        let laneTracks = laneSystems.map { group -> String in
            guard let first = group.first, let last = group.last else { return system }
            if group.count == 1 { return "\(system) \(first)" }
            let contiguous = group == Array(first...last)
            return contiguous ? "\(system) \(first)-\(last)" : "\(system) " + group.map(String.init).joined(separator: ",")
        }
        let passNames = plan.passes.map { "L\($0.layer) \($0.backward ? "bwd" : "fwd") m\($0.micro)" }
        // Per layer kind, forward and backward (reversed) once; the passes share them.
        var byKind: [LayerCost.Kind: (forward: [(name: String, share: Double)], backward: [(name: String, share: Double)])] = [:]
        for m in plan.mappings {
            let total = m.forwardNanoseconds
            let ops: [(name: String, share: Double)] = total > 0 && total.isFinite ? m.ops.map { ($0.op.name, $0.nanoseconds / total) } : []
            byKind[m.kind] = (ops, ops.reversed())
        }
        let passOps = plan.passes.map { p -> [(name: String, share: Double)] in
            let ops = byKind[plan.layers[p.layer].kind]
            return (p.backward ? ops?.backward : ops?.forward) ?? []
        }
        return TraceState(laneTracks: laneTracks, passNames: passNames,
                          weightNames: plan.passes.map { "weights L\($0.layer)" },
                          gradNames: plan.layers.indices.map { "grads L\($0)" },
                          updateNames: plan.layers.indices.map { "update L\($0)" },
                          swarmTrack: "SwarmX \(traceLabel)", passOps: passOps, lanes: lanes, passes: plan.passes.count)
    }

    /// Notes when something that ends in a span started.
    @inline(never) func traceStarted(_ what: TraceActivity, _ now: SimTime, lane: Int = 0) {
        guard let state = traceState else { return }
        let t = now.nanoseconds
        switch what {
        case .stream: state.streamStart = t
        case .compute: state.computeStart[lane] = t
        case .update: state.updateStart = t
        case .checkpoint: state.checkpointStart = t
        }
    }

    /// A span on the job's own track.
    @inline(never) func traceSpan(_ name: String, from start: SimTime, to end: SimTime) {
        trace?.span(track: traceLabel, name: name, start: start, end: end)
    }

    @inline(never) func traceComputeDone(lane s: Int, pass p: Int, _ now: SimTime) {
        guard let trace, let t = traceState else { return }
        trace.span(track: t.laneTracks[s], name: t.passNames[p], start: SimTime(nanoseconds: t.computeStart[s]), end: now)
        // The pass's fixed cost (EfficiencyModel.passOverheadSeconds), nested at its start (cut
        // at the pass's end when the per-pass jitter made the whole pass shorter than it).
        let overhead = plan.passOverheadNanoseconds
        if overhead > 0 {
            let start = t.computeStart[s]
            let end = overhead < now.nanoseconds - start ? start + overhead : now.nanoseconds
            trace.span(track: t.laneTracks[s], name: "pass overhead", start: SimTime(nanoseconds: start), end: SimTime(nanoseconds: end))
        }
        // Its operations after it, in order, each its share of the rest of the pass (the mapping
        // model's times: "attention", "qkv", ...; train --mapping prints them).
        var at = min(t.computeStart[s] + max(0, overhead), now.nanoseconds)
        let rest = Double(now.nanoseconds - at)
        for op in t.passOps[p] {
            let end = min(now.nanoseconds, at + Int64((op.share * rest).rounded()))
            if end > at { trace.span(track: t.laneTracks[s], name: op.name, start: SimTime(nanoseconds: at), end: SimTime(nanoseconds: end)) }
            at = end
        }
    }

    /// When the last lane finishes pass `p`, a span on "<label> pacing" from the earliest start of
    /// the pass to now, naming the system that finished last (the one that paced it).
    @inline(never) func tracePacing(lane s: Int, pass p: Int, _ now: SimTime) {
        guard let trace, let t = traceState else { return }
        t.passStart[p] = min(t.passStart[p], t.computeStart[s])
        t.passFinished[p] += 1
        guard t.passFinished[p] == lanes else { return }
        trace.span(track: "\(traceLabel) pacing", name: "\(t.passNames[p]) paced by \(t.laneTracks[s])",
                   start: SimTime(nanoseconds: t.passStart[p]), end: now)
        t.passFinished[p] = 0
        t.passStart[p] = .max
    }

    @inline(never) func traceStreamDone(pass p: Int, _ now: SimTime) {
        guard let trace, let t = traceState else { return }
        let start = SimTime(nanoseconds: t.streamStart)
        trace.span(track: "MemoryX out", name: t.weightNames[p], start: start, end: now)
        trace.span(track: t.swarmTrack, name: t.weightNames[p], start: start, end: now)
    }

    @inline(never) func traceUpdateDone(layer: Int, _ now: SimTime) {
        guard let trace, let t = traceState else { return }
        trace.span(track: "MemoryX optimizer", name: t.updateNames[layer], start: SimTime(nanoseconds: t.updateStart), end: now)
    }

    @inline(never) func traceCheckpointDone(_ now: SimTime) {
        guard let t = traceState else { return }
        traceSpan("checkpoint", from: SimTime(nanoseconds: t.checkpointStart), to: now)
    }

    @inline(never) func traceReduceStarted(pass p: Int, _ now: SimTime) {
        guard let t = traceState else { return }
        let slot = t.slotBusy.firstIndex(of: false) ?? t.slotBusy.count
        if slot == t.slotBusy.count { t.slotBusy.append(true) } else { t.slotBusy[slot] = true }
        t.reduceSlot[p] = slot
        t.reduceStart[p] = now.nanoseconds
    }

    @inline(never) func traceReduceDone(pass p: Int, _ now: SimTime) {
        guard let trace, let t = traceState else { return }
        let slot = t.reduceSlot[p]
        t.slotBusy[slot] = false
        trace.span(track: slot == 0 ? "MemoryX in" : "MemoryX in \(slot + 1)", name: t.gradNames[plan.passes[p].layer],
                   start: SimTime(nanoseconds: t.reduceStart[p]), end: now)
    }
}
