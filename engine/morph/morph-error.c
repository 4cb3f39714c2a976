/* morph-error.c: the error messages of the morphology readers.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "morph-error.h"

#include <libintl.h>
#include <stdarg.h>
#include <stdio.h>

void
nd_morph_set_error (char *err, size_t err_len, const char *format, ...)
{
  if (!err || err_len == 0)
    return;
  va_list ap;
  va_start (ap, format);
  /* The messages are in the application's catalogue (po/meson.build names this function to xgettext): a
   * German user opening a broken SWC file reads German. libc's gettext, as the core has no GLib; without a
   * bound catalogue (the tests) it returns the English. */
  vsnprintf (err, err_len, dgettext (GETTEXT_PACKAGE, format), ap);
  va_end (ap);
}
