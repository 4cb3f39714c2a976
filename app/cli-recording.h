/* cli-recording.h: options shared by the subcommands that open recordings.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "recording.h"

typedef struct {
  char *stimulus;            /* --stimulus: signal name or number, "protocol" or "none" */
  double audio_mv;           /* --audio-mv */
  int audio_stimulus;        /* --audio-stimulus-channel */
  double audio_pa;           /* --audio-pa */
  double ljp_mv;             /* --ljp (only where nd_cli_recording_add_ljp_option added it) */
} NdCliRecordingOptions;

/* Fills defaults and adds the options, bound to `o`, to the context. */
void nd_cli_recording_add_options (GOptionContext *ctx, NdCliRecordingOptions *o);
void nd_cli_recording_options_clear (NdCliRecordingOptions *o);
/* Adds --ljp MV (the liquid-junction potential subtracted from the membrane
 * potential) for the subcommands that measure or fit it; after
 * nd_cli_recording_add_options. */
void nd_cli_recording_add_ljp_option (GOptionContext *ctx, NdCliRecordingOptions *o);

/* Loads `path` with the options applied; on failure prints the error and
 * returns NULL (exit status 1). */
NdRecording *nd_cli_load_recording (const char *path, const NdCliRecordingOptions *o);

/* "0,2,5-7" -> the sweep numbers (guint) as given; "all" or NULL: every
 * sweep. A sweep beyond the recording's or an unreadable list prints the
 * error, sets *status (1 or 2) and returns NULL. */
GArray *nd_cli_parse_sweeps (const char *list, guint n_sweeps, int *status);

/* Prints the builder's document on standard output, indented (info and passive --json). */
void nd_cli_print_json (JsonBuilder *b);

/* Shortest text that reads back as exactly `v` (at most 17 digits). */
void nd_cli_format_double (char *buf, gsize size, double v);
