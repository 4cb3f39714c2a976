/* recording-formats.c: the table of recording formats and lookups in it.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>
#include <string.h>

#include "recording-formats.h"
#include "recording-private.h"

/* The readers that need no options, in the table's calling convention. */
static NdRecording *
load_abf (const char *path, const NdLoadOptions *options, GError **error)
{
  return nd_recording_load_abf (path, error);
}

static NdRecording *
load_atf (const char *path, const NdLoadOptions *options, GError **error)
{
  return nd_recording_load_atf (path, error);
}

static NdRecording *
load_csv (const char *path, const NdLoadOptions *options, GError **error)
{
  return nd_recording_load_csv (path, error);
}

static const char *const abf_suffixes[] = { "abf", NULL };
static const char *const abf_signatures[] = { "ABF ", "ABF2", NULL };
static const char *const abf_mime[] = { "application/x-axon-binary", NULL };

static const char *const atf_suffixes[] = { "atf", NULL };
static const char *const atf_signatures[] = { "ATF", NULL };
static const char *const atf_mime[] = { "application/x-axon-text", NULL };

/* libsndfile's containers; Ogg is read when a file starts like one but not offered by name (lossy audio is no
 * recording). */
static const char *const audio_suffixes[] = { "wav", "flac", "aiff", "aif", NULL };
static const char *const audio_signatures[] = { "RIFF", "RIFX", "RF64", "FORM", "fLaC", "OggS", NULL };

/* Plain text (.txt) is read as a table but Neurode does not claim text/plain. Other names (.dat) are read as
 * tables when they hold text, but not offered: HEKA's binary .dat files share that ending. */
static const char *const csv_suffixes[] = { "csv", "tsv", "txt", NULL };
static const char *const csv_mime[] = { "text/csv", "text/tab-separated-values", NULL };

static const NdRecordingFormat abf = {
  .name = "ABF", .suffixes = abf_suffixes, .signatures = abf_signatures, .mime_types = abf_mime,
  .declares_mime = TRUE,
  /* An ABF reader given another file only finds a garbled header: say what the name promised. */
  .misnamed_message = N_("“%s” is named like an Axon ABF file but does not start like one; "
                         "it may be damaged or not an ABF file."),
  .load = load_abf,
};
static const NdRecordingFormat atf = {
  .name = "ATF", .suffixes = atf_suffixes, .signatures = atf_signatures, .mime_types = atf_mime,
  .declares_mime = TRUE, .load = load_atf,
};
static const NdRecordingFormat audio = {
  .name = "audio", .suffixes = audio_suffixes, .signatures = audio_signatures,
  .load = nd_recording_load_sndfile,
};
static const NdRecordingFormat csv = {
  .name = "CSV", .suffixes = csv_suffixes, .mime_types = csv_mime, .load = load_csv,
};

static const NdRecordingFormat *const formats[] = { &abf, &atf, &audio, &csv, NULL };

const NdRecordingFormat *const *
nd_recording_formats (void)
{
  return formats;
}

const NdRecordingFormat *
nd_recording_format_sniff (const guint8 *head, gsize n)
{
  for (const NdRecordingFormat *const *f = formats; *f; f++)
    for (const char *const *s = (*f)->signatures; s && *s; s++)
      {
        gsize len = strlen (*s);
        if (n >= len && memcmp (head, *s, len) == 0)
          return *f;
      }
  return NULL;
}

const NdRecordingFormat *
nd_recording_format_for_name (const char *name)
{
  const char *dot = strrchr (name, '.');
  if (!dot || strchr (dot, '/'))
    return NULL;
  for (const NdRecordingFormat *const *f = formats; *f; f++)
    for (const char *const *s = (*f)->suffixes; *s; s++)
      if (g_ascii_strcasecmp (dot + 1, *s) == 0)
        return *f;
  return NULL;
}

const NdRecordingFormat *
nd_recording_format_text (void)
{
  return &csv;
}
