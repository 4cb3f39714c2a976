/* cli-info.c: `neurode-cli info FILE [--json]`, what a recording holds.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <stdio.h>

#include "cli.h"
#include "cli-recording.h"
#include "json-output.h"

static const char *
source_name (NdStimulusSource s)
{
  switch (s)
    {
    case ND_STIMULUS_PROTOCOL: return "protocol";
    case ND_STIMULUS_SIGNAL: return "signal";
    case ND_STIMULUS_NONE:
    default: return "none";
    }
}

static double
sweep_length_s (const NdRecording *rec)
{
  return (double) nd_recording_max_sweep_length (rec) / nd_recording_sample_rate_hz (rec);
}

/* One member of the object being built, name and value. */
static void
add_string (JsonBuilder *b, const char *name, const char *v)
{
  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, v);
}

static void
add_int (JsonBuilder *b, const char *name, gint64 v)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, v);
}

static void
print_json (const NdRecording *rec)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  add_string (b, "file", nd_recording_path (rec));
  add_string (b, "format", nd_recording_format (rec));
  add_string (b, "version", nd_recording_version (rec));
  add_string (b, "mode", nd_clamp_mode_name (nd_recording_clamp_mode (rec)));
  add_string (b, "acquisition", nd_recording_acquisition (rec));
  add_string (b, "protocol", nd_recording_protocol (rec));
  add_string (b, "comment", nd_recording_comment (rec));
  add_int (b, "sweeps", nd_recording_n_sweeps (rec));
  nd_json_add_number (b, "sample_rate_hz", nd_recording_sample_rate_hz (rec));
  nd_json_add_number (b, "sweep_length_s", sweep_length_s (rec));
  json_builder_set_member_name (b, "sweep_points");
  json_builder_begin_array (b);
  for (guint s = 0; s < nd_recording_n_sweeps (rec); s++)
    json_builder_add_int_value (b, (gint64) nd_recording_sweep_length (rec, s));
  json_builder_end_array (b);
  json_builder_set_member_name (b, "sweep_start_s");
  json_builder_begin_array (b);
  for (guint s = 0; s < nd_recording_n_sweeps (rec); s++)
    json_builder_add_double_value (b, nd_recording_sweep_start_s (rec, s));
  json_builder_end_array (b);

  json_builder_set_member_name (b, "signals");
  json_builder_begin_array (b);
  for (guint i = 0; i < nd_recording_n_signals (rec); i++)
    {
      const NdSignal *sig = nd_recording_signal (rec, i);
      json_builder_begin_object (b);
      add_string (b, "name", sig->name);
      add_string (b, "units", sig->units);
      nd_json_add_number (b, "scale", sig->scale);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "stimulus");
  json_builder_begin_object (b);
  add_string (b, "source", source_name (nd_recording_stimulus_source (rec)));
  if (nd_recording_stimulus_signal (rec) >= 0)
    add_string (b, "signal", nd_recording_signal (rec, (guint) nd_recording_stimulus_signal (rec))->name);
  add_string (b, "units", nd_recording_stimulus_units (rec));
  add_string (b, "description", nd_recording_stimulus_description (rec));
  json_builder_end_object (b);

  json_builder_set_member_name (b, "tags");
  json_builder_begin_array (b);
  for (guint i = 0; i < nd_recording_n_tags (rec); i++)
    {
      const NdTag *t = nd_recording_tag (rec, i);
      json_builder_begin_object (b);
      nd_json_add_number (b, "time_s", t->time_s);
      add_string (b, "text", t->text);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  add_string (b, "notes", nd_recording_notes (rec));
  json_builder_end_object (b);
  nd_cli_print_json (b);
}

static void
print_text (const NdRecording *rec)
{
  const char *mode = nd_recording_clamp_mode (rec) == ND_CLAMP_CURRENT ? _("current clamp")
                   : nd_recording_clamp_mode (rec) == ND_CLAMP_VOLTAGE ? _("voltage clamp")
                   : _("unknown");
  printf (_("File:         %s\n"), nd_recording_path (rec));
  if (nd_recording_version (rec)[0])
    printf (_("Format:       %s %s\n"), nd_recording_format (rec), nd_recording_version (rec));
  else
    printf (_("Format:       %s\n"), nd_recording_format (rec));
  printf (_("Mode:         %s\n"), mode);
  if (nd_recording_acquisition (rec)[0])
    printf (_("Acquisition:  %s\n"), _(nd_recording_acquisition (rec)));
  if (nd_recording_protocol (rec)[0])
    printf (_("Protocol:     %s\n"), nd_recording_protocol (rec));
  if (nd_recording_comment (rec)[0])
    printf (_("Comment:      %s\n"), nd_recording_comment (rec));
  printf (_("Sweeps:       %u of %g s (%zu points at %g Hz)\n"),
          nd_recording_n_sweeps (rec), sweep_length_s (rec), nd_recording_max_sweep_length (rec),
          nd_recording_sample_rate_hz (rec));
  printf (_("Signals:     "));
  for (guint i = 0; i < nd_recording_n_signals (rec); i++)
    printf ("%s %s (%s)", i ? "," : "", nd_recording_signal (rec, i)->name,
            nd_recording_signal (rec, i)->units[0] ? nd_recording_signal (rec, i)->units : "?");
  printf ("\n");
  printf (_("Stimulus:     %s\n"), nd_recording_stimulus_description (rec));
  for (guint i = 0; i < nd_recording_n_tags (rec); i++)
    printf (_("Tag:          %.4f s  %s\n"), nd_recording_tag (rec, i)->time_s, nd_recording_tag (rec, i)->text);
  if (nd_recording_notes (rec)[0])
    printf (_("Notes:        %s"), nd_recording_notes (rec));
}

int
nd_cli_info (int argc, char **argv)
{
  gboolean json = FALSE;
  NdCliRecordingOptions ro;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON instead of text"), NULL },
    { NULL }
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new (_("FILE — describe a recording"));
  g_option_context_set_translation_domain (ctx, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  nd_cli_recording_add_options (ctx, &ro);
  g_option_context_set_summary (ctx, _("Formats: Axon ABF 1.x/2.x and ATF, WAV/AIFF/FLAC, CSV/TSV with a header row."));
  g_autoptr (GError) error = NULL;
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return nd_cli_fail (2, "%s", error->message);
  if (argc != 2)
    {
      nd_cli_recording_options_clear (&ro);
      return nd_cli_fail (2, _("info needs exactly one recording file; see “neurode-cli info --help”"));
    }
  NdRecording *rec = nd_cli_load_recording (argv[1], &ro);
  nd_cli_recording_options_clear (&ro);
  if (!rec)
    return 1;
  if (json)
    print_json (rec);
  else
    print_text (rec);
  nd_recording_free (rec);
  return 0;
}
