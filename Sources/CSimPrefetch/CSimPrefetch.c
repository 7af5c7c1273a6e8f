// The target's one function is header-only (CSimPrefetch.h); SwiftPM needs a source file.
#include "CSimPrefetch.h"
