/* json-output.c
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "json-output.h"

#include <math.h>

void
nd_json_add_number (JsonBuilder *b, const char *member, double x)
{
  json_builder_set_member_name (b, member);
  json_builder_add_double_value (b, x);
}

void
nd_json_add_number_or_null (JsonBuilder *b, const char *member, double x)
{
  json_builder_set_member_name (b, member);
  if (isfinite (x))
    json_builder_add_double_value (b, x);
  else
    json_builder_add_null_value (b);
}

void
nd_json_add_numbers (JsonBuilder *b, const char *member, const double *x, int n)
{
  json_builder_set_member_name (b, member);
  json_builder_begin_array (b);
  for (int i = 0; i < n; i++)
    json_builder_add_double_value (b, x[i]);
  json_builder_end_array (b);
}

/* json-glib 1.6 appends ".0" to every double whose shortest text has no '.', exponents too: 1e-08 comes out
 * as "1e-08.0", which is no JSON number, so a model with a conductance of 0.00000001 could be saved but not read
 * back (the fuzzer found it). Outside strings, drop a ".0" that follows a number's exponent. Written here
 * because json-glib offers no way to write a number's text itself. */
static void
mend_exponents (char *text)
{
  gboolean in_string = FALSE, exponent = FALSE;
  char *out = text;
  for (const char *p = text; *p; p++)
    {
      if (in_string)
        {
          if (*p == '\\' && p[1])
            *out++ = *p++;
          else if (*p == '"')
            in_string = FALSE;
        }
      else if (*p == '"')
        in_string = TRUE, exponent = FALSE;
      else if (*p == 'e' || *p == 'E')
        exponent = out > text && g_ascii_isdigit (out[-1]);
      else if (exponent && *p == '.' && p[1] == '0' && !g_ascii_isdigit (p[2]) && out > text
               && g_ascii_isdigit (out[-1]))
        {
          p++;   /* skip ".0" */
          continue;
        }
      else if (!g_ascii_isdigit (*p) && *p != '-' && *p != '+')
        exponent = FALSE;
      *out++ = *p;
    }
  *out = '\0';
}

char *
nd_json_builder_to_text (JsonBuilder *b)
{
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  char *text = json_generator_to_data (gen, NULL);
  mend_exponents (text);
  return text;
}
