import SimEngine

// The training job's steady-state fast-forward: the mean step and its error bound, and the skip
// over steps that would repeat.
extension WeightStreamingJob {
    /// The steady step: with jitter, the mean of the sampled steps (rounded to the nanosecond);
    /// without, the last simulated step.
    public var steadyStep: StepBreakdown {
        guard jitter > 0, sampleCount > 0 else { return lastStep }
        let k = Double(sampleCount)
        return StepBreakdown(total: SimDuration(nanoseconds: Int64((sampleSum / k).rounded())),
                             pacingCompute: SimDuration(nanoseconds: Int64((sampleCompute / k).rounded())),
                             boundary: SimDuration(nanoseconds: Int64((sampleBoundary / k).rounded())))
    }

    /// ``steadyZ`` standard errors of the sampled mean step over the mean (infinite below two samples).
    var steadyRelativeError: Double {
        guard sampleCount >= 2, sampleSum > 0 else { return .infinity }
        let k = Double(sampleCount)
        let mean = sampleSum / k
        let variance = max(0, (sampleSumSquares - k * mean * mean) / (k - 1))
        return Self.steadyZ * (variance / k).squareRoot() / mean
    }

    /// Steady state, from a quiescent state (no flow in flight, nothing pending): without jitter,
    /// the same step twice repeats exactly; with jitter, the mean step is known to within
    /// ``steadyTolerance`` (``steadyZ`` standard errors) once at least ``steadyMinSamples`` steps
    /// were simulated (or ``steadyMaxSamples``, whatever the bound). Skips every step but the last
    /// ``inputBuffers`` + 1,
    /// and every periodic checkpoint that falls among them (each takes the checkpoint time, as
    /// when simulated), in one clock advance.
    func fastForward(_ sim: Simulation) throws(SimulationError) {
        guard !fullDetail, fabric.network.activeFlowCount == 0, sim.pendingCount == 0 else { return }
        // The last steps fetch less input (nothing is prefetched past the end), so they are
        // simulated in detail: one more than the input buffers.
        let skip = totalSteps - stepsDone - 1 - Self.inputBuffers
        guard skip > 0 else { return }
        let stepNs: Double
        var bound = 0.0
        if jitter == 0 {
            guard stepsDone >= 2, lastStep == previousStep else { return }
            stepNs = Double(lastStep.total.nanoseconds)
        } else {
            bound = steadyRelativeError
            guard sampleCount >= Self.steadyMinSamples,
                  bound <= Self.steadyTolerance || sampleCount >= Self.steadyMaxSamples else { return }
            stepNs = Double(steadyStep.total.nanoseconds)
        }
        let ckpts = checkpointEvery > 0 ? (stepsDone + skip) / checkpointEvery - stepsDone / checkpointEvery : 0
        let spanNs = stepNs * Double(skip) + Double(checkpointDuration.nanoseconds) * Double(ckpts)
        guard spanNs < 9e18, Double(sim.now.nanoseconds) + spanNs < 9e18 else {
            throw .model("\(skip) more steps (\(spanNs * 1e-9) s) are beyond the simulator's time range (about 285 years)")
        }
        let from = sim.now
        try sim.advance(to: try sim.now.adding(SimDuration(nanoseconds: Int64(spanNs.rounded())), "fast-forward"))
        if trace != nil {
            traceSpan("fast-forward \(skip) steps" + (ckpts > 0 ? ", \(ckpts) checkpoints" : ""), from: from, to: sim.now)
        }
        stepsDone += skip
        fastForwardedSteps += skip
        fastForwardRelativeError = max(fastForwardRelativeError, bound)
        if ckpts > 0 {
            checkpoints += ckpts
            fastForwardedCheckpoints += ckpts
            checkpointTime = SimDuration(nanoseconds: checkpointTime.nanoseconds + checkpointDuration.nanoseconds * ckpts)
        }
        // The skipped steps consumed (and prefetched) their input like simulated ones.
        let micro = skip * Int64(plan.gradAccumulation)
        for s in 0..<lanes {
            lane[s].inputRequested += micro
            lane[s].inputArrived += micro
            lane[s].inputConsumed += micro
        }
    }
}
