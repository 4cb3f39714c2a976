/* json-output.h: the small pieces every JSON writer of Neurode (model, project, CLI reports) shares.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* member: x */
void nd_json_add_number (JsonBuilder *b, const char *member, double x);
/* member: x, or null when x is not finite (JSON has no NaN: "not measured"). */
void nd_json_add_number_or_null (JsonBuilder *b, const char *member, double x);
/* member: [x[0], …, x[n - 1]] */
void nd_json_add_numbers (JsonBuilder *b, const char *member, const double *x, int n);
/* The builder's document, pretty-printed (g_free). */
char *nd_json_builder_to_text (JsonBuilder *b);

G_END_DECLS
