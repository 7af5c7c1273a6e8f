import Cluster
import Hardware
import Reports
import ScenarioFormat
import Scenarios
import SimEngine
import Training
import Workloads

// The library's façade: `import AndromedaSim` gives a capacity-planning program these names and
// the library's own types (Andromeda, Planning, RunFolder, Sweep, Validation, ...), and nothing
// else. A program that reaches below them (a benchmark, a converter, a new policy) imports that
// module itself and declares it, as the command line does (docs/architecture.md).

// A scenario and its parts.
/// A parsed scenario file (module Scenarios).
public typealias Scenario = Scenarios.Scenario
/// Finds a scenario by path or built-in name (module Scenarios).
public typealias ScenarioLocator = Scenarios.ScenarioLocator
/// Decodes a scenario's JSON, naming the path of any bad field (module Scenarios).
public typealias ScenarioDecoder = Scenarios.ScenarioDecoder
/// A bad scenario: the file, the JSON path, the allowed range (module ScenarioFormat).
public typealias ScenarioError = ScenarioFormat.ScenarioError
/// The hardware of a cluster: systems, wafer, MemoryX, SwarmX (module Hardware).
public typealias ClusterSpec = Hardware.ClusterSpec
/// One scaling experiment of a scenario: a model, a batch rule, system counts (module Scenarios).
public typealias ScalingExperiment = Scenarios.ScalingExperiment
/// A scenario's shared-cluster section (module Scenarios).
public typealias MultitenantSpec = Scenarios.MultitenantSpec
/// One system: its wafer, I/O and the rates a layer pass needs (module Hardware).
public typealias CS2Spec = Hardware.CS2Spec
/// The weight store: capacity, stream rate, optimizer update rate (module Hardware).
public typealias MemoryXSpec = Hardware.MemoryXSpec
/// The broadcast-reduce tree between MemoryX and the systems (module Hardware).
public typealias SwarmXSpec = Hardware.SwarmXSpec
/// The input pipeline's workers (module Hardware).
public typealias InputWorkerSpec = Hardware.InputWorkerSpec

// Training one model.
/// A transformer's shape (module Training).
public typealias ModelSpec = Training.ModelSpec
/// The built-in models (module Training).
public typealias ModelCatalog = Training.ModelCatalog
/// One training job: model, systems, batch, stopping rule (module Training).
public typealias TrainingSpec = Training.TrainingSpec
/// When a training job stops: steps, tokens or a convergence law (module Training).
public typealias StoppingRule = Training.StoppingRule
/// Samples to converge as a function of batch (McCandlish et al.; module Training).
public typealias ConvergenceLaw = Training.ConvergenceLaw
/// The compute model's constants (module Training).
public typealias EfficiencyModel = Training.EfficiencyModel
/// The leave-one-out interval every throughput carries (module Training).
public typealias PredictionInterval = Training.PredictionInterval
/// Simulates one training job (module Training).
public typealias TrainingRun = Training.TrainingRun
/// What a training job's simulation gives (module Training).
public typealias TrainingResult = Training.TrainingResult
/// A caller-owned cache of the compiler model's searches (module Training).
public typealias TrainingCache = Training.TrainingCache
/// A training input the model cannot run, with its reason (module Training).
public typealias TrainingError = Training.TrainingError
/// A job's costs that do not scale with steps: compile, checkpoints (module Training).
public typealias FixedCosts = Training.FixedCosts
/// A layer's operations and the SRAM budget they map within (module Training).
public typealias LayerOps = Training.LayerOps
/// The simulated hardware a training job runs on, shared with the contention probes (module Training).
public typealias TrainingTestbed = Training.TrainingTestbed
/// Simulated against published: the one relative-error function (module Training).
public typealias RelativeError = Training.RelativeError

// A shared cluster.
/// One job of a shared cluster (module Cluster).
public typealias JobSpec = Cluster.JobSpec
/// One job's outcome under a policy (module Cluster).
public typealias JobResult = Cluster.JobResult
/// A scheduling policy's name (module Cluster).
public typealias PolicyName = Cluster.PolicyName
/// A shared cluster's configuration: systems, MemoryX groups, failures, maintenance (module Cluster).
public typealias ClusterConfig = Cluster.ClusterConfig
/// System failures and repairs (module Cluster).
public typealias FailureModel = Cluster.FailureModel
/// A user of a shared cluster (module Workloads).
public typealias UserSpec = Workloads.UserSpec
/// A class of jobs a workload draws from (module Workloads).
public typealias JobClass = Workloads.JobClass
/// Draws a workload of jobs from users and classes (module Workloads).
public typealias WorkloadGenerator = Workloads.WorkloadGenerator
/// A workload that cannot be built: a generator setting, a trace row, too many jobs (module Workloads).
public typealias WorkloadError = Workloads.WorkloadError
/// Reads a job trace (CSV) into jobs (module Workloads).
public typealias TraceReader = Workloads.TraceReader
/// Converts a Philly trace to the job-trace format (module Workloads).
public typealias PhillyConverter = Workloads.PhillyConverter
/// Converts a Standard Workload Format trace to the job-trace format (module Workloads).
public typealias SWFConverter = Workloads.SWFConverter
/// Systems taken out of service for a span (module Cluster).
public typealias MaintenanceWindow = Cluster.MaintenanceWindow
/// The shared cluster as events: arrivals, placements, failures, completions (module Cluster).
public typealias ClusterSimulation = Cluster.ClusterSimulation
/// A scheduling policy: a new one is one type conforming to it (module Cluster).
public typealias SchedulingPolicy = Cluster.SchedulingPolicy
/// How running jobs slow each other through MemoryX (module Cluster).
public typealias ContentionModel = Cluster.ContentionModel
/// Contention measured by co-simulating every mix (module Cluster).
public typealias ExactContention = Cluster.ExactContention
/// Contention from each job's mean demand (module Cluster).
public typealias MeanFieldContention = Cluster.MeanFieldContention
/// The simulations contention models measure mixes with (module Cluster).
public typealias ContentionProbes = Cluster.ContentionProbes
/// The span of a mix exact contention simulates (module Cluster).
public typealias ProbeWindow = Cluster.ProbeWindow
/// A thread-safe store of measured mixes, shared by policies run in parallel (module Cluster).
public typealias MixStore = Cluster.MixStore
/// A thread-safe store of compiled plans and pass timelines (module Cluster).
public typealias ProbeWork = Cluster.ProbeWork
/// One policy's run of a shared cluster: every job's outcome, the utilisation, the metrics (module Cluster).
public typealias PolicyRun = Cluster.PolicyRun
/// A policy's headline metrics (module Cluster).
public typealias ClusterMetrics = Cluster.ClusterMetrics
/// One job's wait, completion, slowdown and deadline (module Cluster).
public typealias JobFigures = Cluster.JobFigures

// Time, traces and files.
/// A simulated instant, integer nanoseconds (module SimEngine).
public typealias SimTime = SimEngine.SimTime
/// A simulated duration, integer nanoseconds (module SimEngine).
public typealias SimDuration = SimEngine.SimDuration
/// Where a run's trace events go (module SimEngine).
public typealias TraceSink = SimEngine.TraceSink
/// Progress of long work, reported a few times per second (module SimEngine).
public typealias WorkProgress = SimEngine.WorkProgress
/// A Chrome/Perfetto trace in memory (module Reports).
public typealias ChromeTrace = Reports.ChromeTrace
/// A file that cannot be written (module Reports).
public typealias ReportError = Reports.ReportError
/// An output folder or trace path refused before anything is written (module Reports).
public typealias OutputRefused = Reports.OutputRefused
