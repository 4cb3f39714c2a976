/* json-input.h: reading JSON files people give Neurode (models, cells, projects), strictly and within bounds.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * json-glib reads more than JSON (single-quoted strings, hexadecimal numbers,
 * leading zeros, NaN, data after the closing brace) and recurses once per
 * level of nesting, so a file of 100,000 brackets overflows the stack. Every
 * JSON input is therefore first checked against RFC 8259 by a non-recursive
 * scanner that also bounds the depth, and only then handed to json-glib.
 * Files are read only when they are regular files below a size limit, so a
 * device such as /dev/zero or a huge file never fills the memory.
 * Messages say where (line and column) and what JSON accepts there.
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Far above any real model, cell or project file (a large network is a few MB). */
#define ND_JSON_MAX_BYTES ((gsize) 256 << 20)
/* Real files nest 6 levels; json-glib needs a stack frame per level. */
#define ND_JSON_MAX_DEPTH 64

/* Checks that text[0..len) is one JSON value (RFC 8259) nested at most
 * ND_JSON_MAX_DEPTH deep whose numbers are finite doubles. The error says
 * "line L, column C: what is wrong (what is accepted)". */
gboolean nd_json_check (const char *text, gsize len, GError **error);

/* nd_json_check, then json-glib: the root node (free with json_node_unref). */
JsonNode *nd_json_parse (const char *text, gsize len, GError **error);

/* The contents of the regular file at path (NUL-terminated, *len without the
 * NUL) when it is at most max_bytes long; a clear error for a missing file, a
 * folder, a device or a file too large. `what` names the file for the
 * message ("model file", "cell file", ...). */
char *nd_read_file_bounded (const char *path, gsize max_bytes, const char *what, gsize *len, GError **error);

/* Strict readers of one member of an object (model, cell and project files): a member that is present
 * must have the right type, and a wrong one is an error "WHERE: “KEY” must be ..., not ..." naming it,
 * never the default. Absent members give the fallback (NULL for strings, objects and lists), or for
 * nd_json_get_number with `required` the error "WHERE: “KEY” is missing". */
const char *nd_json_kind_of (JsonNode *n);   /* "text", "a list [ … ]", ... for messages */
gboolean nd_json_is_number (JsonNode *n);
gboolean nd_json_get_number (JsonObject *o, const char *key, double fallback, gboolean required, double *out,
                             const char *where, GError **error);
gboolean nd_json_get_bool (JsonObject *o, const char *key, gboolean fallback, gboolean *out, const char *where,
                           GError **error);
gboolean nd_json_get_string (JsonObject *o, const char *key, const char **out, const char *where, GError **error);
gboolean nd_json_get_object (JsonObject *o, const char *key, JsonObject **out, const char *where, GError **error);
gboolean nd_json_get_array (JsonObject *o, const char *key, JsonArray **out, const char *where, GError **error);
/* The numbers of list `key` (a), exactly n of them when n >= 0, each finite. */
gboolean nd_json_get_numbers (JsonArray *a, const char *key, int n, double *out, const char *where, GError **error);

G_END_DECLS
