#ifndef ANDROMEDA_CHWLOC_SHIM_H
#define ANDROMEDA_CHWLOC_SHIM_H

/* hwloc (Debian 12: 2.9.0) for SimHost. Enum flags and function-like
 * helpers that the Swift importer cannot use directly are wrapped here. */
#include <hwloc.h>

/** HWLOC_CPUBIND_THREAD as a plain int (bind the calling thread only). */
static inline int chwloc_cpubind_thread(void) { return (int)HWLOC_CPUBIND_THREAD; }

/** HWLOC_CPUBIND_PROCESS as a plain int (all threads of the process). */
static inline int chwloc_cpubind_process(void) { return (int)HWLOC_CPUBIND_PROCESS; }

/** HWLOC_CPUBIND_STRICT as a plain int. */
static inline int chwloc_cpubind_strict(void) { return (int)HWLOC_CPUBIND_STRICT; }

/** HWLOC_API_VERSION the shim was compiled against. */
static inline unsigned chwloc_header_api_version(void) { return (unsigned)HWLOC_API_VERSION; }

/** Number of objects of one type; 0 when the level is missing or ambiguous (-1). */
static inline unsigned chwloc_count_type(hwloc_topology_t topology, hwloc_obj_type_t type) {
    int n = hwloc_get_nbobjs_by_type(topology, type);
    return n > 0 ? (unsigned)n : 0u;
}

/** The idx-th object of one type, or NULL. */
static inline hwloc_obj_t chwloc_obj_by_type(hwloc_topology_t topology, hwloc_obj_type_t type, unsigned idx) {
    return hwloc_get_obj_by_type(topology, type, idx);
}

/** Copies up to `capacity` set indexes of `set` (ascending) into `out`;
 *  returns how many indexes the set holds (may exceed capacity), or -1 if infinite. */
static inline int chwloc_bitmap_indexes(hwloc_const_bitmap_t set, int *out, int capacity) {
    if (set == NULL) return 0;
    if (hwloc_bitmap_weight(set) < 0) return -1;
    int count = 0;
    int idx;
    hwloc_bitmap_foreach_begin(idx, set)
        if (count < capacity && out != NULL) out[count] = idx;
        count++;
    hwloc_bitmap_foreach_end();
    return count;
}

#endif
