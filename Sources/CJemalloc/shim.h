#ifndef ANDROMEDA_CJEMALLOC_SHIM_H
#define ANDROMEDA_CJEMALLOC_SHIM_H

/* jemalloc 5.3 (Debian 12). Debian builds it without the je_ prefix, so
 * linking it replaces malloc/free for the whole process. SimHost calls
 * mallctl, which keeps the library in the link even with --as-needed. */
#include <stddef.h>
#include <jemalloc/jemalloc.h>

/** JEMALLOC_VERSION the shim was compiled against. */
static inline const char *cjemalloc_header_version(void) { return JEMALLOC_VERSION; }

#endif
