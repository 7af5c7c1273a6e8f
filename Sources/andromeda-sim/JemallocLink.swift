import CJemalloc

/// jemalloc serves `malloc` in the command line: this reference to its `mallctl` keeps
/// libjemalloc in the executable's link (SimHost's ``Allocator`` finds it at run time, and does
/// not link it, so that the library also loads where jemalloc cannot, such as in Python).
enum JemallocLink {
    /// Asks jemalloc for its version; true when it answers.
    @discardableResult
    static func check() -> Bool {
        var version: UnsafePointer<CChar>? = nil
        var length = MemoryLayout<UnsafePointer<CChar>?>.size
        return mallctl("version", &version, &length, nil, 0) == 0
    }
}
