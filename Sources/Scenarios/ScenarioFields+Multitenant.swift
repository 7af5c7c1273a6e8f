import Cluster
import Hardware
import ScenarioFormat
import Training
import Workloads

/// The fields of `multitenant`, declared once: the decoder (MultitenantDecoder.swift) reads
/// them and docs/scenario.schema.json is generated from them.
extension ScenarioFields {
    /// `multitenant.failures`.
    public enum Failures {
        public static let mtbf = FieldSpec.hours("mtbf_h", aboveZero: true, required: true, "Mean time between failures of each system (> 0).")
        public static let repair = FieldSpec.hours("repair_h", default: 4, "Repair time of a failed system.")
        public static let section = SectionSpec(
            "Random system failures: each system fails after an exponential time with mean mtbf_h and is repaired after repair_h.", [mtbf, repair])
    }

    /// `multitenant.maintenance[]`.
    public enum Maintenance {
        public static let start = FieldSpec.hours("start_h", required: true, "Start of the window (simulated time).")
        public static let duration = FieldSpec.hours("duration_h", required: true, "Length of the window.")
        public static let systems = FieldSpec.array("systems", of: .integer("", 0...(ClusterSpec.maxSystems - 1),
                                                                     "A 0-based system id, below $.cluster.systems (checked by the decoder only)."),
                                             minItems: 1, maxItems: ClusterSpec.maxSystems, required: true,
                                             "Systems drained; at most $.cluster.systems entries (checked by the decoder only).")
        public static let section = SectionSpec(
            "A maintenance window: the systems are drained (jobs on them checkpoint and requeue) and unavailable.", [start, duration, systems])
    }

    /// `multitenant.users[]`.
    public enum Users {
        public static let name = FieldSpec.text("name", nonEmpty: true, required: true,
                                         "User name; distinct when generate is given (checked by the decoder only).")
        public static let weight = FieldSpec.number("weight", 1e-6...1e6, default: 1, "Relative share of the generated jobs submitted by this user (generate only).")
        public static let share = FieldSpec.number("share", 1e-6...1e6, default: 1, "Fair-share weight: used by the fair-share policy and the Jain fairness index.")
        public static let section = SectionSpec("A user.", [name, weight, share])
    }

    /// The range of a job's or a job class's priority.
    public static let priority = -1000...1000

    /// `multitenant.jobs[]`.
    public enum Jobs {
        public static let id = FieldSpec.text("id", nonEmpty: true,
            "Job id, unique among all jobs (checked by the decoder and at run time). Default: j + 1-based position, six digits (j000001).")
        public static let user = FieldSpec.text("user", nonEmpty: true, default: "default", "Who submitted it.")
        public static let systems = FieldSpec.integer("systems", ClusterSpec.systemsRange, unit: "systems", required: true,
                                               "Gang size; at most $.cluster.systems (checked by the decoder only).")
        public static let perSystemBatch = FieldSpec.integer("per_system_batch", perSystemBatchRange, unit: "samples", required: true,
                                                      "Samples per system per step; global batch = systems x this.")
        public static let samples = FieldSpec.integer("samples", 1...100_000_000_000_000, unit: "samples", required: true,
                                               "Samples to train (rounded up to whole steps).")
        public static let submit = FieldSpec.hours("submit_h", default: 0, "Submission time (simulated time).")
        public static let priority = FieldSpec.integer("priority", ScenarioFields.priority, default: 0,
                                                "Higher runs first under priority-preempt and may preempt lower.")
        public static let deadline = FieldSpec.hours("deadline_h", "Absolute deadline (simulated time); reported met or missed.")
        public static let checkpointEverySteps = FieldSpec.integer("checkpoint_every_steps", checkpointStepsRange, unit: "steps",
            "Periodic checkpoint interval; 0 = none. Default: multitenant.checkpoint_every_steps.")
        public static let section = SectionSpec(
            "A listed job: one model trained on a gang of whole systems until it has seen `samples` samples.",
            [id, user, modelName, seqLenOverride, systems, perSystemBatch, samples, submit, priority, deadline, checkpointEverySteps])
    }

    /// `multitenant.generate.classes[]`.
    public enum Classes {
        public static let name = FieldSpec.text("name", nonEmpty: true, required: true, "Class name (messages and documentation only).")
        public static let weight = FieldSpec.number("weight", 1e-6...1e6, default: 1, "Relative share of the generated jobs drawn from this class.")
        public static let systems = FieldSpec.array("systems", of: .integer("", ClusterSpec.systemsRange, unit: "systems",
                                                                     "A gang size; at most $.cluster.systems (checked by the decoder only)."),
                                             minItems: 1, maxItems: 64, required: true, "Gang sizes to choose from, each equally likely.")
        public static let perSystemBatch = FieldSpec.integer("per_system_batch", perSystemBatchRange, unit: "samples", required: true,
                                                      "Samples per system per step.")
        public static let samplesMin = FieldSpec.number("samples_min", 1...1e14, unit: "samples", required: true,
                                                 "Smallest training length (drawn log-uniformly).")
        public static let samplesMax = FieldSpec.number("samples_max", 1...1e14, unit: "samples", required: true,
            "Largest training length; at least samples_min, and the range must contain a whole number (checked by the decoder only).")
        public static let priority = FieldSpec.integer("priority", ScenarioFields.priority, default: 0, "Priority of every job of the class.")
        public static let checkpointEverySteps = FieldSpec.integer("checkpoint_every_steps", checkpointStepsRange, unit: "steps",
            "Periodic checkpoint interval of the class's jobs; 0 = none. Default: multitenant.checkpoint_every_steps.")
        public static let section = SectionSpec("One kind of generated job.",
                                         [name, weight, modelName, seqLenOverride, systems, perSystemBatch, samplesMin, samplesMax, priority,
                                          checkpointEverySteps])
    }

