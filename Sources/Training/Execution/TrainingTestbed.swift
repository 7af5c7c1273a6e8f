import FlowNetwork
import Hardware
import SimEngine
import Wafer

/// One event simulation of training jobs on a cluster: the simulation, its components, the
/// shared flow network and the cluster fabric built on it. Jobs are added on systems of the
/// caller's choosing, each with its plan (compiled by ``plan(_:on:cluster:efficiency:seed:)``
/// for its wafers, their defect maps drawn from a seed by system index), data path and
/// ``WeightStreamingJob``.
///
/// Both ``TrainingRun`` (one job alone) and the shared cluster's contention probes (several jobs
/// and synthetic traffic sharing MemoryX) build their simulations here, so the two cannot drift.
public final class TrainingTestbed {
    /// The hardware.
    public let cluster: ClusterSpec
    /// The event simulation.
    public let sim: Simulation
    /// Its components: the network, the jobs and whatever the caller registers.
    public var components = ComponentSet()
    /// The shared network model (MemoryX, SwarmX, inputs, ...).
    public let network: any NetworkModel
    /// The cluster's links on `network`.
    public let fabric: ClusterFabric
    /// Jobs added so far, in order.
    public private(set) var jobs: [WeightStreamingJob] = []

    /// An empty testbed of `cluster` (no job yet) whose transfers run on `network` (by default a
    /// fresh ``FlowNetwork``; not registered anywhere yet, and without links).
    public init(cluster: ClusterSpec, network: any NetworkModel = FlowNetwork()) throws(SimulationError) {
        self.cluster = cluster
        sim = Simulation()
        self.network = network
        network.register(in: &components)
        fabric = try ClusterFabric(spec: cluster, network: network)
    }

    /// The wafers of `systems` of `cluster`, their defect maps drawn from `seed` by system index
    /// (the same wafer whichever job or testbed uses it). A `cache` keeps them for later calls.
    public static func wafers(_ systems: [Int], cluster: ClusterSpec, seed: UInt64, cache: TrainingCache? = nil) -> [Wafer] {
        let root = Xoshiro256(seed: seed)
        guard let cache else { return systems.map { Wafer(spec: cluster.cs2.wafer, index: $0, rng: root) } }
        return systems.map { cache.wafer(spec: cluster.cs2.wafer, seed: seed, index: $0, root: root) }
    }

    /// The compiled plan of `spec` on `systems` of `cluster`.
    public static func plan(_ spec: TrainingSpec, on systems: [Int], cluster: ClusterSpec, efficiency: EfficiencyModel,
                            seed: UInt64) throws(TrainingError) -> ExecutionPlan {
        try ExecutionPlan(spec: spec, cluster: cluster, wafers: wafers(systems, cluster: cluster, seed: seed), efficiency: efficiency)
    }

    /// Adds a job running `plan` on `systems` for `totalSteps` steps, its transfers on a data
    /// path labelled `label`; registered, not started (see ``start(_:at:)``). A `jitterSeed`
    /// gives each system its own run-time jitter; `oneLane` runs the systems as one compute lane
    /// (``WeightStreamingJob/init(plan:fabric:systems:path:totalSteps:jitterSeed:oneLane:)``).
    @discardableResult
    public func add(_ plan: ExecutionPlan, on systems: [Int], totalSteps: Int64, label: String,
                    jitterSeed: UInt64? = nil, oneLane: Bool = false) throws(SimulationError) -> WeightStreamingJob {
        let path = try fabric.dataPath(for: systems, label: label)
        let job = WeightStreamingJob(plan: plan, fabric: fabric, systems: systems, path: path, totalSteps: totalSteps,
                                     jitterSeed: jitterSeed, oneLane: oneLane)
        job.attach(id: components.register(job))
        jobs.append(job)
        return job
    }

    /// Registers another component (e.g. synthetic traffic) and returns its index.
    public func register(_ component: any Component) -> UInt32 { components.register(component) }

    /// Sends `job` its start event at `time`.
    public func start(_ job: WeightStreamingJob, at time: SimTime = .zero) throws(SimulationError) {
        try sim.schedule(at: time, target: job.id, arg: WeightStreamingJob.startArg)
    }
}
