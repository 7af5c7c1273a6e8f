import Foundation
import SimEngine

/// A ``TraceSink`` that writes the Chrome Trace Event Format (JSON), which ui.perfetto.dev and
/// chrome://tracing open. See docs/perfetto.md.
///
/// Every track is a thread (a named row) and every group a process: tracks passed straight to
/// the trace are grouped by name ("CS-2 …" under "CS-2 systems", "MemoryX …" under "MemoryX",
/// "SwarmX …" under "SwarmX", "Cluster" under "Cluster", anything else under "Jobs"); tracks of a
/// ``group(_:)`` go under that group's name. Processes and threads are numbered in order of first
/// use, spans become "X" events, instants "i" and counters "C"; times are simulated time in
/// microseconds with three decimals, so every nanosecond survives. The same calls give the same
/// bytes.
///
/// **Cap.** At most `maxEvents` events (default 500,000, about 40 MB of JSON) are kept; later ones
/// are counted and dropped, so a long or `--full-detail` run cannot fill the disk or the viewer's
/// memory. Process and thread names do not count. When anything was dropped, the file ends with
/// a global instant "trace capped: N events dropped" at the time of the first dropped event, and
/// `otherData` gives `max_events`, `recorded_events` and `dropped_events`.
///
/// ```swift
/// let trace = ChromeTrace()
/// trace.span(track: "CS-2 0", name: "L0 fwd m0", start: .zero, end: SimTime(nanoseconds: 1_500))
/// try trace.write(to: "out/trace.json")
/// ```
public final class ChromeTrace: TraceSink {
    /// Events kept at most (process and thread names not counted).
    public let maxEvents: Int
    /// Events received after the cap was reached.
    @exclusivity(unchecked) public private(set) var droppedEvents = 0
    /// Events kept.
    public var recordedEvents: Int { records.count }

    struct Record {
        var ts: Int64
        var dur: Int64
        var value: Double
        var track: Int32
        var name: Int32
        var phase: UInt8
    }

    struct TrackKey: Hashable {
        var process: Int32
        var name: String
    }

    // Touched for every event (the dropped ones too): exempt from the runtime exclusivity check.
    @exclusivity(unchecked) var records: [Record] = []
    var names: [String] = []
    var nameIDs: [String: Int32] = [:]
    var processNames: [String] = []
    var processIDs: [String: Int32] = [:]
    var tracks: [TrackKey] = []
    var trackIDs: [TrackKey: Int32] = [:]
    @exclusivity(unchecked) var firstDropped: Int64?

    static let spanPhase = UInt8(ascii: "X"), instantPhase = UInt8(ascii: "i"), counterPhase = UInt8(ascii: "C")

    /// An empty trace keeping at most `maxEvents` events (negative counts as zero).
    public init(maxEvents: Int = 500_000) {
        self.maxEvents = max(0, maxEvents)
    }

    /// Records a span on `track` (an "X" event).
    public func span(track: String, name: String, start: SimTime, end: SimTime) {
        add(Self.spanPhase, process: nil, track, name, start.nanoseconds, max(0, end.nanoseconds &- start.nanoseconds), 0)
    }

    /// Records an instant on `track` (an "i" event).
    public func instant(track: String, name: String, at: SimTime) {
        add(Self.instantPhase, process: nil, track, name, at.nanoseconds, 0, 0)
    }

    /// Records counter `name`'s value from `at` on (a "C" event).
    public func counter(track: String, name: String, at: SimTime, value: Double) {
        add(Self.counterPhase, process: nil, track, name, at.nanoseconds, 0, value)
    }

    /// A sink whose tracks all go under one process named `name` (the same name gives the same
    /// process).
    public func group(_ name: String) -> any TraceSink {
        Group(trace: self, process: processID(name))
    }

    /// The tracks of one ``ChromeTrace/group(_:)``.
    final class Group: TraceSink {
        let trace: ChromeTrace
        let process: Int32
        init(trace: ChromeTrace, process: Int32) {
            self.trace = trace
            self.process = process
        }
        func span(track: String, name: String, start: SimTime, end: SimTime) {
            trace.add(ChromeTrace.spanPhase, process: process, track, name, start.nanoseconds,
                      max(0, end.nanoseconds &- start.nanoseconds), 0)
        }
        func instant(track: String, name: String, at: SimTime) {
            trace.add(ChromeTrace.instantPhase, process: process, track, name, at.nanoseconds, 0, 0)
        }
        func counter(track: String, name: String, at: SimTime, value: Double) {
            trace.add(ChromeTrace.counterPhase, process: process, track, name, at.nanoseconds, 0, value)
        }
        func group(_ name: String) -> any TraceSink { trace.group(name) }
    }

