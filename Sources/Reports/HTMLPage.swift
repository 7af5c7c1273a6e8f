import TextEscaping

/// A self-contained HTML5 page built from parts: headings, paragraphs, tables, inline SVG and
/// links. The style sheet is inline and nothing is fetched from the network, so the page opens
/// from disk in any browser. The text depends only on what was added (no time stamps), so the
/// same results give the same bytes.
///
/// ```swift
/// var page = HTMLPage(title: "genslm")
/// page.heading("Scaling")
/// page.table(["model", "systems"], [["genslm-123m", "4"]], id: "scaling")
/// try AtomicFile.write(page.render(), to: "out/genslm/report.html")
/// ```
public struct HTMLPage: Sendable {
    /// The page's title (the `<title>` and the first heading).
    public var title: String
    private var body: [String] = []

    /// An empty page titled `title`.
    public init(title: String) {
        self.title = title
    }

    /// `text` escaped for HTML (``MarkupText`` in its HTML dialect: `'` as `&#39;`, control
    /// characters other than tab and line feed as U+FFFD), safe in element content and attribute values.
    public static func escape(_ text: String) -> String { MarkupText.escape(text, for: .html) }

    /// A section heading (`level` 2 or 3) with an anchor `id`.
    public mutating func heading(_ text: String, level: Int = 2, id: String? = nil) {
        let l = min(max(level, 2), 4)
        let anchor = id.map { " id=\"\(Self.escape($0))\"" } ?? ""
        body.append("<h\(l)\(anchor)>\(Self.escape(text))</h\(l)>")
    }

    /// A paragraph of plain text.
    public mutating func paragraph(_ text: String, className: String? = nil) {
        let cls = className.map { " class=\"\(Self.escape($0))\"" } ?? ""
        body.append("<p\(cls)>\(Self.escape(text))</p>")
    }

    /// A table with a header row; cells that read as numbers are right-aligned. `id` lets tests
    /// and links find it; `caption` is shown above it.
    public mutating func table(_ columns: [String], _ rows: [[String]], id: String, caption: String? = nil) {
        var out = ["<div class=\"scroll\"><table id=\"\(Self.escape(id))\">"]
        if let caption { out.append("<caption>\(Self.escape(caption))</caption>") }
        out.append("<thead><tr>" + columns.map { "<th scope=\"col\">\(Self.escape($0))</th>" }.joined() + "</tr></thead>")
        out.append("<tbody>")
        for row in rows {
            out.append("<tr>" + row.map { cell in
                Self.looksNumeric(cell) ? "<td class=\"num\">\(Self.escape(cell))</td>" : "<td>\(Self.escape(cell))</td>"
            }.joined() + "</tr>")
        }
        out.append("</tbody></table></div>")
        body.append(out.joined(separator: "\n"))
    }

    /// `path` as a link to a file inside the page's folder: relative, every byte other than
    /// `A-Z a-z 0-9 - . _ ~` and the `/` between segments percent-encoded, so that no text can
    /// become a scheme (`javascript:`), a query or another host. Nil (no link: the path is shown
    /// as text) for an empty or absolute path, an empty segment, `.`, `..`, or a NUL.
    public static func localHref(_ path: String) -> String? {
        guard !path.isEmpty, !path.hasPrefix("/") else { return nil }
        var out = ""
        for (i, segment) in path.split(separator: "/", omittingEmptySubsequences: false).enumerated() {
            guard !segment.isEmpty, segment != ".", segment != ".." else { return nil }
            if i > 0 { out += "/" }
            for b in segment.utf8 {
                switch b {
                case 0: return nil
                case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                     UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                    out.unicodeScalars.append(Unicode.Scalar(b))
                default:
                    out += "%" + String(b >> 4, radix: 16, uppercase: true) + String(b & 15, radix: 16, uppercase: true)
                }
            }
        }
        return out
    }

    /// A link to the file `path` inside the page's folder showing `text`, or `text` alone (as
    /// code) when `path` is nil or cannot be a safe relative link (``localHref(_:)``).
    static func link(_ path: String?, text: String) -> String {
        guard let path, let href = localHref(path) else { return "<code>\(Self.escape(text))</code>" }
        return "<a href=\"\(href)\">\(Self.escape(text))</a>"
    }

