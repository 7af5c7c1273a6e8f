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
    public var defects: DefectMap?

    /// A referee for `mesh`; `attentionCosts` defaults to the GEMM rate with no exponential cost.
    public init(mesh: MeshParameters, kernelEfficiency: Double, ingressWordsPerCycle: Double = .infinity,
                attentionCosts: AttentionCosts? = nil, defects: DefectMap? = nil) {
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
                let problem = GemmProblem(mesh: mesh, kernelEfficiency: kernelEfficiency, ingressWordsPerCycle: ingressWordsPerCycle,
                                          tokens: shape.tokens, dIn: shape.dIn, dOut: shape.dOut, tiling: tiling, defects: defects)
                return MeshTiming(cycles: try GemmReferee.simulate(problem).cycles, pacedBy: "simulated")
            case .attention(let shape, let p, let cq, let ck):
                let problem = AttentionProblem(mesh: mesh, costs: attentionCosts, shape: shape, stripes: p, queryChunks: cq, keyChunks: ck)
                return MeshTiming(cycles: try AttentionReferee.simulate(problem).cycles, pacedBy: "simulated")
            }
        } catch {
            throw MeshOperationError("\(error)")
        }
    }
}
