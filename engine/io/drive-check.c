/* drive-check.c
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "drive-check.h"

#include <glib/gi18n.h>
#include <math.h>

#include "integrator.h"
#include "nd-error.h"

int
nd_drive_substeps (double dt_sample_ms, double max_dt_ms, size_t n, GError **error)
{
  int sub = nd_substeps (dt_sample_ms, max_dt_ms, n);
  if (sub > 0)
    return sub;
  if (!(max_dt_ms >= ND_DT_MIN_MS && max_dt_ms <= ND_DT_MAX_MS))
    g_set_error (error, ND_ERROR, ND_ERROR_INVALID,
                 _("the integration step is %g ms; it must be %g to %g ms"), max_dt_ms, ND_DT_MIN_MS, ND_DT_MAX_MS);
  else if (!(dt_sample_ms > 0.0 && dt_sample_ms <= ND_SAMPLE_DT_MAX_MS))
    g_set_error (error, ND_ERROR, ND_ERROR_INVALID,
                 _("the stimulus’ samples are %g ms apart; Neurode simulates samples at most %g ms apart "
                   "(a sample rate of at least 1 Hz)"), dt_sample_ms, ND_SAMPLE_DT_MAX_MS);
  else
    g_set_error (error, ND_ERROR, ND_ERROR_INVALID,
                 _("a sweep of %zu samples %g ms apart takes %.3g integration steps of %g ms; at most %.0e are "
                   "simulated: use a larger step or a shorter stimulus"),
                 n, dt_sample_ms, ceil (dt_sample_ms / max_dt_ms - 1e-9) * (double) (n > 1 ? n - 1 : 1), max_dt_ms,
                 ND_MAX_STEPS);
  return 0;
}

gboolean
nd_drive_check_current (const double *i_pA, size_t n, double dt_ms, int sweep, GError **error)
{
  for (size_t j = 0; j < n; j++)
    if (!(fabs (i_pA[j]) <= ND_CURRENT_MAX_PA))
      {
        char num[G_ASCII_DTOSTR_BUF_SIZE];
        g_ascii_formatd (num, sizeof num, "%g", i_pA[j]);
        g_set_error (error, ND_ERROR, ND_ERROR_INVALID,
                     _("sweep %d at %g ms: the injected current is %s pA; Neurode accepts currents of -%g to %g pA "
                       "(±1 µA)"), sweep, (double) j * dt_ms, num, ND_CURRENT_MAX_PA, ND_CURRENT_MAX_PA);
        return FALSE;
      }
  return TRUE;
}

gboolean
nd_trace_check (const double *v, size_t n, double dt_ms, int sweep, GError **error)
{
  size_t j = nd_trace_unphysical (v, n);
  if (j == n)
    return TRUE;
  char num[G_ASCII_DTOSTR_BUF_SIZE];
  g_ascii_formatd (num, sizeof num, "%.3g", v[j]);
  if (isfinite (v[j]))
    g_set_error (error, ND_ERROR, ND_ERROR_INVALID,
                 _("sweep %d: the simulated voltage reaches %s mV at %g ms, beyond the ±%g mV a membrane can hold; "
                   "check the membrane area and capacitance against the injected current"),
                 sweep, num, (double) j * dt_ms, ND_V_PHYSICAL_MV);
  else
    g_set_error (error, ND_ERROR, ND_ERROR_INVALID,
                 _("sweep %d: the simulation broke down at %g ms (the voltage is no longer a number); check the "
                   "membrane area and capacitance against the injected current"),
                 sweep, (double) j * dt_ms);
  return FALSE;
}
