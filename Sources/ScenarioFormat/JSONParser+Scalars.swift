/// Numbers and strings.
extension JSONParser {
    // MARK: - Numbers

    mutating func parseNumber(path: String) throws(ScenarioError) -> JSONValue {
        let begin = pos
        var isInteger = true
        if peek(UInt8(ascii: "-")) { pos += 1 }
        guard pos < bytes.count, isDigit(bytes[pos]) else {
            throw fail("expected a digit after '-', found \(found())", path: path)
        }
        if bytes[pos] == UInt8(ascii: "0") {
            pos += 1
            if pos < bytes.count, isDigit(bytes[pos]) {
                throw fail("numbers must not have leading zeros", path: path)
            }
        } else {
            skipDigits()
        }
        if peek(UInt8(ascii: ".")) {
            isInteger = false
            pos += 1
            guard pos < bytes.count, isDigit(bytes[pos]) else {
                throw fail("expected a digit after '.', found \(found())", path: path)
            }
            skipDigits()
        }
        if peek(UInt8(ascii: "e")) || peek(UInt8(ascii: "E")) {
            isInteger = false
            pos += 1
            if peek(UInt8(ascii: "+")) || peek(UInt8(ascii: "-")) { pos += 1 }
            guard pos < bytes.count, isDigit(bytes[pos]) else {
                throw fail("expected a digit in the exponent, found \(found())", path: path)
            }
            skipDigits()
        }
        if pos < bytes.count, isWordByte(bytes[pos]) {
            throw fail("unexpected \(found()) in a number", path: path)
        }
        let token = String(decoding: bytes[begin..<pos], as: UTF8.self)
        let shown = token.count <= 40 ? token : String(token.prefix(37)) + "..."
        if isInteger {
            if let value = Int64(token) { return .integer(value) }
            // Beyond 64 bits: kept as its nearest Double, so that the field that reads it reports
            // its own range (an integer field refuses it: no integer field reaches 2^63).
            guard let value = Double(token), value.isFinite else {
                pos = begin
                throw fail("number \(shown) is out of range; allowed: magnitude at most \(Double.greatestFiniteMagnitude)", path: path)
            }
            return .number(value)
        }
        guard let value = Double(token), value.isFinite else {
            pos = begin
            throw fail("number \(shown) is out of range; allowed: magnitude at most \(Double.greatestFiniteMagnitude)", path: path)
        }
        // A Double that is an integer although the written value is not exactly it: marked, so
        // that integer fields refuse it instead of reading it rounded.
        if value.rounded(.towardZero) == value {
            switch DecimalLiteral(token) {
            // An integer written exactly, or one whose Double lies outside Int64 (integer fields
            // report their own range for it).
            case .integer(let n) where Int64(exactly: value) == n || Int64(exactly: value) == nil: break
            case .beyondInt64: break
            default: return .rounded(value)
            }
        }
        return .number(value)
    }

    mutating func skipDigits() {
        while pos < bytes.count, isDigit(bytes[pos]) { pos += 1 }
    }

    // MARK: - Strings

    mutating func parseString(path: String) throws(ScenarioError) -> String {
        let begin = pos
        pos += 1  // opening quote
        var buffer: [UInt8] = []
        while true {
            guard pos < bytes.count else {
                pos = begin
                throw fail("unterminated string", path: path)
            }
            let b = bytes[pos]
            switch b {
            case UInt8(ascii: "\""):
                pos += 1
                guard let s = String(validating: buffer, as: UTF8.self) else {
                    pos = begin
                    throw fail("string is not valid UTF-8", path: path)
                }
                return s
            case UInt8(ascii: "\\"):
                try parseEscape(into: &buffer, path: path)
            case 0..<0x20:
                let what = b == 0x0A ? "line break (unterminated string?)" : "control character"
                throw fail("\(what) in a string must be escaped", path: path)
            default:
                buffer.append(b)
                pos += 1
            }
        }
    }

    mutating func parseEscape(into buffer: inout [UInt8], path: String) throws(ScenarioError) {
        pos += 1  // backslash
        guard pos < bytes.count else { throw fail("unterminated string", path: path) }
        let c = bytes[pos]
        pos += 1
        switch c {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): buffer.append(c)
        case UInt8(ascii: "b"): buffer.append(0x08)
        case UInt8(ascii: "f"): buffer.append(0x0C)
        case UInt8(ascii: "n"): buffer.append(0x0A)
        case UInt8(ascii: "r"): buffer.append(0x0D)
        case UInt8(ascii: "t"): buffer.append(0x09)
        case UInt8(ascii: "u"):
            let escapeStart = pos - 2
            var code = UInt32(try hex4(path: path))
            if (0xD800...0xDBFF).contains(code) {
                guard pos + 1 < bytes.count, bytes[pos] == UInt8(ascii: "\\"), bytes[pos + 1] == UInt8(ascii: "u") else {
                    pos = escapeStart
                    throw fail("high surrogate \\u\(String(code, radix: 16, uppercase: true)) is not followed by a low surrogate", path: path)
                }
                pos += 2
                let low = UInt32(try hex4(path: path))
                guard (0xDC00...0xDFFF).contains(low) else {
                    pos = escapeStart
                    throw fail("high surrogate \\u\(String(code, radix: 16, uppercase: true)) is not followed by a low surrogate", path: path)
                }
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(code) {
                pos = escapeStart
                throw fail("lone low surrogate \\u\(String(code, radix: 16, uppercase: true))", path: path)
            }
            guard let scalar = Unicode.Scalar(code) else {
                pos = escapeStart
                throw fail("invalid \\u escape", path: path)
            }
            UTF8.encode(scalar) { buffer.append($0) }
        default:
            pos -= 2
            throw fail("invalid escape sequence; allowed: \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX", path: path)
        }
    }

    mutating func hex4(path: String) throws(ScenarioError) -> UInt16 {
        var value: UInt16 = 0
        for _ in 0..<4 {
            guard pos < bytes.count, let digit = hexValue(bytes[pos]) else {
                throw fail("expected 4 hexadecimal digits after \\u, found \(found())", path: path)
            }
            value = value << 4 | UInt16(digit)
            pos += 1
        }
        return value
    }
}
