import SimEngine

// Link classes of ``FlowNetwork``: links whose statistics are identical, kept once per class.

extension FlowNetwork {
    /// The statistics shared by the links of one class.
    ///
    /// Two links of equal capacity crossed by exactly the same flows since time zero have the
    /// same history: the same flows cross them, so progressive filling adds the same shares in
    /// the same order to both loads (bit-identical), their used fractions `min(1, load /
    /// capacity)` are equal, and every change happens to both at the same instant. Their load,
    /// busy bytes, busy time and used-fraction signal are therefore equal bit for bit, and the
    /// network keeps them once per class: a 16-system broadcast then updates one record for all
    /// its SwarmX down edges instead of one per edge.
    ///
    /// The classes are the coarsest partition of the links that every path given to the network
    /// (prepared, or started without a prepared entry) refines, with capacities equal within a
    /// class. Class 0 holds the links no path has crossed yet (their statistics are the initial
    /// ones and are never updated). A new path splits each class it cuts: the links it crosses
    /// move to a new class that starts as a copy of the old one (exact: until now the links had
    /// equal statistics), and the transition cache, which names classes, is emptied. A
    /// model that repeats its paths stops splitting after its first few flows.
    struct LinkClass {
        var capacity: Double
        /// Sum of the rates of the flows crossing each link of the class (bytes/s).
        var load: Double = 0
        var busyBytes: Double = 0
        var busyNanoseconds: Int64 = 0
        var usedFraction = TimeWeightedAverage()
        /// Links in the class.
        var members: Int32 = 0
        /// Scratch: the rate computation's de-duplication stamp, and a split's count of members
        /// on the path and the class they move to (-1: not decided yet).
        var stamp: UInt64 = 0
        var refineStamp: UInt64 = 0
        var onPath: Int32 = 0
        var splitTo: Int32 = -1

        init(capacity: Double) { self.capacity = capacity }
    }
}

extension FlowNetwork.Core {
    /// Splits the link classes that `path` (de-duplicated links) cuts, so that each class lies
    /// wholly on or wholly off every path seen (see ``FlowNetwork/LinkClass``). With
    /// `classesEnabled` off, every link crossed gets a class of its own (the per-link
    /// statistics, for tests that compare).
    mutating func refineClasses(by path: [UInt32]) {
        materializeLoaded()
        refineStamp &+= 1
        let r = refineStamp
        for l in path {
            let c = Int(linkClass[Int(l)])
            if classes[c].refineStamp != r {
                classes[c].refineStamp = r
                classes[c].onPath = 0
                classes[c].splitTo = -1
            }
            classes[c].onPath += 1
        }
        var split = false
        for l in path {
            let i = Int(l)
            let c = Int(linkClass[i])
            var to: Int
            if c == 0 || !classesEnabled {
                // Never crossed (or classes off): a new class per capacity (or per link).
                if c != 0 { continue }
                to = -1
                if classesEnabled {
                    for k in refineNew where classes[Int(k)].capacity == links[i].capacity {
                        to = Int(k)
                        break
                    }
                }
                if to < 0 {
                    to = classes.count
                    classes.append(FlowNetwork.LinkClass(capacity: links[i].capacity))
                    refineNew.append(UInt32(truncatingIfNeeded: to))
                }
            } else {
                if classes[c].splitTo < 0 {
                    if classes[c].onPath == classes[c].members {
                        classes[c].splitTo = Int32(truncatingIfNeeded: c)
                    } else {
                        // The links on the path leave: a copy of the class's statistics.
                        var copy = classes[c]
                        copy.members = 0
                        copy.refineStamp = 0
                        classes.append(copy)
                        classes[c].splitTo = Int32(truncatingIfNeeded: classes.count - 1)
                        split = true
                        // A loaded class's new part carries the same load from now on.
                        if copy.load > 0 { loadedClasses.append(UInt32(truncatingIfNeeded: classes.count - 1)) }
                    }
                }
                to = Int(classes[c].splitTo)
                if to == c { continue }
            }
            classes[c].members -= 1
            classes[to].members += 1
            linkClass[i] = Int32(truncatingIfNeeded: to)
        }
        refineNew.removeAll(keepingCapacity: true)
        // The transition cache names classes: the cut ones are now two.
        if split { transitions.removeAll() }
    }
}
