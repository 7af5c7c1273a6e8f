import Wafer

/// The core-level referee behind the same call as the closed form (``MeshPricer``): a GEMM is
/// simulated by ``GemmReferee`` and an attention by ``AttentionReferee`` on `mesh`, at the
/// kernel efficiency and attention costs the mapping model uses, with the wafer's defects when
/// given. The operations must be small enough for the referee's limits (a problem it refuses is
/// a ``MeshOperationError`` naming the limit).
public struct RefereePricer: MeshPricer {
    /// The mesh simulated.
    public var mesh: MeshParameters
    /// The kernel efficiency (the GEMMs' FMAC rate is mesh FMACs x this).
    public var kernelEfficiency: Double
    /// Weight words entering the wafer per cycle (infinity: buffered at the edge).
    public var ingressWordsPerCycle: Double
    /// The attention's per-core costs (the mapping model's ``WaferMapper/attentionCosts``).
    public var attentionCosts: AttentionCosts
    /// Defective grid positions (nil: none).
    public var defects: DefectGrid?

    /// A referee for `mesh`; `attentionCosts` defaults to the GEMM rate with no exponential cost.
    public init(mesh: MeshParameters, kernelEfficiency: Double, ingressWordsPerCycle: Double = .infinity,
                attentionCosts: AttentionCosts? = nil, defects: DefectGrid? = nil) {
        self.mesh = mesh
        self.kernelEfficiency = kernelEfficiency
        self.ingressWordsPerCycle = ingressWordsPerCycle
        self.attentionCosts = attentionCosts ?? AttentionCosts(fmacRate: Double(mesh.fmacsPerCorePerCycle) * kernelEfficiency)
        self.defects = defects
    }

    public func price(_ operation: MeshOperation) throws(MeshOperationError) -> MeshTiming {
        do {
            switch operation {
            case .gemm(let shape, let tiling):
                let problem = GemmProblem(rows: mesh.rows, columns: mesh.columns, hopLatencyCycles: mesh.hopLatencyCycles,
                                          detourLatencyCycles: mesh.detourLatencyCycles, fmacsPerCycle: Double(mesh.fmacsPerCorePerCycle),
                                          kernelEfficiency: kernelEfficiency, ingressWordsPerCycle: ingressWordsPerCycle,
                                          clockHz: mesh.clockHz, sramBytesPerCore: mesh.sramBytesPerCore,
                                          reservedBytesPerCore: mesh.reservedSRAMBytesPerCore,
                                          tokens: shape.tokens, dIn: shape.dIn, dOut: shape.dOut, tiling: tiling, defects: defects)
                return MeshTiming(cycles: try GemmReferee.simulate(problem).cycles, pacedBy: "simulated")
            case .attention(let shape, let p):
                let c = attentionCosts
                let problem = AttentionProblem(rows: mesh.rows, columns: mesh.columns, hopLatencyCycles: mesh.hopLatencyCycles,
                                               fmacRate: c.fmacRate, exponentialCycles: c.exponentialCycles,
                                               softmaxOpsPerScore: c.softmaxOpsPerScore, mergeOpsPerWord: c.mergeOpsPerWord,
                                               vectorStartCycles: c.vectorStartCycles, instances: shape.instances,
                                               sequence: shape.sequence, headWidth: shape.headWidth, causal: shape.causal, stripes: p)
                return MeshTiming(cycles: try AttentionReferee.simulate(problem).cycles, pacedBy: "simulated")
            }
        } catch {
            throw MeshOperationError("\(error)")
        }
    }
}
