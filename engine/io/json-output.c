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

char *
nd_json_builder_to_text (JsonBuilder *b)
{
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  return json_generator_to_data (gen, NULL);
}