    /// The process a track passed straight to the trace belongs to.
    static func defaultGroup(ofTrack track: String) -> String {
        for system in ["CS-2", "CS-3"] where track.hasPrefix(system) { return "\(system) systems" }
        if track.hasPrefix("MemoryX") { return "MemoryX" }
        if track.hasPrefix("SwarmX") { return "SwarmX" }
        if track == "Cluster" { return "Cluster" }
        return "Jobs"
    }

    func processID(_ name: String) -> Int32 {
        if let p = processIDs[name] { return p }
        let p = Int32(truncatingIfNeeded: processNames.count)
        processNames.append(name)
        processIDs[name] = p
        return p
    }

    func add(_ phase: UInt8, process: Int32?, _ track: String, _ name: String, _ ts: Int64, _ dur: Int64, _ value: Double) {
        guard records.count < maxEvents else {
            droppedEvents += 1
            if firstDropped == nil { firstDropped = ts }
            return
        }
        guard value.isFinite else { return }
        let key = TrackKey(process: process ?? processID(Self.defaultGroup(ofTrack: track)), name: track)
        let t: Int32
        if let known = trackIDs[key] { t = known } else {
            t = Int32(truncatingIfNeeded: tracks.count)
            tracks.append(key)
            trackIDs[key] = t
        }
        let n: Int32
        if let known = nameIDs[name] { n = known } else {
            n = Int32(truncatingIfNeeded: names.count)
            names.append(name)
            nameIDs[name] = n
        }
        records.append(Record(ts: ts, dur: dur, value: value, track: t, name: n, phase: phase))
    }

    // MARK: Output

    /// The trace as JSON text: `{"traceEvents":[…],"otherData":{…}}`, one event per line.
    public func render() -> String {
        String(decoding: renderBytes(), as: UTF8.self)
    }

    /// Renders the trace and writes it to `path` with ``AtomicFile`` (a staged file; a trace a
    /// user names goes through the overload taking a ``SingleFileOutput``).
    public func write(to path: String) throws(ReportError) {
        try AtomicFile.write(Data(renderBytes()), to: path)
    }

    /// Renders the trace and writes it to `output` (``SingleFileOutput``: a new path or a trace
    /// this program wrote). Throws ``OutputRefused`` or ``ReportError``.
    public func write(to output: SingleFileOutput) throws {
        try output.write(Data(renderBytes()))
    }

    /// How every trace starts.
    static let opening = #"{"traceEvents":["#
    /// What every trace holds before its three counts: its writer's mark.
    static let generatorRecord = "\n],\n" + #""otherData":{"generator":"andromeda-sim","clock":"simulated time, microseconds","#
        + #""max_events":"#

