import XCTest
import SimEngine
@testable import Cluster

private func t(_ s: Int64) -> SimTime { SimTime(nanoseconds: s * 1_000_000_000) }

private func job(_ index: Int, systems: Int, est: Int64 = 100, user: String = "u", priority: Int = 0,
                 submit: Int64? = nil, memory: Double = 1e9) -> QueuedJob {
    QueuedJob(index: index, id: "j\(index)", user: user, priority: priority, submit: t(submit ?? Int64(index)),
              enqueued: t(submit ?? Int64(index)), systems: systems, memoryXBytes: memory,
              estimatedRunTime: .seconds(est))
}

private func active(_ index: Int, systems: Int, end: Int64, start: Int64 = 0, priority: Int = 0,
                    memory: Double = 1e9) -> RunningJob {
    RunningJob(index: index, user: "r", priority: priority, systems: systems, memoryXBytes: memory,
               start: t(start), estimatedEnd: t(end))
}

/// 16 systems, large MemoryX, 16 node groups, minus what `running` holds.
private func view(_ running: [RunningJob] = [], now: Int64 = 0, memory: Double = 1e15, groups: Int = 16,
                  usage: [String: Double] = [:], weights: [String: Double] = [:]) -> ClusterView {
    ClusterView(now: t(now), totalSystems: 16, freeSystems: 16 - running.reduce(0) { $0 + $1.systems },
                freeMemoryXBytes: memory - running.reduce(0) { $0 + $1.memoryXBytes },
                freeNodeGroups: groups - running.count, running: running, usage: usage, weights: weights)
}

/// One call of a fresh copy of `policy`.
private func decide(_ policy: some SchedulingPolicy, _ queue: [QueuedJob],
                    _ cluster: ClusterView = view()) -> [SchedulingDecision] {
    var p = policy
    return p.schedule(queue: queue, cluster: cluster)
}

/// Running: 12 systems until t=100, 2 until t=500; 2 free. A 14-system head reserves t=100
/// with no extra systems; a 13-system head with 1.
private let easyRunning = [active(20, systems: 12, end: 100), active(21, systems: 2, end: 500)]

/// Running: two priority-0 jobs (started t=10, t=20), one priority-1 (t=30), one priority-5 (t=40).
private let prioRunning = [active(10, systems: 4, end: 1000, start: 10), active(11, systems: 4, end: 1000, start: 20),
                           active(12, systems: 4, end: 1000, start: 30, priority: 1),
                           active(13, systems: 4, end: 1000, start: 40, priority: 5)]

final class PolicyTests: XCTestCase {
    let fifo = FIFOPolicy(), easy = EASYBackfillPolicy(), sjf = ShortestJobFirstPolicy()
    let fair = FairSharePolicy(), prio = PriorityPreemptionPolicy()

    func testFIFOStartsFromHeadAndDoesNotOvertake() {
        XCTAssertEqual(decide(fifo, [job(0, systems: 4), job(1, systems: 4), job(2, systems: 10), job(3, systems: 1)]),
                       [.start(0), .start(1)])
        // Head blocked by a running job: the small job behind it must wait.
        XCTAssertEqual(decide(fifo, [job(0, systems: 8), job(1, systems: 2)], view([active(9, systems: 12, end: 100)])), [])
    }

    func testMemoryXAndNodeGroupShortageBlockStarts() {
        XCTAssertEqual(decide(fifo, [job(0, systems: 2, memory: 2e12)], view(memory: 1e12)), [])
        XCTAssertEqual(decide(fifo, [job(0, systems: 2)], view(groups: 0)), [])
        // Two node groups: the third job waits though systems are free.
        XCTAssertEqual(decide(fifo, [job(0, systems: 1), job(1, systems: 1), job(2, systems: 1)], view(groups: 2)),
                       [.start(0), .start(1)])
        XCTAssertEqual(decide(sjf, [job(0, systems: 1, memory: 2e12), job(1, systems: 1, memory: 5e11)], view(memory: 1e12)),
                       [.start(1)])
    }

    func testEASYBackfillsShortJobEndingBeforeShadow() {
        XCTAssertEqual(EASYBackfillPolicy.reservation(for: job(0, systems: 14), in: view(easyRunning)),
                       .init(shadow: t(100), extraSystems: 0, extraMemoryXBytes: 1e15 - 2e9, extraNodeGroups: 14))
        XCTAssertEqual(decide(easy, [job(0, systems: 14), job(1, systems: 2, est: 50)], view(easyRunning)), [.start(1)])
        // Ending exactly at the shadow time is allowed.
        XCTAssertEqual(decide(easy, [job(0, systems: 14), job(1, systems: 2, est: 100)], view(easyRunning)), [.start(1)])
    }

