/// A recursive-descent RFC 8259 parser over UTF-8 bytes that tracks the JSON path of the value
/// being parsed, so every error names the path as well as the line and column.
struct JSONParser {
    /// Deeper documents are rejected rather than risking a stack overflow.
    static let maxDepth = 512

    let bytes: [UInt8]
    let file: String
    /// The most values the document may hold (``JSONValue/maxValues`` unless a caller lowers it).
    let maxValues: Int
    var pos = 0
    var start = 0
    var depth = 0
    /// The values parsed so far.
    var values = 0

    init(bytes: [UInt8], file: String, maxValues: Int = JSONValue.maxValues) {
        self.bytes = bytes
        self.file = file
        self.maxValues = maxValues
    }

    mutating func parseDocument() throws(ScenarioError) -> JSONValue {
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
            pos = 3
            start = 3
        }
        skipWhitespace()
        if pos >= bytes.count { throw fail("the document is empty; expected a JSON value", path: JSONPath.root) }
        let value = try parseValue(path: JSONPath.root)
        skipWhitespace()
        if pos < bytes.count {
            throw fail("unexpected \(found()) after the end of the JSON document", path: JSONPath.root)
        }
        return value
    }

    // MARK: - Values

    mutating func parseValue(path: String) throws(ScenarioError) -> JSONValue {
        guard pos < bytes.count else { throw fail("unexpected end of input; expected a value", path: path) }
        // Counted before the value is built, so that memory stays bounded whatever the document.
        try count(1, path: path)
        switch bytes[pos] {
        case UInt8(ascii: "{"): return try parseObject(path: path)
        case UInt8(ascii: "["): return try parseArray(path: path)
        case UInt8(ascii: "\""):
            let begin = pos
            let s = try parseString(path: path)
            try countBlock(of: s, at: begin, path: path)
            return .string(s)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber(path: path)
        case UInt8(ascii: "t"): try literal("true", path: path); return .bool(true)
        case UInt8(ascii: "f"): try literal("false", path: path); return .bool(false)
        case UInt8(ascii: "n"): try literal("null", path: path); return .null
        case UInt8(ascii: "'"): throw fail("strings must use double quotes (\")", path: path)
        case UInt8(ascii: "/"): throw fail("comments are not allowed in JSON", path: path)
        default: throw fail("expected a value (object, array, string, number, true, false or null), found \(found())", path: path)
        }
    }

    mutating func literal(_ word: String, path: String) throws(ScenarioError) {
        let w = Array(word.utf8)
        guard pos + w.count <= bytes.count, Array(bytes[pos..<pos + w.count]) == w,
              pos + w.count == bytes.count || !isWordByte(bytes[pos + w.count]) else {
            throw fail("expected a value (object, array, string, number, true, false or null), found \(found())", path: path)
        }
        pos += w.count
    }

    mutating func parseObject(path: String) throws(ScenarioError) -> JSONValue {
        try enter(path: path)
        defer { depth -= 1 }
        pos += 1  // {
        var members: [(key: String, value: JSONValue)] = []
        var firstSeen: [String: Int] = [:]
        skipWhitespace()
        if peek(UInt8(ascii: "}")) { pos += 1; return .object(members) }
        while true {
            skipWhitespace()
            guard peek(UInt8(ascii: "\"")) else {
                if peek(UInt8(ascii: "}")) && !members.isEmpty {
                    throw fail("trailing comma before '}' is not allowed", path: path)
                }
                throw fail("expected a member name in double quotes, found \(found())", path: path)
            }
            let keyOffset = pos
            let key = try parseString(path: path)
            let memberPath = JSONPath.member(path, key)
            try countBlock(of: key, at: keyOffset, path: memberPath)
            if let first = firstSeen[key] {
                let (line, column) = location(first)
                pos = keyOffset
                throw fail("duplicate key \(JSONPath.quoted(key)) (first defined at line \(line), column \(column))", path: memberPath)
            }
            firstSeen[key] = keyOffset
            skipWhitespace()
            guard peek(UInt8(ascii: ":")) else {
                throw fail("expected ':' after member name \(JSONPath.quoted(key)), found \(found())", path: memberPath)
            }
            pos += 1
            skipWhitespace()
            let value = try parseValue(path: memberPath)
            members.append((key, value))
            skipWhitespace()
            if peek(UInt8(ascii: ",")) { pos += 1; continue }
            if peek(UInt8(ascii: "}")) { pos += 1; return .object(members) }
            throw fail("expected ',' or '}' after a member of the object, found \(found())", path: path)
        }
    }

    mutating func parseArray(path: String) throws(ScenarioError) -> JSONValue {
        try enter(path: path)
        defer { depth -= 1 }
        pos += 1  // [
        var elements: [JSONValue] = []
        skipWhitespace()
        if peek(UInt8(ascii: "]")) { pos += 1; return .array(elements) }
        while true {
            skipWhitespace()
            let elementPath = JSONPath.element(path, elements.count)
            if peek(UInt8(ascii: "]")) && !elements.isEmpty {
                throw fail("trailing comma before ']' is not allowed", path: elementPath)
            }
            elements.append(try parseValue(path: elementPath))
            skipWhitespace()
            if peek(UInt8(ascii: ",")) { pos += 1; continue }
            if peek(UInt8(ascii: "]")) { pos += 1; return .array(elements) }
            throw fail("expected ',' or ']' after an element of the array, found \(found())", path: path)
        }
    }

    /// Counts one more value for a string or member name `text` (parsed from `offset`) too long to
    /// be held inline (over 15 UTF-8 bytes): it takes a block of its own. A refusal points at it.
    mutating func countBlock(of text: String, at offset: Int, path: String) throws(ScenarioError) {
        guard text.utf8.count > 15 else { return }
        let end = pos
        pos = offset
        try count(1, path: path)
        pos = end
    }

    /// Counts `n` more values; throws past `maxValues` (`JSONValue.maxValues` by default).
    mutating func count(_ n: Int, path: String) throws(ScenarioError) {
        values += n
        guard values <= maxValues else {
            throw fail("too many values: the document holds more than \(maxValues) (objects, arrays, strings, numbers, "
                + "booleans and nulls; a string or member name of more than 15 bytes counts one more); allowed: at most \(maxValues)", path: path)
        }
    }

    mutating func enter(path: String) throws(ScenarioError) {
        depth += 1
        if depth > Self.maxDepth {
            throw fail("nesting is too deep (allowed: at most \(Self.maxDepth) levels)", path: path)
        }
    }

    // MARK: - Helpers

    func peek(_ b: UInt8) -> Bool { pos < bytes.count && bytes[pos] == b }

    mutating func skipWhitespace() {
        while pos < bytes.count {
            switch bytes[pos] {
            case 0x20, 0x09, 0x0A, 0x0D: pos += 1
            default: return
            }
        }
    }

    func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }

    func isWordByte(_ b: UInt8) -> Bool {
        isDigit(b) || (b | 0x20 >= UInt8(ascii: "a") && b | 0x20 <= UInt8(ascii: "z")) || b == UInt8(ascii: "_")
            || b == UInt8(ascii: ".") || b >= 0x80
    }

    func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return b - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// A description of what is at the current position, for messages.
    func found() -> String {
        guard pos < bytes.count else { return "end of input" }
        let b = bytes[pos]
        if b >= 0x21 && b <= 0x7E {
            // Show a whole word (such as `True` or `NaN`) rather than its first letter.
            var end = pos
            while end < bytes.count, end - pos < 20, isWordByte(bytes[end]), bytes[end] < 0x80 { end += 1 }
            let word = end > pos + 1 ? String(decoding: bytes[pos..<end], as: UTF8.self) : String(UnicodeScalar(b))
            return "'\(word)'"
        }
        let tail = bytes[pos..<min(pos + 4, bytes.count)]
        if let scalar = String(decoding: tail, as: UTF8.self).unicodeScalars.first, scalar != "\u{FFFD}" {
            let hex = String(scalar.value, radix: 16, uppercase: true)
            return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        }
        return "invalid UTF-8 byte 0x" + String(b, radix: 16, uppercase: true)
    }

    /// The 1-based line and column (in Unicode scalars) of byte `offset`.
    func location(_ offset: Int) -> (line: Int, column: Int) {
        var line = 1, column = 1
        var i = start
        let end = min(offset, bytes.count)
        while i < end {
            let b = bytes[i]
            if b == 0x0A {
                line += 1
                column = 1
            } else if b & 0xC0 != 0x80 {
                column += 1
            }
            i += 1
        }
        return (line, column)
    }

    /// An error at the current position.
    func fail(_ message: String, path: String) -> ScenarioError {
        let (line, column) = location(pos)
        return ScenarioError(file: file, path: path, message: "line \(line), column \(column): \(message)")
    }
}
