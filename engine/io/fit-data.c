/* fit-data.c: recording sweeps -> nd_fit_sweep arrays.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "fit-data.h"

#include <glib/gi18n.h>
#include <math.h>

#include "nd-error.h"
#include "units.h"

void
nd_fit_data_free (NdFitData *d)
{
  if (!d)
    return;
  for (int k = 0; k < d->n_sweeps; k++)
    {
      g_free (d->density[k]);
      nd_sweep_trace_clear (&d->traces[k]);
    }
  g_free (d->density);
  g_free (d->traces);
  g_free (d->train);
  g_free (d->val);
  g_free (d->train_sweeps);
  g_free (d->val_sweeps);
  g_free (d);
}

NdFitData *
nd_fit_data_from_recording (const NdRecording *rec, const nd_model *m, double max_dt_ms,
                            const int *val_sweeps, int n_val_sweeps, GError **error)
{
  const int n = (int) nd_recording_n_sweeps (rec);
  if (n < 1)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID, _("the recording has no sweeps"));
      return NULL;
    }
  if (!(max_dt_ms > 0.0))
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID, _("the integration step must be positive"));
      return NULL;
    }
  gboolean *held = g_new0 (gboolean, n);
  for (int i = 0; i < n_val_sweeps; i++)
    {
      if (val_sweeps[i] < 0 || val_sweeps[i] >= n)
        {
          g_set_error (error, ND_ERROR, ND_ERROR_INVALID,
                       _("the recording has no sweep %d (its sweeps are 0 to %d)"), val_sweeps[i], n - 1);
          g_free (held);
          return NULL;
        }
      held[val_sweeps[i]] = TRUE;
    }
  int n_held = 0;
  for (int k = 0; k < n; k++)
    n_held += held[k];
  if (n_held == n)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID,
                   _("every sweep is held out for validation: nothing is left to fit"));
      g_free (held);
      return NULL;
    }
  NdFitData *d = g_new0 (NdFitData, 1);
  d->n_sweeps = n;
  d->traces = g_new0 (NdSweepTrace, n);
  d->density = g_new0 (double *, n);
  d->train = g_new0 (nd_fit_sweep, n);
  d->val = g_new0 (nd_fit_sweep, n);
  d->train_sweeps = g_new0 (int, n);
  d->val_sweeps = g_new0 (int, n);
  const double dt_ms = 1000.0 / nd_recording_sample_rate_hz (rec);
  int n_sub = (int) ceil (dt_ms / max_dt_ms - 1e-9);
  for (int k = 0; k < n; k++)
    {
      if (!nd_recording_get_cc_sweep (rec, (guint) k, &d->traces[k], error))
        {
          nd_fit_data_free (d);
          g_free (held);
          return NULL;
        }
      const NdSweepTrace *sw = &d->traces[k];
      d->density[k] = g_new (double, sw->n);
      for (gsize j = 0; j < sw->n; j++)
        d->density[k][j] = nd_pA_to_density (sw->i_pA[j], m->area_um2);
      nd_fit_sweep f = { .drive = { .n = sw->n, .dt_sample = dt_ms, .n_sub = n_sub < 1 ? 1 : n_sub,
                                    .i_inj = d->density[k] },
                         .v_obs = sw->v_mV };
      if (held[k])
        {
          d->val_sweeps[d->n_val] = k;
          d->val[d->n_val++] = f;
        }
      else
        {
          d->train_sweeps[d->n_train] = k;
          d->train[d->n_train++] = f;
        }
    }
  g_free (held);
  return d;
}
