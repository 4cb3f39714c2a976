/* nd-explore-view-private.h: what the Explore view's files share.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "explore.h"
#include "nd-explore-view.h"
#include "nd-plot.h"
#include "presets.h"

G_BEGIN_DECLS

#define ND_EXPLORE_NULL_N 321   /* nullcline points, -100..60 mV */
#define ND_EXPLORE_KIN_N 161    /* kinetics points, -100..60 mV */
#define ND_EXPLORE_V_LO (-100.0)
#define ND_EXPLORE_V_HI 60.0

typedef enum
{
  PLOT_STIMULUS,
  PLOT_VOLTAGE,
  PLOT_CURRENTS,
  PLOT_GATES,
  PLOT_PHASE,
  PLOT_XINF,
  PLOT_TAU,
  PLOT_FI,
  PLOT_IV,
  N_PLOTS,
} NdExplorePlot;

/* One run with everything its plots show, computed on the main thread or a worker. */
typedef struct
{
  guint64 serial;
  nd_model *base;                 /* a copy, owned */
  nd_explore_params params;
  int phase_gate;
  nd_explore_trace *trace;
  double v_rest;
  double e_rev[ND_EXPLORE_MAX_CHANNELS];
  double null_v[ND_EXPLORE_NULL_N], null_gate[ND_EXPLORE_NULL_N];
  double null_rest[ND_EXPLORE_NULL_N], null_stim[ND_EXPLORE_NULL_N];
  double i_rest, i_stim;
  double kin_v[ND_EXPLORE_KIN_N];
  double *kin_inf, *kin_tau;      /* gate k at kin_v: [k * ND_EXPLORE_KIN_N + i] */
  gint64 elapsed_us;
} NdExploreJob;

/* A numeric control: a stateful "d" action, its adjustment and row. */
typedef struct
{
  NdExploreView *view;
  char *name;
  double *field;                  /* in view->params, or NULL */
  int *int_field;
  int channel;                    /* reversal rows: the channel, else -1 */
  GSimpleAction *action;
  GtkAdjustment *adjustment;      /* the value, shared with the spin button */
  GtkAdjustment *slider;          /* the slider's position: asinh(value / shape) when shape > 0 */
  double shape;
  GtkWidget *row;
} NdNumber;

struct _NdExploreView
{
  AdwBin parent_instance;

  nd_model *model;                /* the one simulated: a copy of the classic or the project model */
  nd_model *project_model;        /* the model builder's, or NULL */
  gboolean use_project;
  nd_explore_params params;
  const nd_preset *preset;
  int phase_gate;
  GSimpleActionGroup *actions;
  gboolean syncing;

  /* Template children */
  AdwFlap *flap;
  GtkToggleButton *sidebar_button;
  AdwComboRow *preset_row;
  AdwComboRow *model_row;
  GtkLabel *preset_explanation;
  GtkLabel *preset_look_for;
  AdwPreferencesGroup *stimulus_group;
  AdwPreferencesGroup *conditions_group;
  AdwPreferencesGroup *conductance_group;
  AdwPreferencesGroup *reversal_group;
  AdwComboRow *protocol_row;
  GtkToggleButton *ttx_button, *tea_button, *zd7288_button;
  GtkStack *plot_stack;
  GtkBox *time_box, *phase_box, *kinetics_box, *curves_box;
  GtkDropDown *phase_gate_dropdown;
  GtkProgressBar *progress_bar;
  GtkButton *fi_button, *iv_button, *cancel_button;

  GPtrArray *numbers;             /* NdNumber*, owned */
  GPtrArray *channel_widgets;     /* rows made for the model's channels */
  GPtrArray *visible_plots;

  NdPlot *plot[N_PLOTS];
  NdPlotModel *plot_model[N_PLOTS];

  /* Live runs */
  guint run_idle;
  guint64 requested, applied;
  gboolean worker_busy;
  double us_per_sample;
  double sync_limit_us;           /* speed of the last run, to choose thread or not */
  NdExploreJob *shown;            /* the job the plots show */
  GCancellable *cancellable;      /* the live runs'; cancelled when the view goes */

  /* Curves */
  GCancellable *curve_cancel;
  gint *curve_permille;           /* the running curve's progress, atomic, the job's (nd-explore-view-curves.c) */
  guint curve_timer;
  double *fi_current, *fi_rate;
  guint fi_n;
  double fi_onset;                /* uA/cm2, NAN when none was found */
  double *iv_v, *iv_late, *iv_peak;
  guint iv_n, iv_stride;
  int iv_channels;
  nd_explore_params fi_params, iv_params;   /* the settings the curves were computed with */
  gboolean fi_stale, iv_stale;
};

/* nd-explore-view.c */
void          nd_explore_view_schedule_run (NdExploreView *self);

/* nd-explore-view-controls.c */
NdNumber     *nd_explore_add_number (NdExploreView *self, const char *name, const char *title, const char *subtitle,
                                     double lo, double hi, double step, int digits, double shape, double *field,
                                     int *int_field, int channel);
void          nd_explore_number_sync (NdNumber *n);
void          nd_explore_number_free (NdNumber *n);
void          nd_explore_view_add_channel_controls (NdExploreView *self);
void          nd_explore_view_remove_channel_controls (NdExploreView *self);
void          nd_explore_view_fill_gate_dropdown (NdExploreView *self);

/* nd-explore-view-curves.c */
void          nd_explore_view_start_curve (NdExploreView *self, gboolean is_fi);
void          nd_explore_view_set_computing (NdExploreView *self, gboolean computing);

/* nd-explore-view-export.c */
void          nd_explore_view_export_activated (GSimpleAction *action, GVariant *param, gpointer user_data);

/* nd-explore-view-plots.c */
NdExploreJob *nd_explore_job_new (NdExploreView *self);
void          nd_explore_job_run (NdExploreJob *job);
void          nd_explore_job_free (NdExploreJob *job);
void          nd_explore_view_create_plots (NdExploreView *self);
void          nd_explore_view_show_job (NdExploreView *self, NdExploreJob *job);
void          nd_explore_view_show_fi (NdExploreView *self);
void          nd_explore_view_show_iv (NdExploreView *self);
/* Short name of channel c for legends and rows ("Na", "K", "Leak", "KA", ...). */
const char   *nd_explore_channel_short_name (const nd_model *m, int c);
/* Marks the f-I and I-V curves stale when the settings they depend on changed since. */
void          nd_explore_view_check_curves (NdExploreView *self);
/* Name of gate k for legends ("m", or "Na m" when names repeat); free it. */
char         *nd_explore_gate_label (const nd_model *m, const nd_explore_gates *gates, int k);

G_END_DECLS