    func testEASYRefusesLongJobThatWouldDelayHead() {
        XCTAssertEqual(decide(easy, [job(0, systems: 14), job(1, systems: 2, est: 1000)], view(easyRunning)), [])
    }

    func testEASYAcceptsLongJobWithinExtraSystemsAndConsumesThem() {
        // Head needs 13: 1 extra system at t=100. One long 1-system job fits there; a second does not.
        XCTAssertEqual(decide(easy, [job(0, systems: 13), job(1, systems: 1, est: 1000), job(2, systems: 1, est: 1000),
                                     job(3, systems: 1, est: 10)], view(easyRunning)), [.start(1), .start(3)])
    }

    func testEASYStartsHeadsThatFitAndSkipsImpossibleHead() {
        XCTAssertEqual(decide(easy, [job(0, systems: 4), job(1, systems: 20), job(2, systems: 4)]), [.start(0), .start(2)])
        // A head needing more MemoryX than the whole cluster has does not block either.
        XCTAssertEqual(decide(easy, [job(0, systems: 1, memory: 1e16), job(1, systems: 1)]), [.start(1)])
    }

    func testEASYShadowCountsPlannedStartsAndNodeGroups() {
        // Job 0 starts (ends t=100); head 1 needs all 16: shadow t=100; job 2 (200 s) waits, job 3 (90 s) backfills.
        XCTAssertEqual(decide(easy, [job(0, systems: 8), job(1, systems: 16), job(2, systems: 1, est: 200),
                                     job(3, systems: 1, est: 90)]), [.start(0), .start(3)])
        // One node group, held until t=100: the head waits for it, a long job may not take it.
        let r = [active(20, systems: 4, end: 100)]
        XCTAssertEqual(EASYBackfillPolicy.reservation(for: job(0, systems: 2), in: view(r, groups: 1))?.shadow, t(100))
        XCTAssertEqual(decide(easy, [job(0, systems: 2), job(1, systems: 1, est: 1000)], view(r, groups: 1)), [])
    }

    func testSJFOrdersByEstimateAndSkipsWhatDoesNotFit() {
        XCTAssertEqual(decide(sjf, [job(0, systems: 10, est: 300), job(1, systems: 10, est: 100), job(2, systems: 6, est: 200)]),
                       [.start(1), .start(2)])
        // Ties by submit, then index.
        XCTAssertEqual(decide(sjf, [job(5, systems: 8, est: 50, submit: 3), job(4, systems: 8, est: 50, submit: 3),
                                    job(6, systems: 8, est: 50, submit: 1)]), [.start(6), .start(4)])
    }

    func testFairShareFavoursUserWithLessUsage() {
        let queue = [job(0, systems: 10, user: "alice"), job(1, systems: 10, user: "bob")]
        XCTAssertEqual(decide(fair, queue, view(usage: ["alice": 1000, "bob": 10])), [.start(1)])
        XCTAssertEqual(decide(fair, queue, view(usage: ["alice": 10])), [.start(1)])
        XCTAssertEqual(decide(fair, queue), [.start(0)])  // equal: by submit
    }

    func testFairShareRespectsWeights() {
        let queue = [job(0, systems: 10, user: "bob"), job(1, systems: 10, user: "alice")]
        // alice 1000/4 = 250 < bob 500/1.
        XCTAssertEqual(decide(fair, queue, view(usage: ["alice": 1000, "bob": 500], weights: ["alice": 4])), [.start(1)])
        XCTAssertEqual(decide(fair, queue, view(usage: ["alice": 1000, "bob": 500])), [.start(0)])
    }

    func testFairSharePlannedUsagePreventsOneUserTakingAll() {
        // alice starts at 0, bob at 100. alice's first start adds 4 x 100 = 400 > 100, so bob is next.
        let queue = [job(0, systems: 4, user: "alice"), job(1, systems: 4, user: "alice"),
                     job(2, systems: 4, user: "alice"), job(3, systems: 4, user: "bob")]
        XCTAssertEqual(decide(fair, queue, view(usage: ["bob": 100])), [.start(0), .start(3), .start(1), .start(2)])
        XCTAssertEqual(decide(fair, queue, view([active(9, systems: 8, end: 50)], usage: ["bob": 100])),
                       [.start(0), .start(3)])
    }

