/* nd-text.c: typography of the numbers the window shows.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "nd-text.h"

#include <stdarg.h>
#include <string.h>

char *
nd_text_minus (char *s)
{
  if (!s)
    return NULL;
  GString *out = g_string_sized_new (strlen (s) + 8);
  for (const char *p = s; *p; p++)
    {
      /* Only a sign: a hyphen before a digit (or ".5") that follows no letter or digit ("K-type"), or an
       * exponent's ("1e-05"). */
      gboolean exponent = p - s >= 2 && (p[-1] == 'e' || p[-1] == 'E') && g_ascii_isdigit (p[-2]);
      gboolean sign = *p == '-' && (g_ascii_isdigit (p[1]) || (p[1] == '.' && g_ascii_isdigit (p[2])))
                      && (p == s || !g_ascii_isalnum (p[-1]) || exponent);
      if (sign)
        g_string_append (out, "\xe2\x88\x92");
      else
        g_string_append_c (out, *p);
    }
  g_free (s);
  return g_string_free (out, FALSE);
}

char *
nd_text_printf (const char *format, ...)
{
  va_list args;
  va_start (args, format);
  char *s = g_strdup_vprintf (format, args);
  va_end (args);
  return nd_text_minus (s);
}
