/* cli-morph-stimulus.c: stimulus files for the morphology subcommands.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "cli-morph.h"
#include "drive-check.h"
#include "nd-error.h"
#include "recording.h"

double
nd_cli_now_s (clockid_t clock)
{
  struct timespec ts;
  clock_gettime (clock, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static void
sweep_clear (gpointer p)
{
  NdCliSweep *sw = p;
  g_clear_pointer (&sw->i_pA, g_free);
}

GArray *
nd_cli_sweeps_new (void)
{
  GArray *sweeps = g_array_new (FALSE, TRUE, sizeof (NdCliSweep));
  g_array_set_clear_func (sweeps, sweep_clear);
  return sweeps;
}

GArray *
nd_cli_load_current_stimulus (const char *path, GError **error)
{
  g_autoptr (NdRecording) rec = nd_recording_load (path, error);
  if (!rec)
    return NULL;
  /* A file of currents only (t_ms,i_pA) reads as a voltage-clamp recording:
   * take its first current signal as the stimulus. */
  if (nd_recording_stimulus_source (rec) == ND_STIMULUS_NONE)
    for (guint k = 0; k < nd_recording_n_signals (rec); k++)
      if (nd_units_parse (nd_recording_signal (rec, k)->units, NULL) == ND_QUANTITY_CURRENT)
        {
          if (!nd_recording_set_stimulus (rec, ND_STIMULUS_SIGNAL, (int) k, error))
            return NULL;
          break;
        }
  if (nd_recording_stimulus_source (rec) == ND_STIMULUS_NONE)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID,
                   _("“%s” has no stimulus current (a column such as “i_pA”)"), path);
      return NULL;
    }
  double factor = 1.0;
  if (nd_units_parse (nd_recording_stimulus_units (rec), &factor) != ND_QUANTITY_CURRENT)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID,
                   _("the stimulus of “%s” is in “%s”, not a current (pA, nA)"), path,
                   nd_recording_stimulus_units (rec));
      return NULL;
    }
  GArray *sweeps = nd_cli_sweeps_new ();
  for (guint s = 0; s < nd_recording_n_sweeps (rec); s++)
    {
      NdCliSweep sw = { .dt_ms = 1000.0 / nd_recording_sample_rate_hz (rec), .t0_ms = nd_recording_sweep_t0_ms (rec, s) };
      sw.i_pA = nd_recording_get_stimulus (rec, s, &sw.n, error);
      if (!sw.i_pA)
        {
          g_array_unref (sweeps);
          return NULL;
        }
      for (gsize k = 0; k < sw.n; k++)
        sw.i_pA[k] *= factor;
      g_array_append_val (sweeps, sw);
      if (!nd_drive_check_current (sw.i_pA, sw.n, sw.dt_ms, (int) s, error))
        {
          g_array_unref (sweeps);
          return NULL;
        }
    }
  return sweeps;
}
