import Foundation
import TextEscaping

/// Text helpers for the SVG output: XML escaping, locale-independent fixed-decimal numbers and
/// rough text-width estimates for layout.
enum SVGText {
    /// `text` escaped for SVG (``MarkupText`` in its XML dialect: `'` as `&apos;`, the control
    /// characters XML 1.0 forbids dropped), for element content and attribute values.
    static func escape(_ text: String) -> String { MarkupText.escape(text, for: .xml) }

    /// `x` with exactly `decimals` digits after a "." (whatever the locale), never "-0"; "0"
    /// for non-finite values.
    static func fixed(_ x: Double, _ decimals: Int) -> String {
        guard x.isFinite else { return "0" }
        return normalized(String(format: "%.\(Swift.min(Swift.max(decimals, 0), 20))f", x))
    }

    /// A pixel coordinate with two decimals, clamped to ±1,000,000 (far outside any canvas:
    /// the clip path hides such points, the clamp only keeps the numbers short).
    static func coordinate(_ x: Double) -> String {
        fixed(Swift.min(Swift.max(x, -1e6), 1e6), 2)
    }

    /// `formatted` (the output of `String(format:)`) with its decimal separator made "." and a
    /// minus sign dropped when every digit is zero.
    static func normalized(_ formatted: String) -> String {
        var s = ""
        var allZero = true
        var seenExponent = false
        for c in formatted.unicodeScalars {
            if c >= "0" && c <= "9" {
                s.unicodeScalars.append(c)
                if c != "0" && !seenExponent { allZero = false }
            } else if c == "-" || c == "+" {
                s.unicodeScalars.append(c)
            } else if c == "e" || c == "E" {
                seenExponent = true
                s += "e"
            } else {
                s += "."
            }
        }
        if allZero && s.hasPrefix("-") { s.removeFirst() }
        return s
    }

    /// An estimate of the width of `text` in pixels at `fontSize` in a sans-serif font (DejaVu
    /// Sans metrics, rounded up so labels rather get too much room than too little).
    static func width(_ text: String, fontSize: Double) -> Double {
        var em = 0.0
        for c in text.unicodeScalars { em += ems(c) }
        return em * fontSize
    }

    /// The width of one character in ems.
    private static func ems(_ c: Unicode.Scalar) -> Double {
        switch c {
        case "0"..."9": return 0.64
        case "i", "l", "j", "!", "|", ".", ",", ":", ";", "'", " ": return 0.32
        case "f", "t", "r", "(", ")", "[", "]", "-": return 0.42
        case "m", "w", "M", "W": return 0.95
        case "A"..."Z": return 0.72
        default: return c.value < 0x80 ? 0.6 : 1.0
        }
    }

    /// `text`, shortened with a trailing "…" if needed so that its estimated width at
    /// `fontSize` is at most `maxWidth`: the longest prefix of whole characters that fits with
    /// the "…", found in one pass (linear in the length of `text`).
    static func fitted(_ text: String, maxWidth: Double, fontSize: Double) -> String {
        guard width(text, fontSize: fontSize) > maxWidth else { return text }
        let ellipsis = ems("…")
        var em = 0.0
        var end = text.startIndex
        for i in text.indices {
            // The same sums, in the same order, as width(prefix + "…").
            var next = em
            for u in text[i].unicodeScalars { next += ems(u) }
            guard (next + ellipsis) * fontSize <= maxWidth else { break }
            em = next
            end = text.index(after: i)
        }
        return String(text[..<end]) + "…"
    }
}
