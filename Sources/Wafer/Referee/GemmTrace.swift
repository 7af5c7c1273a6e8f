import SimEngine

/// A request to trace the cores of a sub-rectangle of the grid: every weight block's arrival
/// (head to tail), every compute and every partial-sum send becomes a span on one of the core's
/// three tracks ("core r,c weights", "core r,c compute", "core r,c sum": spans on each follow one
/// another) of `sink`, times converted from cycles at the problem's clock.
public struct GemmTraceRequest {
    /// Where the spans go (for example a Reports `ChromeTrace`, which caps its size).
    public var sink: any TraceSink
    /// Grid rows traced.
    public var rows: Range<Int>
    /// Grid columns traced.
    public var columns: Range<Int>
    /// Most cores a rectangle may hold.
    public static let maxCores = 4096

    /// Traces rows x columns into `sink`.
    public init(sink: any TraceSink, rows: Range<Int>, columns: Range<Int>) {
        self.sink = sink
        self.rows = rows
        self.columns = columns
    }

    /// Throws unless the rectangle is non-empty, inside the grid and at most ``maxCores`` cores.
    public func validate(rows gridRows: Int, columns gridColumns: Int) throws(GemmProblemError) {
        guard !rows.isEmpty, rows.lowerBound >= 0, rows.upperBound <= gridRows else {
            throw GemmProblemError(parameter: "trace.rows", message: "must be a non-empty range inside 0..<\(gridRows) (got \(rows))")
        }
        guard !columns.isEmpty, columns.lowerBound >= 0, columns.upperBound <= gridColumns else {
            throw GemmProblemError(parameter: "trace.columns", message: "must be a non-empty range inside 0..<\(gridColumns) (got \(columns))")
        }
        guard rows.count * columns.count <= Self.maxCores else {
            throw GemmProblemError(parameter: "trace", message: "at most \(Self.maxCores) cores (got \(rows.count) x \(columns.count))")
        }
    }
}

/// Turns the referee's per-core happenings into spans; only cores inside the rectangle cost more
/// than two comparisons. Track names are built once.
final class TraceWriter {
    let sink: any TraceSink
    let rows: Range<Int>, columns: Range<Int>
    let nanosecondsPerCycle: Double
    let tracks: [String]

    init(_ request: GemmTraceRequest, problem: GemmProblem) {
        sink = request.sink
        rows = request.rows
        columns = request.columns
        nanosecondsPerCycle = 1e9 / problem.clockHz
        var names: [String] = []
        for r in rows {
            for c in columns {
                for part in ["weights", "compute", "sum"] { names.append("core \(r),\(c) \(part)") }
            }
        }
        tracks = names
    }

    @inline(__always)
    func track(_ r: Int, _ c: Int, _ part: Int) -> String? {
        guard rows.contains(r), columns.contains(c) else { return nil }
        return tracks[((r - rows.lowerBound) * columns.count + (c - columns.lowerBound)) * 3 + part]
    }

    func time(_ cycles: Double) -> SimTime {
        let ns = (cycles * nanosecondsPerCycle).rounded()
        return SimTime(nanoseconds: ns.isFinite && ns >= 0 ? Int64(min(ns, 9e18)) : 0)
    }

    func weights(row r: Int, column c: Int, block b: Int, head: Double, tail: Double) {
        guard let t = track(r, c, 0) else { return }
        sink.span(track: t, name: "weights b\(b)", start: time(head), end: time(tail))
    }

    func compute(row r: Int, column c: Int, block b: Int, start: Double, end: Double) {
        guard let t = track(r, c, 1) else { return }
        sink.span(track: t, name: "compute b\(b)", start: time(start), end: time(end))
    }

    func sum(row r: Int, column c: Int, block b: Int, start: Double, end: Double) {
        guard let t = track(r, c, 2) else { return }
        sink.span(track: t, name: "sum b\(b)", start: time(start), end: time(end))
    }
}
