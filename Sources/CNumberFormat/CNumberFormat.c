#include "CNumberFormat.h"
#include <stdio.h>

int sim_format_fixed(char *buffer, size_t size, int decimals, double x) {
    return snprintf(buffer, size, "%.*f", decimals, x);
}
