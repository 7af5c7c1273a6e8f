import TextEscaping

/// One field of a CSV row.
public enum CSVField: Equatable, Sendable {
    /// Text, quoted when it contains a comma, a double quote, CR or LF; a leading `=`, `+`, `-`,
    /// `@`, tab or CR of text that is not a number gets a `'` first (``CSVText``).
    case string(String)
    /// An integer, in decimal.
    case int(Int64)
    /// A number with exactly `decimals` digits after the point (clamped to 0...20; `"%.*f"` in the
    /// C locale, no exponent, no minus sign on zero). NaN and infinities are rendered empty.
    case double(Double, decimals: Int)
    /// `true` or `false`.
    case bool(Bool)
    /// An empty field.
    case empty

    /// The field as it appears in the file, quoted if needed.
    var rendered: String {
        switch self {
        case .string(let s): return CSVTable.quote(s)
        case .int(let i): return i.description
        case .double(let x, let decimals): return NumberFormat.fixed(x, decimals: decimals) ?? ""
        case .bool(let b): return b ? "true" : "false"
        case .empty: return ""
        }
    }
}

/// A CSV table (RFC 4180) with a header row, rendered byte-identically from run to run.
///
/// Lines end with "\n" (including the last); fields containing a comma, a double quote, CR or LF
/// are enclosed in double quotes with their double quotes doubled, and text a spreadsheet would
/// run as a formula starts with `'` (``CSVText``).
///
/// ```swift
/// var t = CSVTable(columns: ["system", "utilization"])
/// try t.append([.int(0), .double(0.8125, decimals: 3)])
/// try AtomicFile.write(t.render(), to: "out/util.csv")   // "system,utilization\n0,0.813\n"
/// ```
public struct CSVTable: Equatable, Sendable {
    /// The column names, in order.
    public let columns: [String]
    /// The rows appended so far.
    public private(set) var rows: [[CSVField]] = []

    /// Creates a table with the given column names (the header row).
    public init(columns: [String]) {
        self.columns = columns
    }

    /// Appends a row; throws (and appends nothing) if it does not have one field per column.
    public mutating func append(_ row: [CSVField]) throws(ReportError) {
        guard row.count == columns.count else {
            throw ReportError("CSV row \(rows.count + 1) has \(row.count) field\(row.count == 1 ? "" : "s"); "
                + "the table has \(columns.count) column\(columns.count == 1 ? "" : "s"): \(columns.joined(separator: ", "))")
        }
        rows.append(row)
    }

    /// The table as CSV text: the header line, then one line per row, each ending with "\n".
    public func render() -> String {
        var out = columns.map(Self.quote).joined(separator: ",") + "\n"
        for row in rows {
            var first = true
            for field in row {
                if !first { out += "," }
                first = false
                out += field.rendered
            }
            out += "\n"
        }
        return out
    }

    /// Renders the table and writes it to `path` with ``AtomicFile``.
    public func write(to path: String) throws(ReportError) {
        try AtomicFile.write(render(), to: path)
    }

    /// `s` as a CSV field: ``CSVText/field(_:)`` (quoted when needed, a spreadsheet formula
    /// neutralised).
    static func quote(_ s: String) -> String { CSVText.field(s) }
}
