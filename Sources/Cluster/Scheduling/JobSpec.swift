import SimEngine
import Training

/// One job submitted to the shared cluster: a training run on a gang of whole systems.
public struct JobSpec: Sendable, Equatable {
    /// Unique job identifier (as given, or assigned in submission order).
    public var id: String
    /// The user who submitted it (fair share is computed between users).
    public var user: String
    /// When it was submitted.
    public var submit: SimTime
    /// What it trains, on how many systems (`training.systems`), and how long (its stopping rule).
    public var training: TrainingSpec
    /// Higher runs first under the priority policy, and may preempt lower.
    public var priority: Int
    /// Optional deadline (reported: met or missed).
    public var deadline: SimTime?

    /// A job `id` of `user`, submitted at `submit`, that trains `training`.
    public init(id: String, user: String, submit: SimTime, training: TrainingSpec, priority: Int = 0, deadline: SimTime? = nil) {
        self.id = id
        self.user = user
        self.submit = submit
        self.training = training
        self.priority = priority
        self.deadline = deadline
    }

    /// Systems requested.
    public var systems: Int { training.systems }
}
