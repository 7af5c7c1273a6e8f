#if canImport(Glibc)
import Glibc
#endif

/// A snapshot of the memory allocator's statistics (jemalloc `stats.*`).
public struct AllocatorStats: Sendable, Codable, Equatable {
    /// Allocator name and version, e.g. "jemalloc 5.3.0-0-g54eaed1d...".
    public var allocator: String
    /// Bytes allocated by the application (`stats.allocated`).
    public var allocatedBytes: UInt64
    /// Bytes in active pages, a multiple of the page size (`stats.active`).
    public var activeBytes: UInt64
    /// Bytes of physically resident data pages mapped by the allocator (`stats.resident`).
    public var residentBytes: UInt64
    /// Bytes in extents mapped by the allocator (`stats.mapped`).
    public var mappedBytes: UInt64

    /// Creates a snapshot from explicit figures.
    public init(
        allocator: String, allocatedBytes: UInt64, activeBytes: UInt64,
        residentBytes: UInt64, mappedBytes: UInt64
    ) {
        self.allocator = allocator
        self.allocatedBytes = allocatedBytes
        self.activeBytes = activeBytes
        self.residentBytes = residentBytes
        self.mappedBytes = mappedBytes
    }
}

/// The process memory allocator. The command line (and the test bundle) link
/// Debian's jemalloc (no `je_` prefix, so it replaces `malloc` for the whole
/// process); SimHost itself does not link it but finds jemalloc's `mallctl`
/// at run time, so that the library also loads into a process that cannot
/// take jemalloc (the C ABI's dynamic library in Python: jemalloc's
/// initial-exec TLS cannot be loaded by `dlopen`). Without jemalloc, `stats()`
/// is nil and ``name`` says so. All members are thread-safe. A `stats()` refresh costs tens of
/// microseconds: call it per report, never inside a hot loop.
public enum Allocator {
    /// "jemalloc <version>" as reported by `mallctl("version")`; a note is
    /// appended if jemalloc is linked but does not serve `malloc`.
    public static var name: String { cachedName }

    /// True when `malloc` in this process is served by jemalloc (checked once
    /// by watching jemalloc's per-thread allocation counter across a `malloc`).
    public static var isProcessAllocator: Bool { cachedIsProcessAllocator }

    private static let cachedName: String = {
        guard mallctlFunction != nil else { return "system malloc (jemalloc not loaded)" }
        guard let version = readVersion() else { return "unknown allocator (mallctl failed)" }
        let base = "jemalloc \(version)"
        return cachedIsProcessAllocator ? base : base + " (linked, but malloc is not jemalloc)"
    }()

    private static let cachedIsProcessAllocator: Bool = {
        guard let before: UInt64 = read("thread.allocated") else { return false }
        let size = 1 << 20
        // A Swift array goes through the runtime's allocator call, which the optimiser cannot
        // elide (a bare malloc/free pair with no use can be removed in release builds).
        let block = [UInt8](repeating: 1, count: size)
        let after: UInt64? = withExtendedLifetime(block) { read("thread.allocated") }
        guard let after else { return false }
        return after >= before &+ UInt64(size)
    }()

    /// Refreshes jemalloc's statistics (writes `epoch`) and reads them; nil if
    /// jemalloc is unavailable or built without statistics.
    public static func stats() -> AllocatorStats? {
        var newEpoch: UInt64 = 1
        var oldEpoch: UInt64 = 0
        var oldLength = MemoryLayout<UInt64>.size
        // Separate in and out variables: passing &e twice is an overlapping
        // access under Swift 6 exclusivity rules.
        let status = mallctl(
            "epoch", &oldEpoch, &oldLength, &newEpoch, MemoryLayout<UInt64>.size)
        guard status == 0,
              let allocated: Int = read("stats.allocated"),
              let active: Int = read("stats.active"),
              let resident: Int = read("stats.resident"),
              let mapped: Int = read("stats.mapped")
        else { return nil }
        return AllocatorStats(
            allocator: name,
            allocatedBytes: UInt64(clamping: allocated),
            activeBytes: UInt64(clamping: active),
            residentBytes: UInt64(clamping: resident),
            mappedBytes: UInt64(clamping: mapped))
    }

    /// Bytes the calling thread has allocated since it started (jemalloc `thread.allocated`, a
    /// live counter: no refresh needed); nil if jemalloc is unavailable. The difference across a
    /// piece of code is what it allocated, for checking that a hot loop allocates nothing.
    public static func threadAllocatedBytes() -> UInt64? { read("thread.allocated") }

    /// Peak resident set size of the process in bytes (`getrusage(RUSAGE_SELF)`,
    /// `ru_maxrss` is in KiB on Linux); 0 if unavailable.
    public static func peakResidentBytes() -> UInt64 {
        #if canImport(Glibc)
        var usage = rusage()
        guard getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage) == 0 else { return 0 }
        return UInt64(clamping: usage.ru_maxrss) &* 1024
        #else
        return 0
        #endif
    }

    private typealias Mallctl = @convention(c) (UnsafePointer<CChar>?, UnsafeMutableRawPointer?, UnsafeMutablePointer<Int>?,
                                               UnsafeMutableRawPointer?, Int) -> Int32

    /// jemalloc's `mallctl`, when jemalloc is loaded in the process (looked up once).
    private static let mallctlFunction: Mallctl? = {
        #if canImport(Glibc)
        guard let symbol = dlsym(nil, "mallctl") else { return nil }
        return unsafeBitCast(symbol, to: Mallctl.self)
        #else
        return nil
        #endif
    }()

    /// `mallctl(name, oldp, oldlenp, newp, newlen)`; -1 without jemalloc.
    private static func mallctl(_ name: String, _ oldp: UnsafeMutableRawPointer?, _ oldlenp: UnsafeMutablePointer<Int>?,
                                _ newp: UnsafeMutableRawPointer?, _ newlen: Int) -> Int32 {
        guard let f = mallctlFunction else { return -1 }
        return name.withCString { f($0, oldp, oldlenp, newp, newlen) }
    }

    /// Reads a fixed-size mallctl value (`size_t`, `uint64_t`); nil on error.
    private static func read<T: FixedWidthInteger>(_ key: String) -> T? {
        var value: T = 0
        var length = MemoryLayout<T>.size
        guard mallctl(key, &value, &length, nil, 0) == 0,
              length == MemoryLayout<T>.size else { return nil }
        return value
    }

    /// Reads the `version` string (a `const char *` owned by jemalloc).
    private static func readVersion() -> String? {
        var pointer: UnsafePointer<CChar>? = nil
        var length = MemoryLayout<UnsafePointer<CChar>?>.size
        guard mallctl("version", &pointer, &length, nil, 0) == 0, let pointer else {
            return nil
        }
        return String(cString: pointer)
    }
}
