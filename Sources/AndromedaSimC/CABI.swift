#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import AndromedaSim
import Foundation
import Reports
import ScenarioFormat
import SimEngine

// The C ABI of andromeda-sim (the dynamic library libandromeda_sim_c): JSON in, JSON out.
// andromeda_sim.h in this folder is its header; docs/api.md documents it beside the Python API.
//
// Ownership: every string andromeda_call returns was allocated with malloc and belongs to the
// caller, who releases it with andromeda_free. The request string is only read during the call.
// State: none that outlives a call, except in a session the caller creates and frees
// (andromeda_session_new, andromeda_session_call, andromeda_session_free: a bounded, locked cache
// of deterministic work, so replies are the same bytes); calls on several threads at once are
// independent (each carries its own progress reporter and cancellation flag).

/// `int (*)(double fraction, void *context)`: called with the fraction of the work done (0...1);
/// a nonzero return asks the call to stop (it then returns the error kind "cancelled").
public typealias AndromedaProgress = @convention(c) (Double, UnsafeMutableRawPointer?) -> Int32

/// Runs one request (a JSON object with an `"op"`; see docs/api.md) and returns the reply, a JSON
/// object `{"ok": ...}` or `{"error": {...}}`, as a malloc'd NUL-terminated UTF-8 string the caller
/// frees with ``andromeda_free(_:)``. NULL only when memory for the reply cannot be allocated.
@_cdecl("andromeda_call")
public func andromeda_call(_ request: UnsafePointer<CChar>?, _ progress: AndromedaProgress?,
                           _ context: UnsafeMutableRawPointer?) -> UnsafeMutablePointer<CChar>? {
    replyPointer(Call(progress: progress, context: context, session: nil), request)
}

/// The malloc'd reply of `call` to `request`.
private func replyPointer(_ call: Call, _ request: UnsafePointer<CChar>?) -> UnsafeMutablePointer<CChar>? {
    let reply: String
    if let request {
        if let text = String(validatingCString: request) {
            reply = call.reply(to: text)
        } else {
            reply = Call.errorReply(kind: "input", message: "the request is not valid UTF-8", path: nil)
        }
    } else {
        reply = Call.errorReply(kind: "input", message: "the request is a null pointer; give a JSON object such as {\"op\": \"version\"}",
                                path: nil)
    }
    return strdup(reply)
}

/// A session: what calls made through it may reuse (``TrainingCache``: wafers, the mapping
/// model's searches, jitter draws), owned by the caller, who creates it with
/// ``andromeda_session_new()`` and releases it with ``andromeda_session_free(_:)``. Replies are
/// the same bytes as without a session; calls on several threads may share one (a lock inside).
final class Session: @unchecked Sendable {
    let training: TrainingCache
    init(training: TrainingCache = TrainingCache()) { self.training = training }
}

/// A new session (never NULL).
@_cdecl("andromeda_session_new")
public func andromeda_session_new() -> UnsafeMutableRawPointer {
    Unmanaged.passRetained(Session()).toOpaque()
}

/// Releases a session (NULL is ignored); no call may be using it.
@_cdecl("andromeda_session_free")
public func andromeda_session_free(_ session: UnsafeMutableRawPointer?) {
    guard let session else { return }
    Unmanaged<Session>.fromOpaque(session).release()
}

/// ``andromeda_call(_:_:_:)`` through `session` (NULL: none, as andromeda_call).
@_cdecl("andromeda_session_call")
public func andromeda_session_call(_ session: UnsafeMutableRawPointer?, _ request: UnsafePointer<CChar>?, _ progress: AndromedaProgress?,
                                   _ context: UnsafeMutableRawPointer?) -> UnsafeMutablePointer<CChar>? {
    let s = session.map { Unmanaged<Session>.fromOpaque($0).takeUnretainedValue() }
    return replyPointer(Call(progress: progress, context: context, session: s), request)
}

/// Releases a string returned by ``andromeda_call(_:_:_:)`` (NULL is ignored).
@_cdecl("andromeda_free")
public func andromeda_free(_ reply: UnsafeMutablePointer<CChar>?) {
    free(reply)
}

/// The version of this ABI (1): incremented when a function's signature or a reply's layout
/// changes incompatibly.
@_cdecl("andromeda_abi_version")
public func andromeda_abi_version() -> Int32 { Call.abiVersion }

/// One call's state: its progress callback and whether the caller asked it to stop.
final class Call: @unchecked Sendable {
    static let abiVersion: Int32 = 1
    private let progress: AndromedaProgress?
    private let context: UnsafeMutableRawPointer?
    /// The session the call was made through (nil: none).
    let session: Session?
    private let lock = NSLock()
    private var stop = false
    private var lastFraction = 0.0

    init(progress: AndromedaProgress?, context: UnsafeMutableRawPointer?, session: Session?) {
        self.progress = progress
        self.context = context
        self.session = session
    }

    /// Calls the callback with `fraction` (under the call's lock: never twice at once, whatever
    /// thread reports); returns true once the caller asked to stop.
    @discardableResult
    func report(_ fraction: Double) -> Bool {
        lock.lock(); defer { lock.unlock() }
        let f = min(1, max(0, fraction.isFinite ? fraction : 0))
        lastFraction = max(lastFraction, f)
        if !stop, let progress, progress(lastFraction, context) != 0 { stop = true }
        return stop
    }

