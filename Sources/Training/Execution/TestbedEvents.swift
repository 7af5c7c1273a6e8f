import FlowNetwork
import SimEngine

/// The event handler of a ``TrainingTestbed``: events for its jobs and its network model go
/// straight to them (the jobs through unretained references by a direct call, the network
/// through its `NetworkModel` witness on a reference held strongly, which the optimiser borrows:
/// no retain and release per event either way, unlike an `unowned(unsafe)` existential); any
/// other component's through the testbed's ``ComponentSet``. The same handlers in the same order
/// as the set itself. Valid while the testbed lives and until a component is added
/// (``TrainingTestbed/events()``).
public struct TestbedEvents: EventHandler {
    let jobs: [Unmanaged<WeightStreamingJob>?]
    let network: any NetworkModel
    let networkID: UInt32
    var others: ComponentSet

    init(_ bed: TrainingTestbed) {
        var table = [Unmanaged<WeightStreamingJob>?](repeating: nil, count: bed.components.count)
        for j in bed.jobs where Int(j.id) < table.count { table[Int(j.id)] = .passUnretained(j) }
        jobs = table
        network = bed.network
        networkID = bed.network.id ?? .max
        others = bed.components
    }

    @inline(__always)
    public mutating func handle(_ event: Event, in sim: Simulation) throws(SimulationError) {
        var failure: SimulationError?
        let t = Int(event.target)
        if event.target == networkID {
            do throws(SimulationError) { try network.handle(event, in: sim) } catch { failure = error }
        } else if t < jobs.count, let job = jobs[t] {
            job._withUnsafeGuaranteedRef { j in
                do throws(SimulationError) { try j.handle(event, in: sim) } catch { failure = error }
            }
        } else {
            try others.handle(event, in: sim)
        }
        if let failure { throw failure }
    }
}

extension TrainingTestbed {
    /// A handler for ``sim`` that dispatches straight to the jobs and the network
    /// (``TestbedEvents``); make a new one after adding jobs or components.
    public func events() -> TestbedEvents { TestbedEvents(self) }
}
