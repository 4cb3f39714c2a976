/* morph-error.h: the error messages of the morphology readers.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The morphology code is plain C (no GLib): its functions report an error
 * as text in a caller's buffer, which may be NULL.
 */
#pragma once

#include <stddef.h>

/* Formats the message, translated, into err (at most err_len bytes); does
 * nothing without a buffer. The format must be a literal, for xgettext. */
void nd_morph_set_error (char *err, size_t err_len, const char *format, ...)
  __attribute__ ((format (printf, 3, 4)));
