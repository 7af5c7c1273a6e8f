import XCTest
@testable import FlowNetwork
@testable import SimEngine

/// Records the (time, arg) of every notification it receives.
final class NotificationRecorder: Component {
    struct Entry: Equatable, CustomStringConvertible {
        var time: Int64
        var arg: UInt32
        var description: String { "(\(time) ns, \(arg))" }
    }
    var log: [Entry] = []

    func handle(_ event: Event, in sim: Simulation) throws(SimulationError) {
        log.append(Entry(time: event.time, arg: event.arg))
    }
}

/// Calls a closure when its event fires (to act at a given simulated time and priority).
final class Action: Component {
    var body: (Simulation) throws -> Void = { _ in }
    var failure: (any Error)?
    func handle(_ event: Event, in sim: Simulation) throws(SimulationError) {
        do { try body(sim) } catch { failure = error }
    }
}

/// A simulation with a flow network, a notification recorder and an action component.
final class FlowBench {
    let sim = Simulation()
    var components = ComponentSet()
    let net = FlowNetwork()
    let recorder = NotificationRecorder()
    let action = Action()
    let rec: UInt32
    let act: UInt32

    init() {
        net.register(in: &components)
        rec = components.register(recorder)
        act = components.register(action)
    }

    @discardableResult
    func start(_ bytes: Double, _ links: [LinkID], arg: UInt32, latency: SimDuration? = nil) throws -> FlowID {
        try net.startFlow(bytes: bytes, links: links, notify: rec, arg: arg, latency: latency, in: sim)
    }

    @discardableResult
    func run(until t: SimTime = .never) throws -> RunOutcome {
        try sim.run(&components, until: t)
    }

    var log: [NotificationRecorder.Entry] { recorder.log }
}

func ns(_ seconds: Double) -> Int64 { Int64((seconds * 1e9).rounded()) }
func at(_ seconds: Double) -> SimTime { SimTime(nanoseconds: ns(seconds)) }
typealias E = NotificationRecorder.Entry

func XCTAssertModelError<T>(_ body: @autoclosure () throws -> T, _ needle: String,
                                    file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertThrowsError(try body(), file: file, line: line) { error in
        guard case .model(let message)? = error as? SimulationError else {
            return XCTFail("expected SimulationError.model, got \(error)", file: file, line: line)
        }
        XCTAssertTrue(message.contains(needle), "'\(message)' lacks '\(needle)'", file: file, line: line)
    }
}
