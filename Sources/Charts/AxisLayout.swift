import Foundation

/// An ``Axis`` resolved against its data: the range shown, the tick values and their labels,
/// and the mapping from values to fractions of the axis length.
struct AxisLayout {
    let scale: Axis.Scale
    /// The lowest and highest values shown (positive on a log scale, lower < upper).
    let lower: Double
    let upper: Double
    let ticks: [Double]
    let labels: [String]

    init(axis: Axis, values: [Double], maxTicks: Int) {
        let scale = axis.scale
        self.scale = scale
        let usable = values.filter { AxisLayout.usable($0, scale) }
        let fixedLo = axis.min.flatMap { AxisLayout.usable($0, scale) ? $0 : nil }
        let fixedHi = axis.max.flatMap { AxisLayout.usable($0, scale) ? $0 : nil }
        let count = Swift.max(2, maxTicks)
        var lower: Double, upper: Double, ticks: [Double]
        if scale == .linear {
            (lower, upper, ticks) = AxisLayout.linear(fixedLo, fixedHi, usable.min(), usable.max(), count)
        } else {
            (lower, upper, ticks) = AxisLayout.log(base: scale == .log2 ? 2 : 10, fixedLo, fixedHi,
                                                   usable.min(), usable.max(), count)
        }
        if ticks.isEmpty { ticks = [lower, upper] }
        self.lower = lower
        self.upper = upper
        self.ticks = ticks
        labels = AxisLayout.labels(ticks, scale: scale)
    }

    /// Whether `v` can be placed on an axis with `scale`.
    static func usable(_ v: Double, _ scale: Axis.Scale) -> Bool {
        v.isFinite && (scale == .linear || v > 0)
    }

    /// The position of `v` as a fraction of the axis (0 at `lower`, 1 at `upper`; outside for
    /// values out of range), or nil when `v` cannot be placed.
    func fraction(_ v: Double) -> Double? {
        guard AxisLayout.usable(v, scale) else { return nil }
        switch scale {
        case .linear: return (v - lower) / (upper - lower)
        case .log2, .log10: return (Foundation.log(v) - Foundation.log(lower)) / (Foundation.log(upper) - Foundation.log(lower))
        }
    }

    private static func linear(_ fixedLo: Double?, _ fixedHi: Double?, _ dataLo: Double?, _ dataHi: Double?,
                               _ count: Int) -> (Double, Double, [Double]) {
        var lo = fixedLo ?? dataLo ?? (fixedHi.map { $0 - 1 } ?? 0)
        var hi = fixedHi ?? dataHi ?? lo + 1
        if let a = fixedLo, let b = fixedHi, a > b { (lo, hi) = (b, a) }
        if hi <= lo {
            let pad = lo == 0 ? 1 : Swift.abs(lo) * 0.1
            if fixedHi == nil && fixedLo == nil {
                lo -= pad
                hi = lo + 2 * pad
            } else if fixedHi == nil {
                hi = lo + pad
            } else if fixedLo == nil {
                lo = hi - pad
            }
            if hi <= lo { hi = lo + 1 }
        }
        let step = niceStep((hi - lo) / Double(count - 1))
        let lower = fixedLo.map { _ in lo } ?? (lo / step).rounded(.down) * step
        let upper = fixedHi.map { _ in hi } ?? (hi / step).rounded(.up) * step
        let first = (lower / step - 1e-9).rounded(.up), last = (upper / step + 1e-9).rounded(.down)
        var ticks: [Double] = []
        if last >= first && last - first < 1000 {
            // k × mantissa × 10^e, dividing by 10^-e for small steps so that 3 × 0.2 is 0.6.
            let e = (log10(step / 10) + 1e-9).rounded(.up)
            let mantissa = (step / pow(10, e)).rounded()
            for k in stride(from: first, through: last, by: 1) {
                let t = e >= 0 ? k * mantissa * pow(10, e) : k * mantissa / pow(10, -e)
                ticks.append(t == 0 ? 0 : t)  // no -0
            }
        }
        return (lower, upper, ticks)
    }

