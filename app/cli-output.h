/* cli-output.h: what neurode-cli writes, written so that no cut or mixed result is ever left behind.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A single output (simulate --out, morph-simulate --out) streams into a
 * hidden file beside the one the user named and is renamed onto that name
 * only when it is complete and on disk: a kill or a full disk leaves the old
 * file (or none), never a cut one. A folder of outputs (fit, reduce) is a set:
 * nd_cli_set_begin removes the previous set's files and its marker, each file
 * is then saved atomically, and nd_cli_set_commit writes the marker
 * (complete.txt: every file of the set with its size and SHA-256) last, so a
 * folder without complete.txt holds no finished set. Errors name the user's
 * file, never the hidden one.
 */
#pragma once

#include <glib.h>
#include <stdio.h>

typedef struct {
  FILE *file;
  char *path;       /* the user's name (NULL: standard output) */
  char *tmp;        /* the hidden file written meanwhile */
} NdCliOutput;

/* Opens path for writing through a hidden file beside it (path NULL or "-": standard output). */
gboolean nd_cli_output_open (NdCliOutput *out, const char *path, GError **error);
/* Flushes, syncs and renames the hidden file onto path; on any failure the hidden file is removed. */
gboolean nd_cli_output_commit (NdCliOutput *out, GError **error);
/* Closes and removes the hidden file (the user's file is left as it was). */
void nd_cli_output_abandon (NdCliOutput *out);

#define ND_CLI_SET_MARKER "complete.txt"

/* Starts a set of outputs in dir: removes the marker first, then names[] (the files a previous set left). */
gboolean nd_cli_set_begin (const char *dir, const char *const *names, GError **error);
/* Writes dir/name atomically (an error names the file). */
gboolean nd_cli_set_write (const char *dir, const char *name, const char *data, gsize len, GError **error);
/* Writes the marker, last: every file of names[] with its size and SHA-256. */
gboolean nd_cli_set_commit (const char *dir, const char *what, const char *const *names, GError **error);

/* "about 3 min left": a time left in seconds (finite) as a status line says it. */
char *nd_cli_about_left (double s);
