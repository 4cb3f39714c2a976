/* recording-formats.h: the one table of recording formats Neurode reads.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each format names its file name endings, the bytes its files start with,
 * its reader and the MIME types Neurode registers for it. The loader's
 * detection (nd_recording_load), the windows' file filters and lists of
 * recordings, and the MIME data (data/io.github.neurode.Neurode.mime.xml and
 * the desktop file's MimeType=, checked against this table by
 * tests/io/test-recording-formats.c) all read it, so a format added here is
 * added everywhere.
 */
#pragma once

#include <glib.h>

#include "recording.h"

G_BEGIN_DECLS

typedef NdRecording *(*NdRecordingLoader) (const char *path, const NdLoadOptions *options, GError **error);

typedef struct {
  const char *name;                 /* "ABF", "ATF", "audio", "CSV" */
  /* File name endings, lower case without the dot (matched case-insensitively). */
  const char *const *suffixes;
  /* Byte strings a file of this format starts with (offset 0); NULL if none. */
  const char *const *signatures;
  /* The MIME types Neurode opens (the desktop file's MimeType=); NULL when
   * Neurode does not offer itself for these files (audio: music players). */
  const char *const *mime_types;
  /* TRUE when Neurode's mime.xml declares mime_types[0]: its globs are the
   * suffixes and its magic the signatures. */
  gboolean declares_mime;
  /* When a file is named like this format but does not start with a
   * signature: this message (N_(), one %s for the file name), or NULL to let
   * the reader say what is wrong. */
  const char *misnamed_message;
  NdRecordingLoader load;
} NdRecordingFormat;

/* The formats, NULL-terminated. */
const NdRecordingFormat *const *nd_recording_formats (void);

/* The format whose signature `head` (the first `n` bytes of a file) starts with, or NULL. */
const NdRecordingFormat *nd_recording_format_sniff (const guint8 *head, gsize n);

/* The format a file name ends like (any case: "cell.ABF"), or NULL. */
const NdRecordingFormat *nd_recording_format_for_name (const char *name);

/* The format read for text files of unknown names (CSV). */
const NdRecordingFormat *nd_recording_format_text (void);

G_END_DECLS
