/// Receives a timeline of what a model does, for viewing (e.g. as a Chrome/Perfetto trace).
///
/// A *track* is one row of the timeline ("CS-2 0", "MemoryX out"); spans on one track should not
/// partly overlap (nest or follow one another). Models hold an optional sink and guard every call
/// with `if let trace`, so a run without one pays nothing. The engine itself never traces.
public protocol TraceSink: AnyObject {
    /// Something that took `start`...`end` on `track`.
    func span(track: String, name: String, start: SimTime, end: SimTime)
    /// Something that happened at `at` on `track`.
    func instant(track: String, name: String, at: SimTime)
    /// The value of the counter `name` (shown on the group of `track`) from `at` on.
    func counter(track: String, name: String, at: SimTime, value: Double)
    /// A sink whose tracks are shown together under `name` (one process row in Perfetto), for
    /// keeping apart several runs that start at time zero. The default has no groups: `self`.
    func group(_ name: String) -> any TraceSink
}

extension TraceSink {
    /// The default: no groups, every track goes to `self`.
    public func group(_ name: String) -> any TraceSink { self }
}
