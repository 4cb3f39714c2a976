/* fit-plan.c
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "fit-plan.h"

#include <math.h>

#include "cell-props.h"
#include "cell-recording.h"
#include "clamp.h"

void
nd_fit_plan_spec_init (NdFitPlanSpec *spec)
{
  *spec = (NdFitPlanSpec) { .max_dt_ms = 0.025, .search_evals = ND_FIT_AUTO, .seed = -1 };
}

NdFitPlan *
nd_fit_plan_new (const NdRecording *rec, const nd_model *m, const NdFitPlanSpec *spec, GError **error)
{
  NdFitDataSpec ds = { .train = spec->train, .n_train = spec->n_train, .val = spec->val, .n_val = spec->n_val,
                       .max_dt_ms = spec->max_dt_ms, .window_start_ms = spec->window_start_ms,
                       .window_end_ms = spec->window_end_ms, .clamp_skip_ms = spec->clamp_skip_ms,
                       .whole_sweeps = spec->whole_sweeps };
  NdFitData *data = nd_fit_data_new (rec, m, &ds, error);
  if (!data)
    return NULL;
  NdFitPlan *plan = g_new0 (NdFitPlan, 1);
  plan->data = data;
  plan->model = nd_model_copy (m);
  if (data->voltage_clamp && !spec->keep_leak)
    plan->leak_freed = nd_clamp_free_leak (plan->model);
  nd_fit_options *o = &plan->opt;
  nd_fit_options_default (o);
  if (spec->seed >= 0)
    o->seed = (uint64_t) spec->seed;
  o->warm_start = spec->warm_start != FALSE;
  if (spec->iterations > 0)
    o->iterations = spec->iterations;
  /* A user's limit is a limit: the whole fit's iterations (fit.h). */
  if (spec->total_iterations > 0)
    o->total_iterations = spec->total_iterations;
  /* 0 lets the fit choose from the recording's noise and the validation sweeps (fit.h). */
  o->restarts = MAX (spec->restarts, 0);
  o->search_evals = spec->search_evals >= 0 ? spec->search_evals : ND_FIT_AUTO;
  if (spec->progress_interval_s > 0.0)
    o->progress_interval_s = spec->progress_interval_s;
  return plan;
}

void
nd_fit_plan_free (NdFitPlan *plan)
{
  if (!plan)
    return;
  nd_model_free (plan->model);
  nd_fit_data_free (plan->data);
  g_free (plan);
}

int
nd_fit_plan_default_train (const NdRecording *rec, const int *val, int n_val, int *train, int max)
{
  nd_cell_props p;
  /* The split depends on the steps alone: any capacitance will do. */
  nd_cell_props_from_recording (rec, 1.0, NAN, NAN, &p, NULL);
  int n = nd_fit_plan_default_train_of (&p, val, n_val, train, max);
  nd_cell_props_clear (&p);
  return n;
}

int
nd_fit_plan_default_train_of (const nd_cell_props *p, const int *val, int n_val, int *train, int max)
{
  int split[8];
  /* A step protocol, or a waveform the cell's passive figures were fitted to (a sine sweep): sweeps spread
   * over the recording train, the others validate. */
  int k = isfinite (p->step_start_ms) || p->rc_fit ? nd_cell_props_default_split (p, split, MIN (max, 8)) : 0;
  int n = 0;
  for (int i = 0; i < k; i++)
    {
      gboolean validated = FALSE;
      for (int j = 0; j < n_val; j++)
        validated |= val[j] == split[i];
      if (!validated)
        train[n++] = split[i];
    }
  return n;
}

void
nd_fit_plan_template_cell (const NdRecording *rec, double cm, double c_known_pF, nd_template_cell *cell,
                           NdFitPlanCell *info)
{
  NdFitPlanCell local;
  NdFitPlanCell *in = info ? info : &local;
  *in = (NdFitPlanCell) { .c_pF = NAN };
  g_autoptr (GError) error = NULL;
  if (nd_recording_is_voltage_clamp (rec))
    {
      in->c_pF = isfinite (c_known_pF) ? c_known_pF : nd_recording_membrane_capacitance_pF (rec);
      if (!isfinite (in->c_pF))
        {
          in->c_pF = nd_cell_capacitance_from_clamp (rec, &error);
          in->c_from_transients = isfinite (in->c_pF);
        }
      /* 1 µF/cm² is 100 µm² per pF. */
      if (in->c_pF > 0.0 && isfinite (in->c_pF))
        cell->area_um2 = 100.0 * in->c_pF / (cm > 0.0 ? cm : 1.0);
    }
  else
    {
      in->measured = nd_cell_props_from_recording (rec, cm, c_known_pF, NAN, &in->props, &error);
      if (isfinite (in->props.v_rest_mV))
        cell->v_rest_mV = in->props.v_rest_mV;
      if (in->props.r_in_MOhm > 0.0 && isfinite (in->props.r_in_MOhm))
        cell->r_in_MOhm = in->props.r_in_MOhm;
      if (in->props.area_um2 > 0.0 && isfinite (in->props.area_um2))
        cell->area_um2 = in->props.area_um2;
    }
  in->why = error ? g_strdup (error->message) : NULL;
  if (!info)
    {
      nd_cell_props_clear (&local.props);
      g_free (local.why);
    }
}
