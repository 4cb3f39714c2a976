/* fit-data.c: recording sweeps -> nd_fit_sweep arrays.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "fit-data.h"

#include <glib/gi18n.h>
#include <math.h>

#include "drive-check.h"
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
      g_free (d->weight[k]);
      nd_sweep_trace_clear (&d->traces[k]);
    }
  g_free (d->density);
  g_free (d->weight);
  g_free (d->traces);
  g_free (d->train);
  g_free (d->val);
  g_free (d->train_sweeps);
  g_free (d->val_sweeps);
  g_free (d);
}

/* Marks the sweeps of list in role (1 train, 2 validate); FALSE with a
 * message for a sweep that does not exist or already has a role. */
static gboolean
mark_roles (int *role, int n, const int *list, int n_list, int value, GError **error)
{
  for (int i = 0; i < n_list; i++)
    {
      if (list[i] < 0 || list[i] >= n)
        {
          g_set_error (error, ND_ERROR, ND_ERROR_INVALID,
                       _("the recording has no sweep %d (its sweeps are 0 to %d)"), list[i], n - 1);
          return FALSE;
        }
      if (role[list[i]] != 0 && role[list[i]] != value)
        {
          g_set_error (error, ND_ERROR, ND_ERROR_INVALID,
                       _("sweep %d is chosen both for training and for validation"), list[i]);
          return FALSE;
        }
      role[list[i]] = value;
    }
  return TRUE;
}

NdFitData *
nd_fit_data_new (const NdRecording *rec, const nd_model *m, const NdFitDataSpec *spec, GError **error)
{
  const int n = (int) nd_recording_n_sweeps (rec);
  if (n < 1)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID, _("the recording has no sweeps"));
      return NULL;
    }
  if (!(spec->max_dt_ms > 0.0))
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID, _("the integration step must be positive"));
      return NULL;
    }
  g_autofree int *role = g_new0 (int, n);
  if (!mark_roles (role, n, spec->val, spec->n_val, 2, error)
      || !mark_roles (role, n, spec->train, spec->n_train, 1, error))
    return NULL;
  if (!spec->train)
    for (int k = 0; k < n; k++)
      if (role[k] == 0)
        role[k] = 1;
  int n_train = 0;
  for (int k = 0; k < n; k++)
    n_train += role[k] == 1;
  if (n_train == 0)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID,
                   spec->train ? _("no sweep is chosen for training")
                               : _("every sweep is held out for validation: nothing is left to fit"));
      return NULL;
    }
  NdFitData *d = g_new0 (NdFitData, 1);
  d->n_sweeps = n;
  d->traces = g_new0 (NdSweepTrace, n);
  d->density = g_new0 (double *, n);
  d->weight = g_new0 (double *, n);
  d->train = g_new0 (nd_fit_sweep, n);
  d->val = g_new0 (nd_fit_sweep, n);
  d->train_sweeps = g_new0 (int, n);
  d->val_sweeps = g_new0 (int, n);
  const double dt_ms = 1000.0 / nd_recording_sample_rate_hz (rec);
  int n_sub = nd_drive_substeps (dt_ms, spec->max_dt_ms, nd_recording_max_sweep_length (rec), error);
  if (n_sub == 0)
    {
      nd_fit_data_free (d);
      return NULL;
    }
  const gboolean windowed = spec->window_end_ms > spec->window_start_ms;
  for (int k = 0; k < n; k++)
    {
      if (role[k] == 0)
        continue;
      if (!nd_recording_get_cc_sweep (rec, (guint) k, &d->traces[k], error))
        {
          nd_fit_data_free (d);
          return NULL;
        }
      NdSweepTrace *sw = &d->traces[k];
      if (!nd_drive_check_current (sw->i_pA, sw->n, dt_ms, k, error))
        {
          nd_fit_data_free (d);
          return NULL;
        }
      d->density[k] = g_new (double, sw->n);
      for (gsize j = 0; j < sw->n; j++)
        d->density[k][j] = nd_pA_to_density (sw->i_pA[j], m->area_um2);
      gsize first = 0, end = sw->n;
      if (windowed)
        {
          d->weight[k] = g_new (double, sw->n);
          for (gsize j = 0; j < sw->n; j++)
            {
              double t = sw->t_ms[j] - sw->t_ms[0];
              d->weight[k][j] = t >= spec->window_start_ms && t <= spec->window_end_ms;
            }
          /* Only the window and a lead-in before it are simulated. */
          double a = floor ((spec->window_start_ms - ND_FIT_DATA_LEAD_MS) / dt_ms + 1e-9);
          double b = floor (spec->window_end_ms / dt_ms + 1e-9) + 2.0;   /* the window's last sample, and one */
          first = a > 0.0 ? (gsize) a : 0;
          end = b < (double) sw->n ? (gsize) b : sw->n;
          if (end <= first + 1 || spec->window_start_ms >= (double) (sw->n - 1) * dt_ms)
            {
              g_set_error (error, ND_ERROR, ND_ERROR_INVALID,
                           _("the fit window (%g to %g ms) lies outside sweep %d, which is %g ms long"),
                           spec->window_start_ms, spec->window_end_ms, k, sw->n * dt_ms);
              nd_fit_data_free (d);
              return NULL;
            }
        }
      nd_fit_sweep f = { .drive = { .n = end - first, .dt_sample = dt_ms, .n_sub = n_sub,
                                    .i_inj = d->density[k] + first },
                         .v_obs = sw->v_mV + first, .weight = d->weight[k] ? d->weight[k] + first : NULL };
      if (role[k] == 2)
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
  return d;
}

NdFitData *
nd_fit_data_from_recording (const NdRecording *rec, const nd_model *m, double max_dt_ms,
                            const int *val_sweeps, int n_val_sweeps, GError **error)
{
  NdFitDataSpec spec = { .val = val_sweeps, .n_val = n_val_sweeps, .max_dt_ms = max_dt_ms };
  return nd_fit_data_new (rec, m, &spec, error);
}
