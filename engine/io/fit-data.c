/* fit-data.c: recording sweeps -> nd_fit_sweep arrays.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "fit-data.h"

#include <glib/gi18n.h>
#include <math.h>

#include "clamp.h"
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
      nd_clamp_trace_clear (&d->clamp[k]);
    }
  g_free (d->density);
  g_free (d->weight);
  g_free (d->traces);
  g_free (d->clamp);
  g_free (d->train);
  g_free (d->val);
  g_free (d->train_sweeps);
  g_free (d->val_sweeps);
  g_free (d);
}

static gint
cmp_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
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

/* The capacitive transients of the sweeps read (clamp.h), whole sweeps. */
static double
measure_transients (const NdFitData *d, const int *role, double dt_ms)
{
  g_autofree const double **v = g_new0 (const double *, d->n_sweeps + 1);
  g_autofree const double **i = g_new0 (const double *, d->n_sweeps + 1);
  g_autofree size_t *len = g_new0 (size_t, d->n_sweeps + 1);
  int c = 0;
  for (int k = 0; k < d->n_sweeps; k++)
    if (role[k] != 0)
      {
        v[c] = d->clamp[k].v_cmd_mV;
        i[c] = d->clamp[k].i_pA;
        len[c++] = d->clamp[k].n;
      }
  return nd_clamp_transient_ms (v, i, len, c, dt_ms);
}

/* The loss's unit of current: 1 % of the range (0.5th to 99.5th percentile,
 * so a few noisy samples do not set it) of the current the windows keep. */
static void
set_current_unit (NdFitData *d, const nd_model *m)
{
  g_autoptr (GArray) all = g_array_new (FALSE, FALSE, sizeof (double));
  for (int s = 0; s < d->n_train + d->n_val; s++)
    {
      const nd_fit_sweep *f = s < d->n_train ? &d->train[s] : &d->val[s - d->n_train];
      for (size_t j = 0; j < f->drive.n; j++)
        if (!f->weight || f->weight[j] > 0.0)
          g_array_append_val (all, f->i_obs[j]);
    }
  double range = 0.0;
  if (all->len >= 2)
    {
      g_array_sort (all, cmp_doubles);
      const double *x = (const double *) all->data;
      range = x[(gsize) (0.995 * (all->len - 1))] - x[(gsize) (0.005 * (all->len - 1))];
    }
  /* A flat current (or none kept): 1 pA. */
  double unit = range > 0.0 ? 0.01 * range : nd_pA_to_density (1.0, m->area_um2);
  d->i_unit_pA = nd_density_to_pA (unit, m->area_um2);
  for (int k = 0; k < d->n_train; k++)
    d->train[k].i_unit = unit;
  for (int k = 0; k < d->n_val; k++)
    d->val[k].i_unit = unit;
}

/* Each sweep's role: 1 training, 2 validation, 0 left out. Without a
 * training list every sweep not validating trains; at least one must. */
static gboolean
assign_roles (int *role, int n, const NdFitDataSpec *spec, GError **error)
{
  if (!mark_roles (role, n, spec->val, spec->n_val, 2, error)
      || !mark_roles (role, n, spec->train, spec->n_train, 1, error))
    return FALSE;
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
      return FALSE;
    }
  return TRUE;
}

static NdFitData *
fit_data_alloc (const NdRecording *rec, int n)
{
  NdFitData *d = g_new0 (NdFitData, 1);
  d->n_sweeps = n;
  d->traces = g_new0 (NdSweepTrace, n);
  d->clamp = g_new0 (NdClampTrace, n);
  d->voltage_clamp = nd_recording_is_voltage_clamp (rec);
  d->density = g_new0 (double *, n);
  d->weight = g_new0 (double *, n);
  d->train = g_new0 (nd_fit_sweep, n);
  d->val = g_new0 (nd_fit_sweep, n);
  d->train_sweeps = g_new0 (int, n);
  d->val_sweeps = g_new0 (int, n);
  return d;
}

/* The sweeps used, read as current clamp (v, i) or voltage clamp (command, i). */
static gboolean
read_sweeps (NdFitData *d, const NdRecording *rec, const int *role, GError **error)
{
  for (int k = 0; k < d->n_sweeps; k++)
    if (role[k] != 0 && !(d->voltage_clamp ? nd_recording_get_vc_sweep (rec, (guint) k, &d->clamp[k], error)
                                            : nd_recording_get_cc_sweep (rec, (guint) k, &d->traces[k], error)))
      return FALSE;
  return TRUE;
}

/* Sweep k's sample weights: 1 inside the fit window (all of it without
 * one), and in voltage clamp 0 on the capacitive transients. */
static void
set_weights (NdFitData *d, int k, const NdFitDataSpec *spec, gboolean windowed, double dt_ms, gsize len,
             const double *t_ms)
{
  d->weight[k] = g_new (double, len);
  for (gsize j = 0; j < len; j++)
    {
      double t = t_ms[j] - t_ms[0];
      d->weight[k][j] = !windowed || (t >= spec->window_start_ms && t <= spec->window_end_ms);
    }
  if (d->voltage_clamp)
    nd_clamp_window (d->clamp[k].v_cmd_mV, len, dt_ms, d->clamp_skip_ms, d->weight[k]);
}

