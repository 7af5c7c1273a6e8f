import XCTest
import SimEngine

/// The example of docs/engine.md, compiled and run (public API only).
final class Clerk: Component {
    enum Kind: UInt32 { case customerArrives, serviceDone }
    let id: UInt32
    var queueLength = 0, served = 0, busy = false
    init(id: UInt32) { self.id = id }

    func handle(_ event: Event, in sim: Simulation) throws(SimulationError) {
        switch Kind(rawValue: event.arg) {
        case .customerArrives:
            queueLength += 1
            try startIfIdle(sim)
        case .serviceDone:
            busy = false
            served += 1
            try startIfIdle(sim)
        case nil:
            throw .model("clerk: unknown event \(event.arg)")
        }
    }

    private func startIfIdle(_ sim: Simulation) throws(SimulationError) {
        guard !busy, queueLength > 0 else { return }
        busy = true
        queueLength -= 1
        try sim.schedule(after: .seconds(3), target: id, arg: Kind.serviceDone.rawValue)
    }
}

final class EngineDocExampleTests: XCTestCase {
    func testClerkExample() throws {
        let sim = Simulation()
        var components = ComponentSet()
        let clerk = Clerk(id: UInt32(components.count))
        components.register(clerk)
        for i in 0..<10 {
            try sim.schedule(at: SimTime(nanoseconds: Int64(i) * 1_000_000_000), target: clerk.id,
                             arg: Clerk.Kind.customerArrives.rawValue)
        }
        _ = try sim.run(&components)
        XCTAssertEqual(clerk.served, 10)
        XCTAssertEqual(sim.now, SimTime(nanoseconds: 30_000_000_000))
    }
}
