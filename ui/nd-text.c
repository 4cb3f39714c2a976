/* nd-text.c: typography of the numbers the window shows.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "nd-text.h"

#include <string.h>

char *
nd_text_minus (char *s)
{
  if (!s)
    return NULL;
  GString *out = g_string_sized_new (strlen (s) + 8);
  for (const char *p = s; *p; p++)
    {
      /* Only a sign: a hyphen before a digit (or ".5") that does not follow a letter or digit ("K-type"). */
      gboolean sign = *p == '-' && (g_ascii_isdigit (p[1]) || (p[1] == '.' && g_ascii_isdigit (p[2])))
                      && (p == s || !g_ascii_isalnum (p[-1]));
      if (sign)
        g_string_append (out, "\xe2\x88\x92");
      else
        g_string_append_c (out, *p);
    }
  g_free (s);
  return g_string_free (out, FALSE);
}
