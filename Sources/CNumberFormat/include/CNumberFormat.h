#ifndef CNUMBERFORMAT_H
#define CNUMBERFORMAT_H

#include <stddef.h>

/// Writes `x` with exactly `decimals` digits after the point ("%.*f") into `buffer` (at most
/// `size` bytes, NUL included) and returns the length snprintf gives. Swift cannot call the
/// variadic snprintf, and its va_list route (withVaList) boxes every argument; this is the
/// C library's own fixed formatting, called directly (Reports' NumberFormat.fixed).
int sim_format_fixed(char *buffer, size_t size, int decimals, double x);

#endif