    /// A figure holding an SVG fragment (already made safe to inline, e.g. by the charts'
    /// `SVGEmbed.inline`), with a caption and an optional link to the chart's file.
    public mutating func figure(svg: String, caption: String, file: String? = nil) {
        let link = file.map { " (" + Self.link($0, text: $0) + ")" } ?? ""
        body.append("<figure>\n\(svg)\n<figcaption>\(Self.escape(caption))\(link)</figcaption>\n</figure>")
    }

    /// A list of files: (path inside the page's folder, or nil for a file elsewhere; text; note).
    /// Only paths inside the folder become links (``localHref(_:)``); others are shown as text.
    public mutating func links(_ items: [(href: String?, text: String, note: String)], id: String) {
        var out = ["<ul id=\"\(Self.escape(id))\" class=\"files\">"]
        for i in items {
            let note = i.note.isEmpty ? "" : " — \(Self.escape(i.note))"
            out.append("<li>" + Self.link(i.href, text: i.text) + "\(note)</li>")
        }
        out.append("</ul>")
        body.append(out.joined(separator: "\n"))
    }

    /// Preformatted text under a collapsible heading.
    public mutating func details(_ summary: String, preformatted text: String, id: String) {
        body.append("<details id=\"\(Self.escape(id))\"><summary>\(Self.escape(summary))</summary>"
            + "<pre>\(Self.escape(text))</pre></details>")
    }

    /// A two-column list of (name, value) facts.
    public mutating func facts(_ items: [(String, String)], id: String) {
        var out = ["<dl id=\"\(Self.escape(id))\" class=\"facts\">"]
        for (k, v) in items { out.append("<dt>\(Self.escape(k))</dt><dd>\(Self.escape(v))</dd>") }
        out.append("</dl>")
        body.append(out.joined(separator: "\n"))
    }

    /// The whole document (UTF-8 text ending with a newline).
    public func render() -> String {
        (["<!DOCTYPE html>", "<html lang=\"en\">", "<head>", "<meta charset=\"utf-8\">",
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
          "<title>\(Self.escape(title))</title>", "<style>\(Self.style)</style>", "</head>", "<body>",
          "<h1>\(Self.escape(title))</h1>"] + body + ["</body>", "</html>"]).joined(separator: "\n") + "\n"
    }

    /// True when `cell` is a number (digits with an optional sign, point, exponent or % sign).
    static func looksNumeric(_ cell: String) -> Bool {
        var s = Substring(cell)
        if s.hasSuffix("%") { s = s.dropLast() }
        return !s.isEmpty && Double(s) != nil
    }

    static let style = """
        body{font-family:"DejaVu Sans",Verdana,Arial,sans-serif;margin:24px auto;max-width:1080px;padding:0 16px;color:#222;background:#fff}
        h1{font-size:26px;margin-bottom:4px}h2{font-size:20px;margin-top:32px;border-bottom:2px solid #0072B2;padding-bottom:4px}
        h3{font-size:16px;margin-top:20px}p.note{color:#555;font-size:13px}
        .scroll{overflow-x:auto}table{border-collapse:collapse;font-size:13px;margin:8px 0}
        caption{text-align:left;font-weight:bold;padding:4px 0}
        th,td{border:1px solid #ccc;padding:3px 8px}th{background:#e8f0f8;text-align:left}
        td.num{text-align:right;font-variant-numeric:tabular-nums}tbody tr:nth-child(even){background:#f6f6f6}
        figure{margin:16px 0}figure svg{max-width:100%;height:auto;border:1px solid #ddd}figcaption{font-size:13px;color:#555}
        dl.facts{display:grid;grid-template-columns:max-content auto;gap:2px 16px;font-size:14px}dt{font-weight:bold}dd{margin:0}
        pre{background:#f6f6f6;padding:8px;font-size:12px;overflow-x:auto}ul.files{font-size:14px}
        """
}

extension CSVField {
    /// The field as a report shows it: the CSV text, without CSV quoting.
    public var displayText: String {
        if case .string(let s) = self { return s }
        return rendered
    }
}
