/// One job's pass timeline alone: when each weight broadcast of a steady step ends, from the
/// step's start, and the mean step.
struct PassClock {
    let offsets: [Int64]
    let step: Int64

    /// The time of broadcast `i` since the job started, up to a constant (step `i / passes`,
    /// pass `i % passes`).
    func at(_ i: Int) -> Int64 {
        let p = offsets.count
        return Int64(i / p) * step + offsets[i % p]
    }
}
