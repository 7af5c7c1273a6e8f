/// The shape and the tiling of one weight-streamed GEMM on the wafer mesh, shared by the mapping
/// model (`WaferMapper`) and the core-level referee (`WaferReferee`), so both speak of the
/// same layout (docs/wafer-dataflow.md).

/// One matrix multiplication of a layer, Y[tokens x dOut] = X[tokens x dIn] . W[dIn x dOut], whose
/// weights W stream onto the wafer while the activations X stay resident.
public struct GemmShape: Hashable, Sendable, CustomStringConvertible {
    /// Rows of X and Y (micro-batch x sequence length, or samples for per-sample layers).
    public var tokens: Int
    /// The contracted dimension K (d_in).
    public var dIn: Int
    /// Output columns N (d_out).
    public var dOut: Int
    /// A GEMM of the given shape.
    public init(tokens: Int, dIn: Int, dOut: Int) {
        self.tokens = tokens
        self.dIn = dIn
        self.dOut = dOut
    }
    /// "T x K x N".
    public var description: String { "\(tokens) x \(dIn) x \(dOut)" }
}

/// How one GEMM is laid out on the mesh (docs/wafer-dataflow.md): tokens over `rowsUsed` rows (pt),
/// the columns split into `groups` groups of `columnsPerGroup` adjacent columns (each column of a
/// group owns a slice of K, each group a slice of N), and each group's N slice processed in
/// temporal blocks of `blockColumns` output columns.
public struct GemmTiling: Hashable, Sendable {
    /// Rows holding tokens (pt = min(rows, tokens)).
    public var rowsUsed: Int
    /// Columns per group: the K split (pk).
    public var columnsPerGroup: Int
    /// Groups: the N split (pn).
    public var groups: Int
    /// Output columns per temporal block (Nb).
    public var blockColumns: Int
    /// A tiling.
    public init(rowsUsed: Int, columnsPerGroup: Int, groups: Int, blockColumns: Int) {
        self.rowsUsed = rowsUsed
        self.columnsPerGroup = columnsPerGroup
        self.groups = groups
        self.blockColumns = blockColumns
    }
}
