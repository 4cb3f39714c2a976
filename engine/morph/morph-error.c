/* morph-error.c: the error messages of the morphology readers.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "morph-error.h"

#include <stdarg.h>
#include <stdio.h>

void
nd_morph_set_error (char *err, size_t err_len, const char *format, ...)
{
  if (!err || err_len == 0)
    return;
  va_list ap;
  va_start (ap, format);
  vsnprintf (err, err_len, format, ap);
  va_end (ap);
}
