/// Formatting helpers shared by the readers' messages.
enum Messages {
    /// 2^53: the largest magnitude up to which every integer is exactly a `Double`.
    static let exactIntegerLimit = 9_007_199_254_740_992.0

    /// An integral `Double` in plain digits (`9223372036854775808`, not `9.2e+18`).
    static func integral(_ d: Double) -> String {
        d.isFinite && d == d.rounded() && Swift.abs(d) < 1e30 ? String(format: "%.0f", d) : d.description
    }

    /// `1...64`, `>= 1`, `<= 0` or `any integer`; with `explicit`, always both bounds
    /// (`0...9223372036854775807`), for values that lie beyond an implicit bound.
    static func range(_ r: ClosedRange<Int>, explicit: Bool = false) -> String {
        if explicit { return "\(r.lowerBound)...\(r.upperBound)" }
        switch (r.lowerBound == Int.min, r.upperBound == Int.max) {
        case (true, true): return "any integer"
        case (false, true): return ">= \(r.lowerBound)"
        case (true, false): return "<= \(r.upperBound)"
        case (false, false): return "\(r.lowerBound)...\(r.upperBound)"
        }
    }

    /// `0.001...10.0 s`, `>= 0.0 s`, `<= 1.0` or `any finite number`.
    static func range(_ r: ClosedRange<Double>, unit: String) -> String {
        let noLower = r.lowerBound <= -Double.greatestFiniteMagnitude
        let noUpper = r.upperBound >= Double.greatestFiniteMagnitude
        switch (noLower, noUpper) {
        case (true, true): return "any finite number" + (unit.isEmpty ? "" : " (\(unit))")
        case (false, true): return ">= " + quantity(r.lowerBound, unit)
        case (true, false): return "<= " + quantity(r.upperBound, unit)
        case (false, false): return "\(r.lowerBound)...\(quantity(r.upperBound, unit))"
        }
    }

    /// `2.5 s`, or `2.5` without a unit.
    static func quantity(_ x: Double, _ unit: String) -> String {
        unit.isEmpty ? x.description : "\(x.description) \(unit)"
    }

    /// `"a", "b", "c"`.
    static func list(_ values: [String]) -> String {
        values.map(JSONPath.quoted).joined(separator: ", ")
    }

    /// The candidate closest to `word` within edit distance 2 (ties go to the earlier candidate),
    /// ignoring letter case for the comparison; nil when none is that close.
    static func suggestion(for word: String, among candidates: [String]) -> String? {
        var best: (candidate: String, distance: Int)?
        for c in candidates where c != word {
            guard let d = editDistance(word.lowercased(), c.lowercased(), limit: 2) else { continue }
            if best == nil || d < best!.distance { best = (c, d) }
        }
        return best?.candidate
    }

    /// The optimal-string-alignment distance (insertions, deletions, substitutions and adjacent
    /// transpositions) between `a` and `b`, or nil when it exceeds `limit`.
    static func editDistance(_ a: String, _ b: String, limit: Int) -> Int? {
        let x = Array(a), y = Array(b)
        if abs(x.count - y.count) > limit { return nil }
        if x.isEmpty || y.isEmpty { return max(x.count, y.count) }
        var previous2 = [Int](repeating: 0, count: y.count + 1)
        var previous = Array(0...y.count)
        var current = [Int](repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            current[0] = i
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                var d = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] {
                    d = min(d, previous2[j - 2] + 1)
                }
                current[j] = d
            }
            (previous2, previous, current) = (previous, current, previous2)
        }
        let distance = previous[y.count]
        return distance <= limit ? distance : nil
    }
}