    /// `x` as an Int, clamped to ±1,000,000 (NaN as 0): never a trap, whatever a chart's data.
    static func safeInt(_ x: Double) -> Int {
        guard !x.isNaN else { return 0 }
        return Int(Swift.min(Swift.max(x, -1_000_000), 1_000_000))
    }

    /// The smallest of 1, 2, 5 or 10 times a power of ten that is at least `raw`.
    static func niceStep(_ raw: Double) -> Double {
        guard raw.isFinite, raw > 0 else { return 1 }
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        let n = raw / magnitude
        let nice: Double = n <= 1 + 1e-9 ? 1 : n <= 2 + 1e-9 ? 2 : n <= 5 + 1e-9 ? 5 : 10
        return nice * magnitude
    }

    private static func log(base: Double, _ fixedLo: Double?, _ fixedHi: Double?, _ dataLo: Double?, _ dataHi: Double?,
                            _ count: Int) -> (Double, Double, [Double]) {
        func lg(_ v: Double) -> Double { Foundation.log(v) / Foundation.log(base) }
        var lo = fixedLo ?? dataLo ?? (fixedHi.map { $0 / base } ?? 1)
        var hi = fixedHi ?? dataHi ?? lo * base
        if let a = fixedLo, let b = fixedHi, a > b { (lo, hi) = (b, a) }
        var eLo = (lg(lo) + 1e-9).rounded(.down), eHi = (lg(hi) - 1e-9).rounded(.up)
        if eHi <= eLo {
            if fixedHi == nil && fixedLo == nil {
                eLo -= 1
                eHi = eLo + 2
            } else if fixedHi == nil {
                eHi = eLo + 1
            } else {
                eLo = eHi - 1
            }
        }
        // pow may underflow to 0 or overflow to infinity at the ends of the Double range (a value
        // of 5e-324): fall back to the data's own bounds, which are finite and positive.
        var lower = fixedLo ?? pow(base, eLo)
        if !(lower > 0 && lower.isFinite) { lower = lo }
        var upper = fixedHi ?? pow(base, eHi)
        if !upper.isFinite { upper = hi }
        if upper <= lower { upper = lower * base < .infinity ? lower * base : .greatestFiniteMagnitude }
        let first = safeInt((lg(lower) - 1e-9).rounded(.up)), last = safeInt((lg(upper) + 1e-9).rounded(.down))
        var ticks: [Double] = []
        if last >= first && last - first < 2000 {
            let n = last - first + 1
            let every = Swift.max(1, (n + count - 1) / count)
            for k in first...last where ((k % every) + every) % every == 0 {
                ticks.append(pow(base, Double(k)))
            }
        }
        return (lower, upper, ticks)
    }

    /// Labels for `ticks`: as few decimals as the ticks need, k/M/G/T suffixes from a million up.
    static func labels(_ ticks: [Double], scale: Axis.Scale) -> [String] {
        let biggest = ticks.map { Swift.abs($0) }.max() ?? 0
        let (divisor, suffix): (Double, String) =
            biggest >= 1e12 ? (1e12, "T") : biggest >= 1e9 ? (1e9, "G") : biggest >= 1e6 ? (1e6, "M") : (1, "")
        if biggest >= 1e15 || (biggest > 0 && biggest < 1e-6) {
            return ticks.map { SVGText.normalized(String(format: "%.3g", $0)) }
        }
        if scale == .linear, ticks.count >= 2 {
            let step = (ticks[1] - ticks[0]) / divisor
            let decimals = Swift.max(0, -safeInt((log10(step) + 1e-9).rounded(.down)))
            return ticks.map { SVGText.fixed($0 / divisor, Swift.min(decimals, 12)) + suffix }
        }
        return ticks.map { t in
            let v = t / divisor
            var d = 0
            while d < 6 {
                let p = pow(10, Double(d))
                if Swift.abs((v * p).rounded() / p - v) <= 1e-9 * Swift.max(1, Swift.abs(v)) { break }
                d += 1
            }
            return SVGText.fixed(v, d) + suffix
        }
    }
}