/* Only the window and a lead-in before it are simulated: samples first to
 * end of sweep k's len. */
static gboolean
window_samples (const NdFitDataSpec *spec, int k, gsize len, double dt_ms, gsize *first, gsize *end, GError **error)
{
  double a = floor ((spec->window_start_ms - ND_FIT_DATA_LEAD_MS) / dt_ms + 1e-9);
  double b = floor (spec->window_end_ms / dt_ms + 1e-9) + 2.0;   /* the window's last sample, and one */
  *first = a > 0.0 ? (gsize) a : 0;
  *end = b < (double) len ? (gsize) b : len;
  if (*end <= *first + 1 || spec->window_start_ms >= (double) (len - 1) * dt_ms)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID,
                   _("the fit window (%g to %g ms) lies outside sweep %d, which is %g ms long"),
                   spec->window_start_ms, spec->window_end_ms, k, len * dt_ms);
      return FALSE;
    }
  return TRUE;
}

/* Sweep k as the fit sees it, added to the training or validation set. */
static gboolean
add_sweep (NdFitData *d, int k, int role, const nd_model *m, const NdFitDataSpec *spec, double dt_ms, int n_sub,
           GError **error)
{
  const gboolean windowed = spec->window_end_ms > spec->window_start_ms;
  /* In voltage clamp the command drives and the current is fitted. */
  const NdClampTrace *cl = &d->clamp[k];
  const gsize len = d->voltage_clamp ? cl->n : d->traces[k].n;
  const double *t_ms = d->voltage_clamp ? cl->t_ms : d->traces[k].t_ms;
  const double *i_pA = d->voltage_clamp ? cl->i_pA : d->traces[k].i_pA;
  if (!d->voltage_clamp && !nd_drive_check_current (i_pA, len, dt_ms, k, error))
    return FALSE;
  d->density[k] = g_new (double, len);
  for (gsize j = 0; j < len; j++)
    d->density[k][j] = nd_pA_to_density (i_pA[j], m->area_um2);
  gsize first = 0, end = len;
  if (windowed || d->voltage_clamp)
    set_weights (d, k, spec, windowed, dt_ms, len, t_ms);
  if (windowed && !spec->whole_sweeps && !window_samples (spec, k, len, dt_ms, &first, &end, error))
    return FALSE;
  nd_fit_sweep f = { .drive = { .n = end - first, .dt_sample = dt_ms, .n_sub = n_sub },
                     .weight = d->weight[k] ? d->weight[k] + first : NULL };
  if (d->voltage_clamp)
    {
      f.drive.v_clamp = cl->v_cmd_mV + first;
      f.i_obs = d->density[k] + first;
    }
  else
    {
      f.drive.i_inj = d->density[k] + first;
      f.v_obs = d->traces[k].v_mV + first;
    }
  if (role == 2)
    {
      d->val_sweeps[d->n_val] = k;
      d->val[d->n_val++] = f;
    }
  else
    {
      d->train_sweeps[d->n_train] = k;
      d->train[d->n_train++] = f;
    }
  return TRUE;
}

/* The spec checked and the roles given, then the sweeps read and added one
 * by one; in voltage clamp the transients are measured first and the unit
 * of current set last, from all the sweeps. */
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
  if (!assign_roles (role, n, spec, error))
    return NULL;
  NdFitData *d = fit_data_alloc (rec, n);
  const double dt_ms = 1000.0 / nd_recording_sample_rate_hz (rec);
  int n_sub = nd_drive_substeps (dt_ms, spec->max_dt_ms, nd_recording_max_sweep_length (rec), error);
  if (n_sub == 0 || !read_sweeps (d, rec, role, error))
    {
      nd_fit_data_free (d);
      return NULL;
    }
  if (d->voltage_clamp)
    d->clamp_skip_ms = spec->clamp_skip_ms > 0.0 ? spec->clamp_skip_ms
                     : spec->clamp_skip_ms < 0.0 ? 0.0 : measure_transients (d, role, dt_ms);
  for (int k = 0; k < n; k++)
    if (role[k] != 0 && !add_sweep (d, k, role[k], m, spec, dt_ms, n_sub, error))
      {
        nd_fit_data_free (d);
        return NULL;
      }
  if (d->voltage_clamp)
    set_current_unit (d, m);
  return d;
}

NdFitData *
nd_fit_data_from_recording (const NdRecording *rec, const nd_model *m, double max_dt_ms,
                            const int *val_sweeps, int n_val_sweeps, GError **error)
{
  NdFitDataSpec spec = { .val = val_sweeps, .n_val = n_val_sweeps, .max_dt_ms = max_dt_ms };
  return nd_fit_data_new (rec, m, &spec, error);
}