    /// Asks the callback again (with the last fraction): true when the caller wants to stop.
    func poll() -> Bool { report(lastFraction) }

    /// True once the caller asked to stop.
    var cancelled: Bool {
        lock.lock(); defer { lock.unlock() }
        return stop
    }

    /// Runs `body` with a ``WorkProgress`` reporter that forwards to the callback and cancels the
    /// work when the callback asks; throws ``SimulationError/cancelled`` when the caller asked to
    /// stop, whatever the body returned (its results are dropped).
    func reporting<T>(_ body: () throws -> T) throws -> T {
        guard progress != nil else { return try body() }
        // The handler cancels its own reporter when the callback asks to stop (held weakly: no cycle).
        let box = ReporterBox()
        let p = WorkProgress(interval: 0.1) { [weak self] s in
            if self?.report(s.fraction) == true { box.reporter?.cancel() }
        }
        box.reporter = p
        let result: T
        do {
            result = try WorkProgress.$current.withValue(p) { try body() }
        } catch {
            if cancelled { throw SimulationError.cancelled }
            throw error
        }
        if poll() { throw SimulationError.cancelled }
        return result
    }

    private final class ReporterBox: @unchecked Sendable {
        weak var reporter: WorkProgress?
    }

    /// The reply to the request `text`.
    func reply(to text: String) -> String {
        do {
            let json = try JSONValue.parse(text, file: "<request>")
            let r = try ObjectReader(json, file: "<request>")
            let op = try r.choice("op", allowed: Requests.ops)
            let result = try Requests(call: self, reader: r).perform(op)
            return JSONOutput.object([("ok", result)]).render(indent: 0)
        } catch {
            return Self.errorReply(error, cancelled: cancelled)
        }
    }

    /// `{"error": {...}}` for `error`: its kind, message and, for bad input, the JSON path, the
    /// field and what is allowed.
    static func errorReply(_ error: Error, cancelled: Bool) -> String {
        if cancelled || (error as? SimulationError) == .cancelled {
            return errorReply(kind: "cancelled", message: "cancelled by the caller", path: nil)
        }
        switch error {
        case let e as ScenarioError:
            return errorReply(kind: "input", message: e.message, path: e.path, file: e.file)
        case let e as OutputRefused:
            return errorReply(kind: "output_refused", message: e.message, path: nil)
        case let e as ReportError:
            return errorReply(kind: "cannot_write", message: "\(e)", path: nil)
        case let e as SweepError:
            return errorReply(kind: "input", message: "\(e)", path: nil)
        case let e as WorkloadError:
            // A workload that cannot be built (a trace row, a generator setting, too many jobs).
            return errorReply(kind: "input", message: e.message, path: nil)
        default:
            return errorReply(kind: "simulation", message: "\(error)", path: nil)
        }
    }

    static func errorReply(kind: String, message: String, path: String?, file: String? = nil) -> String {
        var members: [(String, JSONOutput)] = [("kind", .string(kind)), ("message", .string(message))]
        members.append(("path", path.map { .string($0) } ?? .null))
        members.append(("field", path.flatMap(field(of:)).map { .string($0) } ?? .null))
        members.append(("allowed", allowed(in: message).map { .string($0) } ?? .null))
        members.append(("file", file.map { .string($0) } ?? .null))
        return JSONOutput.object([("error", .object(members))]).render(indent: 0)
    }

    /// The last member name of a JSON path (`$.cluster.systems` -> `systems`,
    /// `$.experiments[1]` -> `experiments`, `$["odd name"]` -> `odd name`); nil for `$`.
    static func field(of path: String) -> String? {
        var rest = Substring(path)
        var last: String?
        guard rest.hasPrefix("$") else { return nil }
        rest = rest.dropFirst()
        while let c = rest.first {
            if c == "." {
                rest = rest.dropFirst()
                let name = rest.prefix { $0 != "." && $0 != "[" }
                last = String(name)
                rest = rest.dropFirst(name.count)
            } else if c == "[" {
                rest = rest.dropFirst()
                if rest.first == "\"" {
                    // A quoted member name: up to the closing quote (\" and \\ escaped).
                    var name = "", escaped = false
                    rest = rest.dropFirst()
                    while let d = rest.first {
                        rest = rest.dropFirst()
                        if escaped { name.append(d); escaped = false } else if d == "\\" { escaped = true } else if d == "\"" { break } else { name.append(d) }
                    }
                    last = name
                }
                // An index keeps the array's name; skip to the closing bracket.
                let skip = rest.prefix { $0 != "]" }
                rest = rest.dropFirst(skip.count + 1)
            } else {
                return last
            }
        }
        return last
    }

    /// What a message says is allowed: the text after "allowed range is", "allowed range:",
    /// "allowed values:", "allowed:", "must be" or a leading or "; "-separated "expected", up to a
    /// "; did you mean" hint; nil when it says none.
    static func allowed(in message: String) -> String? {
        var markers = ["allowed range is ", "allowed range: ", "allowed values: ", "allowed: ", "must be ", "; expected "]
        if message.hasPrefix("expected ") { markers.append("expected ") }
        for marker in markers {
            guard let r = message.range(of: marker) else { continue }
            var text = message[r.upperBound...]
            if let hint = text.range(of: "; did you mean") { text = text[..<hint.lowerBound] }
            if let got = text.range(of: ", got ") { text = text[..<got.lowerBound] }
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if !trimmed.isEmpty { return trimmed }
        }
        return nil
    }
}
