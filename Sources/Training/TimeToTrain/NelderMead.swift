/// The downhill simplex method (Nelder and Mead 1965) with the standard coefficients (reflection
/// 1, expansion 2, contraction 1/2, shrink 1/2): the one minimiser of every fit in the project
/// (the compute model's constants, the convergence laws). Deterministic: ties keep the lower
/// vertex index, so the same function gives the same point.
public enum NelderMead {
    /// The minimum found: the point, its value and the evaluations used.
    public struct Result: Sendable, Equatable {
        /// The best vertex.
        public let x: [Double]
        /// f at ``x``.
        public let value: Double
        /// Evaluations of f.
        public let evaluations: Int
    }

    /// Minimises `f` from `x0`, the first simplex spanned by `steps` (one per coordinate). Stops
    /// when the values of the simplex differ by less than `tolerance` and every coordinate of it
    /// by less than `size`, or after `maxEvaluations`.
    public static func minimize<E: Error>(_ x0: [Double], steps: [Double], tolerance: Double = 1e-10, size: Double = 1e-6,
                                          maxEvaluations: Int = 400, _ f: ([Double]) throws(E) -> Double) throws(E) -> Result {
        let n = x0.count
        var evaluations = 0
        func eval(_ x: [Double]) throws(E) -> Double {
            evaluations += 1
            let v = try f(x)
            return v.isNaN ? .infinity : v
        }
        var simplex = [x0]
        for i in 0..<n {
            var x = x0
            x[i] += steps[i]
            simplex.append(x)
        }
        var values: [Double] = []
        for x in simplex { values.append(try eval(x)) }
        while evaluations < maxEvaluations {
            let order = values.indices.sorted { (values[$0], $0) < (values[$1], $1) }
            simplex = order.map { simplex[$0] }
            values = order.map { values[$0] }
            var spread = 0.0
            for v in simplex.dropFirst() { for i in 0..<n { spread = max(spread, abs(v[i] - simplex[0][i])) } }
            if abs(values[n] - values[0]) < tolerance && spread < size { break }
            var centroid = [Double](repeating: 0, count: n)
            for v in simplex.dropLast() { for i in 0..<n { centroid[i] += v[i] / Double(n) } }
            func along(_ t: Double) -> [Double] { (0..<n).map { centroid[$0] + t * (simplex[n][$0] - centroid[$0]) } }
            let r = along(-1), fr = try eval(r)
            if fr < values[0] {
                let e = along(-2), fe = try eval(e)
                if fe < fr { simplex[n] = e; values[n] = fe } else { simplex[n] = r; values[n] = fr }
            } else if fr < values[n - 1] {
                simplex[n] = r; values[n] = fr
            } else {
                let c = fr < values[n] ? along(-0.5) : along(0.5)
                let fc = try eval(c)
                if fc < min(fr, values[n]) {
                    simplex[n] = c; values[n] = fc
                } else {
                    for k in 1...n {
                        simplex[k] = (0..<n).map { (simplex[k][$0] + simplex[0][$0]) / 2 }
                        values[k] = try eval(simplex[k])
                    }
                }
            }
        }
        let best = values.indices.min { (values[$0], $0) < (values[$1], $1) } ?? 0
        return Result(x: simplex[best], value: values[best], evaluations: evaluations)
    }
}
