/* fit-plan.h: what a fit of a recording fits and how, decided once for `neurode-cli fit` and the window.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Given the model, the recording, the sweeps' roles, the window and the user's choices, the plan holds
 * the data (fit-data.h), the model as it is fitted (a copy; a voltage-clamp recording's leak and offset
 * are the cell's and the seal's, so its conductance and reversal potential are fitted, clamp.h, unless
 * the user keeps the model's) and the fit's options (fit.h defaults with the choices applied). Both
 * callers then only report and run it, so the window and the command line cannot drift apart.
 */
#pragma once

#include <glib.h>

#include "cell-props.h"
#include "fit-data.h"
#include "fit.h"
#include "recording.h"
#include "templates.h"

G_BEGIN_DECLS

typedef struct {
  /* Which sweeps, which part of them, how finely (fit-data.h). */
  const int *train;          /* NULL: every sweep not validated */
  int n_train;
  const int *val;
  int n_val;
  double window_start_ms, window_end_ms;
  double max_dt_ms;
  double clamp_skip_ms;      /* voltage clamp: 0 measured, < 0 none */
  gboolean whole_sweeps;     /* simulate whole sweeps even with a window (the window's plots) */
  /* The user's choices; 0 (or ND_FIT_AUTO for search_evals) leaves the fit's automatic choice (fit.h). */
  gboolean keep_leak;        /* voltage clamp: keep the model's leak */
  int iterations;            /* per restart */
  int total_iterations;      /* the whole fit's limit */
  int restarts;
  int search_evals;
  gint64 seed;               /* < 0: the default */
  gboolean warm_start;
  double progress_interval_s; /* 0: the default */
} NdFitPlanSpec;

/* The spec with every choice automatic and the window's default step (0.025 ms). */
void nd_fit_plan_spec_init (NdFitPlanSpec *spec);

typedef struct {
  nd_model *model;           /* what is fitted: a copy of the caller's model */
  NdFitData *data;
  nd_fit_options opt;
  int leak_freed;            /* voltage clamp: leak parameters set free (0 otherwise) */
} NdFitPlan;

/* Fails in the user's words (fit-data.h) when the sweeps cannot be read or nothing is left to train on. */
NdFitPlan *nd_fit_plan_new (const NdRecording *rec, const nd_model *m, const NdFitPlanSpec *spec, GError **error);
void       nd_fit_plan_free (NdFitPlan *plan);

/* The automatic training sweeps of a step protocol (cell-props.h: the most hyperpolarising step, the
 * rheobase sweep and the strongest step; for a waveform such as a sine sweep, whose passive figures were
 * fitted (cell-props.h rc_fit), sweeps spread over the recording), leaving out the sweeps in val; writes at
 * most max (up to 8) and returns how many, 0 when the recording is neither. */
int nd_fit_plan_default_train (const NdRecording *rec, const int *val, int n_val, int *train, int max);
/* The same from the recording's cell properties already measured (at any capacitance), e.g. the props
 * nd_fit_plan_template_cell gave: a template's fit then measures the cell once. */
int nd_fit_plan_default_train_of (const nd_cell_props *p, const int *val, int n_val, int *train, int max);

/* How the recorded cell was measured for a template, for the caller's words. */
typedef struct {
  gboolean measured;         /* current clamp: every property measured */
  nd_cell_props props;       /* current clamp (cell-recording.h); clear with nd_cell_props_clear */
  double c_pF;               /* voltage clamp: the membrane capacitance, NAN when unknown */
  gboolean c_from_transients; /* ... measured on the capacitive transients, not the amplifier's */
  char *why;                 /* what could not be measured, or NULL; g_free */
} NdFitPlanCell;

/* What a template (templates.h) takes from the recorded cell: in current clamp the resting potential,
 * the input resistance and the membrane area its capacitance implies at cm µF/cm² (c_known_pF: a
 * capacitance the user knows, else NAN); in voltage clamp the area of the amplifier's capacitance, else
 * of the capacitive transients'. Only what is measured is written into *cell. info may be NULL. */
void nd_fit_plan_template_cell (const NdRecording *rec, double cm, double c_known_pF, nd_template_cell *cell,
                                NdFitPlanCell *info);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NdFitPlan, nd_fit_plan_free)

G_END_DECLS
