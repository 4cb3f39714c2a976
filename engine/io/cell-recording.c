/* cell-recording.c: cell properties of a recording.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cell-recording.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "clamp.h"
#include "nd-error.h"

const char *
nd_cell_status_message (nd_cell_status status)
{
  switch (status)
    {
    case ND_CELL_OK: return NULL;
    case ND_CELL_NO_SWEEPS: return _("The recording has no sweeps to measure.");
    case ND_CELL_NO_STEP:
      return _("The injected current never changes: the cell properties need a current step protocol.");
    case ND_CELL_NO_BASELINE:
      return _("Nothing is recorded before the current step, so the resting potential cannot be measured.");
    case ND_CELL_NO_HYPERPOLARISING:
      return _("The cell properties need a hyperpolarising current step to measure the input resistance.");
    case ND_CELL_NO_MEMORY:
    default: return _("Out of memory.");
    }
}

gboolean
nd_cell_props_from_recording (const NdRecording *rec, double cm, double c_known_pF, double ljp_mV,
                              nd_cell_props *out, GError **error)
{
  memset (out, 0, sizeof *out);
  nd_cell_props_measure (NULL, 0, NULL, out);
  if (nd_recording_clamp_mode (rec) == ND_CLAMP_VOLTAGE)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_UNSUPPORTED,
                   _("This is a voltage-clamp recording: the cell properties are measured from current steps "
                     "in current clamp."));
      return FALSE;
    }
  guint n = nd_recording_n_sweeps (rec);
  if (n == 0)
    {
      g_set_error_literal (error, ND_ERROR, ND_ERROR_INVALID, nd_cell_status_message (ND_CELL_NO_SWEEPS));
      return FALSE;
    }
  NdSweepTrace *tr = g_new0 (NdSweepTrace, n);
  nd_cell_sweep *sw = g_new0 (nd_cell_sweep, n);
  gboolean ok = TRUE;
  /* The trace comes corrected by the recording's own LJP; a given one replaces it. */
  double shift = isfinite (ljp_mV) ? ljp_mV - nd_recording_get_ljp (rec) : 0.0;
  for (guint s = 0; s < n && ok; s++)
    {
      ok = nd_recording_get_cc_sweep (rec, s, &tr[s], error);
      if (ok)
        sw[s] = (nd_cell_sweep) { tr[s].v_mV, tr[s].i_pA, tr[s].n, 1000.0 / nd_recording_sample_rate_hz (rec) };
    }
  if (ok)
    {
      nd_cell_options o;
      nd_cell_options_default (&o);
      o.cm_uF_per_cm2 = cm;
      double header_c = nd_recording_membrane_capacitance_pF (rec);
      o.c_known_pF = isfinite (c_known_pF) && c_known_pF > 0.0 ? c_known_pF : header_c;
      o.ljp_mV = shift;
      nd_cell_status st = nd_cell_props_measure (sw, (int) n, &o, out);
      /* Times in the sweep's own time, as the traces have them. */
      out->step_start_ms += nd_recording_sweep_t0_ms (rec, 0);
      out->step_end_ms += nd_recording_sweep_t0_ms (rec, 0);
      for (int s = 0; s < out->n_sweeps; s++)
        {
          double t0 = nd_recording_sweep_t0_ms (rec, (guint) s);
          for (size_t k = 0; k < out->sweeps[s].n_spikes; k++)
            out->sweeps[s].spike_times_ms[k] += t0;
          if (s == out->charge.sweep)
            {
              out->charge.t0_ms += t0;
              out->charge.t1_ms += t0;
            }
        }
      if (st != ND_CELL_OK)
        {
          g_set_error_literal (error, ND_ERROR, st == ND_CELL_NO_MEMORY ? ND_ERROR_FAILED : ND_ERROR_INVALID,
                               nd_cell_status_message (st));
          ok = FALSE;
        }
    }
  for (guint s = 0; s < n; s++)
    nd_sweep_trace_clear (&tr[s]);
  g_free (tr);
  g_free (sw);
  return ok;
}

double
nd_cell_capacitance_from_clamp (const NdRecording *rec, GError **error)
{
  if (!nd_recording_is_voltage_clamp (rec))
    {
      g_set_error (error, ND_ERROR, ND_ERROR_UNSUPPORTED,
                   _("The capacitance is measured from voltage-clamp transients; this is a current-clamp recording."));
      return NAN;
    }
  const guint n = nd_recording_n_sweeps (rec);
  g_autofree NdClampTrace *tr = g_new0 (NdClampTrace, MAX (n, 1));
  g_autofree const double **v = g_new0 (const double *, MAX (n, 1));
  g_autofree const double **i = g_new0 (const double *, MAX (n, 1));
  g_autofree size_t *len = g_new0 (size_t, MAX (n, 1));
  gboolean ok = TRUE;
  for (guint s = 0; s < n && ok; s++)
    if ((ok = nd_recording_get_vc_sweep (rec, s, &tr[s], error)))
      {
        v[s] = tr[s].v_cmd_mV;
        i[s] = tr[s].i_pA;
        len[s] = tr[s].n;
      }
  double c = NAN;
  if (ok)
    {
      const double dt = 1000.0 / nd_recording_sample_rate_hz (rec);
      double skip = nd_clamp_transient_ms (v, i, len, (int) n, dt);
      c = nd_clamp_capacitance_pF (v, i, len, (int) n, dt, skip > 0.0 ? skip : 1.0);
      if (!isfinite (c))
        g_set_error (error, ND_ERROR, ND_ERROR_INVALID,
                     _("No capacitive transient to measure the capacitance from: the command never jumps by more "
                       "than 5 mV."));
    }
  for (guint s = 0; s < n; s++)
    nd_clamp_trace_clear (&tr[s]);
  return c;
}