    /// `multitenant.generate`.
    public enum Generate {
        /// Generated jobs: at most ``MultitenantSpec/maxJobs`` (the `jobs` sweep too).
        public static let jobs = FieldSpec.integer("jobs", 1...MultitenantSpec.maxJobs, unit: "jobs", required: true, "Number of jobs drawn.")
        public static let arrivalRate = FieldSpec.number("arrival_rate_per_h", 1e-6...1e9, unit: "jobs/h", required: true,
            "Mean arrival rate, at least (jobs + 10 sqrt(jobs)) / 1279800 (the arrivals span at most 146 years).")
        public static let start = FieldSpec.hours("start_h", default: 0, "Arrivals start here: the first job arrives one exponential gap after it.")
        public static let classes = FieldSpec.objects("classes", Classes.section, minItems: 1, required: true, "The job mix.")
        public static let section = SectionSpec(
            "A generated workload: Poisson arrivals, users drawn by weight, classes by weight, gang sizes uniformly, samples log-uniformly.",
            [jobs, arrivalRate, start, classes])
    }

    /// `multitenant`.
    public enum Multitenant {
        public static let policies = FieldSpec.array(
            "policies",
            of: .choice("", PolicyName.names,
                        "fifo: first come first served, the head blocks; easy-backfill: FIFO with EASY backfilling; sjf: shortest estimated run time first; fair-share: lowest usage / share first; priority-preempt: highest priority first, may preempt lower-priority jobs."),
            minItems: 1, maxItems: 16, default: .array(PolicyName.names.map(JSONValue.string)),
            "Scheduling policies to compare, run and reported in this order.")
        public static let nodeGroups = FieldSpec.integer("memoryx_node_groups", 1...1024, unit: "node groups",
            "MemoryX node groups, each serving one running job at a time. Default: $.cluster.systems.")
        public static let horizon = FieldSpec.hours("horizon_h",
            "Stop at this simulated time; jobs not finished are reported unfinished. Default: run until every job has finished or was rejected.")
        public static let failures = FieldSpec.object("failures", Failures.section)
        public static let maintenance = FieldSpec.objects("maintenance", Maintenance.section, default: .array([]), "Maintenance windows.")
        public static let users = FieldSpec.objects("users", Users.section, default: .array([]),
                                             "Users: arrival weights for generate, fair-share weights. A user not listed has share 1.")
        public static let jobs = FieldSpec.objects("jobs", Jobs.section, default: .array([]), "Listed jobs.")
        public static let generate = FieldSpec.object("generate", Generate.section)
        public static let trace = FieldSpec.text("trace", nonEmpty: true,
            "Trace CSV file of jobs to replay (docs/workloads.md), absolute or relative to the scenario file's folder; its model column takes the scenario's models and built-in models; at most 512 MiB and 1,000,000 jobs, at least one.")
        public static let fixedCosts = FieldSpec("fixed_costs", .shared("fixed_costs", fixedCostsSection),
            "Costs outside the training steps, for every job. queue_wait_s is not used (queueing is simulated); compile_s is paid once per configuration per policy run unless compile_cached.")
        public static let checkpointEverySteps = FieldSpec.integer("checkpoint_every_steps", checkpointStepsRange, unit: "steps",
            default: Int(TrainingSpec.defaultCheckpointEverySteps),
            "Periodic checkpoint interval of jobs that do not set their own (and of trace jobs); 0 = none.")
        public static let contention = FieldSpec.choice("contention", ContentionMode.names, default: ContentionMode.meanField.rawValue,
            "How running jobs share MemoryX: mean-field simulates each job against synthetic traffic of the others' combined MemoryX duty (cached per configuration and level); exact co-simulates all running jobs together.")
        public static let section = SectionSpec(
            "A shared-cluster workload (listed, generated and/or replayed jobs) simulated once under each listed scheduling policy. At least one of jobs (non-empty), generate and trace.",
            [policies, nodeGroups, horizon, failures, maintenance, users, jobs, generate, trace, fixedCosts, checkpointEverySteps, contention,
             FieldSpec.comment],
            rules: [.init(keyword: "anyOf", value: .array([ScenarioSchema.required([jobs.name], nonEmpty: true),
                                                           ScenarioSchema.required([generate.name]), ScenarioSchema.required([trace.name])]))])
    }
}
