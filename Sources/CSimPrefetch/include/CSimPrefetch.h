#ifndef CSIMPREFETCH_H
#define CSIMPREFETCH_H

/// Hints the processor to bring the cache line at `p` into the cache for reading. A hint only:
/// it never faults (a null or stale pointer is fine) and changes no result. Swift has no
/// prefetch of its own; this header-only function is inlined into the engine's hot loop.
static inline __attribute__((always_inline)) void sim_prefetch(const void *p) {
    __builtin_prefetch(p, 0, 3);
}

#endif