    func testPriorityPreemptsLowestPriorityMostRecentOnlyAsNeeded() {
        XCTAssertEqual(decide(prio, [job(0, systems: 4, priority: 5)], view(prioRunning)), [.preempt(11)])
        XCTAssertEqual(decide(prio, [job(0, systems: 8, priority: 5)], view(prioRunning)), [.preempt(11), .preempt(10)])
        XCTAssertEqual(decide(prio, [job(0, systems: 12, priority: 5)], view(prioRunning)),
                       [.preempt(11), .preempt(10), .preempt(12)])
    }

    func testPriorityNeverPreemptsEqualOrHigherPriority() {
        // 16 would need the equal-priority job too: nothing is preempted.
        XCTAssertEqual(decide(prio, [job(0, systems: 16, priority: 5)], view(prioRunning)), [])
        // Priority 1 may only preempt the priority-0 jobs.
        XCTAssertEqual(decide(prio, [job(0, systems: 12, priority: 1)], view(prioRunning)), [])
        XCTAssertEqual(decide(prio, [job(0, systems: 4, priority: 0)], view(prioRunning)), [])
    }

    func testPriorityVictimsChosenOncePerCallAndStartsGreedyByPriority() {
        XCTAssertEqual(decide(prio, [job(0, systems: 4, priority: 5), job(1, systems: 4, priority: 5),
                                     job(2, systems: 8, priority: 5)], view(prioRunning)), [.preempt(11), .preempt(10)])
        // 4 free. Higher priority starts first; then 2 free, job 2 needs 4 -> one victim.
        let r = Array(prioRunning.dropFirst())
        XCTAssertEqual(decide(prio, [job(0, systems: 2), job(1, systems: 2, priority: 3), job(2, systems: 4, priority: 3)],
                              view(r)), [.start(1), .preempt(11), .start(0)])
        // The 2 free systems a 6-system job needs besides its 4-system victim are held back from
        // job 0 (3 systems); a 5-system job needs only 1 of them.
        XCTAssertEqual(decide(prio, [job(0, systems: 3), job(1, systems: 6, priority: 3)], view(r)), [.preempt(11)])
        XCTAssertEqual(decide(prio, [job(0, systems: 3), job(1, systems: 5, priority: 3)], view(r)),
                       [.preempt(11), .start(0)])
    }

    func testPriorityDoesNotRepreemptWhileVictimsCheckpoint() {
        var p = PriorityPreemptionPolicy()
        let queue = [job(0, systems: 4, priority: 5)]
        XCTAssertEqual(p.schedule(queue: queue, cluster: view(prioRunning)), [.preempt(11)])
        // An arrival before the checkpoint is written: job 11 is still running; no new victim.
        XCTAssertEqual(p.schedule(queue: queue + [job(1, systems: 4)], cluster: view(prioRunning, now: 5)), [])
        // A second urgent job gets a fresh victim (job 11's systems are already spoken for).
        XCTAssertEqual(p.schedule(queue: queue + [job(2, systems: 4, priority: 5)], cluster: view(prioRunning, now: 6)),
                       [.preempt(10)])
        // Checkpoints written: both victims left, job 0 starts; a restarted job 11 is fair game again.
        let after = [active(11, systems: 4, end: 1000, start: 50)] + prioRunning.suffix(2)
        XCTAssertEqual(p.schedule(queue: queue, cluster: view(after, now: 60)), [.start(0)])
        XCTAssertEqual(p.schedule(queue: [job(3, systems: 8, priority: 5)], cluster: view(after, now: 61)), [.preempt(11)])
    }

    func testPriorityPreemptsForMemoryXShortage() {
        let r = [active(10, systems: 1, end: 100, start: 1, memory: 6e11), active(11, systems: 1, end: 100, start: 2)]
        // 14 systems free but too little MemoryX: the big-memory victim is needed as well.
        XCTAssertEqual(decide(prio, [job(0, systems: 1, priority: 1, memory: 5e11)], view(r, memory: 1e12)),
                       [.preempt(11), .preempt(10)])
    }

    func testPolicyNamesRoundTrip() {
        XCTAssertEqual(PolicyName.names, ["fifo", "easy-backfill", "sjf", "fair-share", "priority-preempt"])
        for name in PolicyName.allCases { XCTAssertEqual(name.make().name, name.rawValue) }
        XCTAssertNil(PolicyName(rawValue: "FIFO"))
        XCTAssertNil(PolicyName(rawValue: "round-robin"))
    }
}
