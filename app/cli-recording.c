/* cli-recording.c: opening recordings from the command line.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "cli-recording.h"
#include "json-output.h"

void
nd_cli_recording_add_options (GOptionContext *ctx, NdCliRecordingOptions *o)
{
  o->stimulus = NULL;
  o->audio_mv = ND_AUDIO_DEFAULT_MV_PER_FULL_SCALE;
  o->audio_stimulus = -1;
  o->audio_pa = ND_AUDIO_DEFAULT_PA_PER_FULL_SCALE;
  o->ljp_mv = 0.0;

  const GOptionEntry entries[] = {
    { "stimulus", 0, 0, G_OPTION_ARG_STRING, &o->stimulus,
      N_("Which signal is the stimulus: a signal name or number, “protocol” (rebuilt from the file’s "
         "epochs) or “none”"), N_("SIGNAL") },
    { "audio-mv", 0, 0, G_OPTION_ARG_DOUBLE, &o->audio_mv,
      N_("Audio files: millivolts of a full-scale sample (default 1000)"), N_("MV") },
    { "audio-stimulus-channel", 0, 0, G_OPTION_ARG_INT, &o->audio_stimulus,
      N_("Audio files: channel (from 0) holding the injected current (default: none)"), N_("N") },
    { "audio-pa", 0, 0, G_OPTION_ARG_DOUBLE, &o->audio_pa,
      N_("Audio files: picoamperes of a full-scale sample on the stimulus channel (default 1000)"), N_("PA") },
    { NULL }
  };
  /* Shown with the command's own options, not behind --help-all. */
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
}

void
nd_cli_recording_add_ljp_option (GOptionContext *ctx, NdCliRecordingOptions *o)
{
  const GOptionEntry entries[] = {
    { "ljp", 0, 0, G_OPTION_ARG_DOUBLE, &o->ljp_mv,
      N_("Liquid-junction potential in mV, subtracted from the recorded membrane potential (default 0)"),
      N_("MV") },
    { NULL }
  };
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
}

void
nd_cli_recording_options_clear (NdCliRecordingOptions *o)
{
  g_clear_pointer (&o->stimulus, g_free);
}

NdRecording *
nd_cli_load_recording (const char *path, const NdCliRecordingOptions *o)
{
  NdLoadOptions lo;
  nd_load_options_init (&lo);
  lo.audio_mV_per_full_scale = o->audio_mv;
  lo.audio_stimulus_channel = o->audio_stimulus;
  lo.audio_pA_per_full_scale = o->audio_pa;

  g_autoptr (GError) error = NULL;
  NdRecording *rec = nd_recording_load_with_options (path, &lo, &error);
  if (!rec)
    {
      nd_cli_fail (1, "%s", error->message);
      return NULL;
    }
  if (o->stimulus)
    {
      gboolean ok;
      if (g_ascii_strcasecmp (o->stimulus, "protocol") == 0)
        ok = nd_recording_set_stimulus (rec, ND_STIMULUS_PROTOCOL, -1, &error);
      else if (g_ascii_strcasecmp (o->stimulus, "none") == 0)
        ok = nd_recording_set_stimulus (rec, ND_STIMULUS_NONE, -1, &error);
      else
        {
          int sig = nd_recording_find_signal (rec, o->stimulus);
          char *end = NULL;
          long num = strtol (o->stimulus, &end, 10);
          if (sig < 0 && end && *end == '\0' && end != o->stimulus)
            sig = num >= 0 && num < (long) nd_recording_n_signals (rec) ? (int) num : -2;
          if (sig == -1)
            {
              GString *names = g_string_new (NULL);
              for (guint i = 0; i < nd_recording_n_signals (rec); i++)
                g_string_append_printf (names, "%s“%s”", i ? ", " : "", nd_recording_signal (rec, i)->name);
              nd_cli_fail (1, _("no signal is named “%s”; the signals are %s"), o->stimulus, names->str);
              g_string_free (names, TRUE);
              nd_recording_free (rec);
              return NULL;
            }
          ok = nd_recording_set_stimulus (rec, ND_STIMULUS_SIGNAL, sig < 0 ? (int) num : sig, &error);
        }
      if (!ok)
        {
          nd_cli_fail (1, "%s", error->message);
          nd_recording_free (rec);
          return NULL;
        }
    }
  if (!isfinite (o->ljp_mv) || fabs (o->ljp_mv) > 200.0)
    {
      nd_cli_fail (1, _("--ljp takes a liquid-junction potential in mV between -200 and 200"));
      nd_recording_free (rec);
      return NULL;
    }
  nd_recording_set_ljp (rec, o->ljp_mv);
  return rec;
}

void
nd_cli_print_json (JsonBuilder *b)
{
  g_autofree char *text = nd_json_builder_to_text (b);
  printf ("%s\n", text);
}

void
nd_cli_format_double (char *buf, gsize size, double v)
{
  for (int digits = 15; digits <= 17; digits++)
    {
      g_snprintf (buf, size, "%.*g", digits, v);
      if (g_ascii_strtod (buf, NULL) == v)
        return;
    }
}

/* "0,2,5-7" -> sorted-as-given list of sweep numbers; "all" or NULL: all. */
GArray *
nd_cli_parse_sweeps (const char *list, guint n_sweeps, int *status)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (guint));
  *status = 0;
  if (!list || g_ascii_strcasecmp (list, "all") == 0)
    {
      for (guint s = 0; s < n_sweeps; s++)
        g_array_append_val (out, s);
      return out;
    }
  g_auto (GStrv) parts = g_strsplit (list, ",", -1);
  for (char **p = parts; *p; p++)
    {
      char *item = g_strstrip (*p), *end = NULL;
      if (!*item)
        continue;
      long a = strtol (item, &end, 10), b = a;
      if (end == item || a < 0)
        goto bad;
      if (*end == '-')
        {
          char *e2 = NULL;
          b = strtol (end + 1, &e2, 10);
          if (e2 == end + 1 || *e2 != '\0' || b < a)
            goto bad;
        }
      else if (*end != '\0')
        goto bad;
      if (b >= (long) n_sweeps)
        {
          nd_cli_fail (1, _("sweep %ld does not exist: the recording has %u sweeps (0 to %u)"),
                       b, n_sweeps, n_sweeps ? n_sweeps - 1 : 0);
          *status = 1;
          g_array_unref (out);
          return NULL;
        }
      for (long s = a; s <= b; s++)
        {
          guint u = (guint) s;
          g_array_append_val (out, u);
        }
    }
  if (out->len == 0)
    goto bad;
  return out;

bad:
  nd_cli_fail (2, _("cannot read the sweep list “%s”: write sweep numbers from 0, e.g. “0,2,5-7”"), list);
  *status = 2;
  g_array_unref (out);
  return NULL;
}