    /// Whether a file that starts with `head` and ends with `tail` is a trace this type wrote: it
    /// opens as every trace does and ends with the writer's record and its three counts
    /// (`…"max_events":N,"recorded_events":N,"dropped_events":N}}` and a line end).
    static func isWrittenByThisProgram(head: [UInt8], tail: [UInt8]) -> Bool {
        let mark = Array(generatorRecord.utf8)
        guard head.starts(with: opening.utf8), tail.count >= mark.count,
              let at = (0...(tail.count - mark.count)).last(where: { tail[$0..<($0 + mark.count)].elementsEqual(mark) }) else { return false }
        // Only ASCII follows the mark, so the bytes after it decode whole.
        let rest = String(decoding: tail[(at + mark.count)...], as: UTF8.self)
        guard rest.hasSuffix("}}\n") else { return false }
        let counts = rest.dropLast(3).split(separator: ",", omittingEmptySubsequences: false)
        let keys = ["", #""recorded_events":"#, #""dropped_events":"#]
        guard counts.count == keys.count else { return false }
        return zip(counts, keys).allSatisfy { count, key in
            count.hasPrefix(key) && count.count > key.count && count.dropFirst(key.count).allSatisfy { $0.isASCII && $0.isNumber }
        }
    }

    func renderBytes() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(96 * (records.count + 2 * tracks.count) + 512)
        out += Array(Self.opening.utf8)
        var first = true
        func open() {
            out += first ? [0x0A] : [0x2C, 0x0A]
            first = false
        }
        // Names: processes and threads (pid = process + 1, tid = track + 1; a process's metadata
        // carry the tid of its first track, so no thread appears that has no events).
        var processFirstTrack = [Int32](repeating: -1, count: processNames.count)
        for (t, key) in tracks.enumerated() where processFirstTrack[Int(key.process)] < 0 {
            processFirstTrack[Int(key.process)] = Int32(t)
        }
        for (p, name) in processNames.enumerated() where processFirstTrack[p] >= 0 {
            let ids = #","pid":"# + String(p + 1) + #","tid":"# + String(processFirstTrack[p] + 1)
            open()
            out += Array((#"{"ph":"M","name":"process_name""# + ids + #","args":{"name":"#).utf8)
            out += Self.escaped(name)
            out += Array("}}".utf8)
            open()
            out += Array((#"{"ph":"M","name":"process_sort_index""# + ids + #","args":{"sort_index":"# + String(p + 1) + "}}").utf8)
        }
        for (t, key) in tracks.enumerated() {
            let ids = #","pid":"# + String(key.process + 1) + #","tid":"# + String(t + 1)
            open()
            out += Array((#"{"ph":"M","name":"thread_name""# + ids + #","args":{"name":"#).utf8)
            out += Self.escaped(key.name)
            out += Array("}}".utf8)
            open()
            out += Array((#"{"ph":"M","name":"thread_sort_index""# + ids + #","args":{"sort_index":"# + String(t + 1) + "}}").utf8)
        }
        // Events, in the order received.
        let escapedNames = names.map(Self.escaped)
        let ids = tracks.enumerated().map { t, key in
            Array((#","pid":"# + String(key.process + 1) + #","tid":"# + String(t + 1) + #","ts":"#).utf8)
        }
        for r in records {
            open()
            switch r.phase {
            case Self.spanPhase: out += Array(#"{"ph":"X""#.utf8)
            case Self.instantPhase: out += Array(#"{"ph":"i","s":"t""#.utf8)
            default: out += Array(#"{"ph":"C""#.utf8)
            }
            out += ids[Int(r.track)]
            Self.appendMicroseconds(r.ts, to: &out)
            if r.phase == Self.spanPhase {
                out += Array(#","dur":"#.utf8)
                Self.appendMicroseconds(r.dur, to: &out)
            }
            out += Array(#","name":"#.utf8)
            out += escapedNames[Int(r.name)]
            if r.phase == Self.counterPhase {
                out += Array(#","args":{"value":"#.utf8)
                out += Array(Self.number(r.value).utf8)
                out += [0x7D]
            }
            out += [0x7D]
        }
        if droppedEvents > 0 {
            open()
            out += Array(#"{"ph":"i","s":"g","pid":1,"tid":1,"ts":"#.utf8)
            Self.appendMicroseconds(firstDropped ?? 0, to: &out)
            out += Array((#","name":"trace capped: "# + String(droppedEvents) + " events dropped after the first "
                + String(maxEvents) + #"","args":{"dropped_events":"# + String(droppedEvents)
                + #","max_events":"# + String(maxEvents) + "}}").utf8)
        }
        out += Array((Self.generatorRecord + String(maxEvents) + #","recorded_events":"# + String(records.count)
            + #","dropped_events":"# + String(droppedEvents) + "}}\n").utf8)
        return out
    }

    /// `s` as a JSON string literal, UTF-8.
    static func escaped(_ s: String) -> [UInt8] {
        var text = ""
        JSONOutput.escape(s, into: &text)
        return Array(text.utf8)
    }

    /// Nanoseconds as microseconds with exactly three decimals ("1234.567").
    static func appendMicroseconds(_ ns: Int64, to out: inout [UInt8]) {
        if ns < 0 { out.append(UInt8(ascii: "-")) }
        let m = ns.magnitude
        out += Array(String(m / 1000).utf8)
        let frac = m % 1000
        out.append(UInt8(ascii: "."))
        out.append(UInt8(ascii: "0") + UInt8(frac / 100))
        out.append(UInt8(ascii: "0") + UInt8(frac / 10 % 10))
        out.append(UInt8(ascii: "0") + UInt8(frac % 10))
    }

    /// A counter value: integers without a point, anything else in the shortest exact form.
    static func number(_ x: Double) -> String {
        if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
        return NumberFormat.shortest(x) ?? "0"
    }
}
