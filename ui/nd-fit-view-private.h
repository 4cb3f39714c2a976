/* nd-fit-view-private.h: what the Fit view's files share.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "nd-fit-verdict.h"
#include "nd-fit-view.h"
#include "propose.h"

G_BEGIN_DECLS

/* The plots in layout order: two columns, left to right, then down. */
typedef enum
{
  FIT_PLOT_LOSS,
  FIT_PLOT_TRACE,
  FIT_PLOT_XINF,
  FIT_PLOT_TAU,
  FIT_N_GRID_PLOTS,                    /* the grid's; the next are in the Record Next group */
  FIT_PLOT_NEXT = FIT_N_GRID_PLOTS,    /* the kept fits' predictions on the proposed stimulus */
  FIT_PLOT_NEXT_SPREAD,                /* how far apart they are: the highest minus the lowest */
  FIT_N_PLOTS
} FitPlot;

#define ND_FIT_VIEW_NEXT_SHOWN 3       /* proposals offered, best first */

struct _NdFitView
{
  GtkBox parent_instance;

  NdProject *project;
  GSettings *settings;
  NdFitRunner *runner;
  gboolean accepted;          /* the finished fit is in the project */
  double v_lo, v_hi;          /* voltage range of the training data */

  /* The plots, indexed by FitPlot: layout, export, drawing and tests go through this one list. */
  NdPlotModel *model[FIT_N_PLOTS];
  NdNamedPlot plots[FIT_N_PLOTS];
  /* Template children (resources/ui/nd-fit-view.ui) */
  GtkGrid *plot_grid;
  GtkScrolledWindow *side_scroller;
  GtkWidget *pause_button, *resume_button, *stop_button, *accept_button;
  GtkProgressBar *progress;
  double bar_fraction;               /* shown so far in this fit (the bar never moves back) */
  GtkLabel *status, *outcome;
  GtkMenuButton *export_button;
  AdwPreferencesGroup *uncertainty;  /* the choice of an ensemble (nd-fit-view-bands.c) */
  GtkSpinButton *members_spin;
  GtkWidget *with_row, *with_choose, *with_remove;  /* Fit Together With (nd-fit-view-with.c) */
  /* The fitted-with recording's sweeps after a joint fit (template child; rows by nd-fit-view-with.c). */
  AdwPreferencesGroup *with_results;
  GPtrArray *with_rows;       /* its verdict row, then one row per sweep */
  GArray *with_shown;         /* NdSweepScore of its sweep rows */
  char *with_shown_path;      /* the recording they are of */
  NdFitVerdict with_verdict;  /* of those sweeps; n == 0 without them */
  int with_overlay;           /* index into with_shown of the sweep in the trace plot, -1: none */

  /* Results (nd-fit-view-results.c); the group is a template child. */
  AdwPreferencesGroup *results;
  GPtrArray *result_rows;     /* the verdict row, then one row per sweep */
  GArray *shown;              /* NdSweepScore of the sweep rows */
  gboolean shown_from_fit;    /* the rows are the runner's scores, whose traces it keeps */
  NdFitVerdict verdict;
  int overlay;                /* index into shown of the sweep in the trace plot, -1: none */
  guint overlay_request;      /* counts requests, so only the newest simulation is drawn */
  GHashTable *step_labels;    /* sweep -> "+200 pA" ("" when the stimulus is no step) */
  double cell_repeat_mV;      /* the recorded cell's sweep-to-sweep figure (cell-repeat.h), and */
  gboolean cell_measured;     /* whether it and step_labels come from this recording's cell properties */
  GCancellable *overlay_cancel; /* the overlays' simulations; cancelled when the view goes */

  /* What to record next (nd-fit-view-next.c); the group and its Export button are template children. */
  AdwPreferencesGroup *next_group;
  GtkWidget *next_export;
  GtkLabel *next_status;      /* working, why there is no proposal, or why the chosen one */
  GtkWidget *next_rows[ND_FIT_VIEW_NEXT_SHOWN];
  GtkCheckButton *next_checks[ND_FIT_VIEW_NEXT_SHOWN];
  nd_proposal next[ND_FIT_VIEW_NEXT_SHOWN];
  int n_next, next_selected, next_members;
  nd_propose_options next_options; /* what the shown proposals were asked with (their noise per mode) */
  gboolean next_vc_from_cc;   /* voltage clamp proposed after a current-clamp fit: its noise is the user's guess */
  GtkWidget *next_vc_row;     /* "Also propose voltage-clamp recordings", after a current-clamp fit */
  GtkSwitch *next_vc_switch;
  GtkSpinButton *next_vc_noise; /* the clamp current's noise the user expects, pA */
  double next_seconds;        /* the last proposal's time on its thread */
  gboolean next_busy;
  GCancellable *next_cancel;  /* the proposal's job; cancelled by a new fit and when the view goes */
};

/* nd-fit-view-actions.c: fit.start, fit.pause, fit.resume, fit.stop and fit.accept on the class; enabling them
 * from the fit's state returns whether Accept Fit is enabled. */
void     nd_fit_view_install_actions (GtkWidgetClass *widget_class);
gboolean nd_fit_view_update_actions (NdFitView *self);

void nd_fit_view_show_trace (NdFitView *self, const char *title, const double *obs, const double *model, gsize n,
                             double dt);
/* The trace plot's axis: the membrane current in pA (voltage clamp) or the potential in mV; the loss's
 * unit with it. */
void nd_fit_view_set_clamp_axes (NdFitView *self, gboolean current);
/* The trace plot's axis alone (a sweep of a recording fitted together with the project's). */
void nd_fit_view_set_trace_axis (NdFitView *self, gboolean current);

/* Results: rows for the scores (copied), a verdict; from_fit: the runner's, whose traces are drawn on a
 * click; otherwise a click simulates the project's model. */
void nd_fit_view_results_init (NdFitView *self);
void nd_fit_view_results_set_project (NdFitView *self);
void nd_fit_view_results_dispose (NdFitView *self);
void nd_fit_view_results_finalize (NdFitView *self);
void nd_fit_view_show_scores (NdFitView *self, const NdSweepScore *scores, guint n, gboolean from_fit);
/* Draws the recorded and model trace of shown row `index` in the trace plot. */
void nd_fit_view_show_overlay (NdFitView *self, guint index);
/* The row to show after a fit: the worst spike-count miss, else the first marked sweep, else the first
 * judged one; -1 without rows. */
int  nd_fit_view_default_overlay (NdFitView *self);

/* nd-fit-view-bands.c: the Uncertainty row (fits of an ensemble, 1: off), bound to the "fit-ensemble"
 * setting; the bands of m's learned gates drawn into the kinetics plots (after their curves); the ensemble's
 * progress in words (NULL for one fit) and the fraction done, from member 0's. */
void  nd_fit_view_bands_init (NdFitView *self);
void  nd_fit_view_bands_set_settings (NdFitView *self);
int   nd_fit_view_bands_members (NdFitView *self);
void  nd_fit_view_bands_set_sensitive (NdFitView *self, gboolean sensitive);
void  nd_fit_view_show_bands (NdFitView *self, nd_model *m);
/* "1 min 05 s", "12 s". */
char *nd_fit_view_format_duration (double s);
char *nd_fit_view_describe_members (NdFitView *self, double *fraction, double member0_fraction,
                                    const NdFitSnapshot *s);

/* nd-fit-view-with.c: the "Fit Together With" row in the uncertainty group, its actions (fit.choose-with with
 * a path or "" for a file chooser, fit.remove-with), and its words from the project. */
void nd_fit_view_with_install_actions (GtkWidgetClass *widget_class);
void nd_fit_view_with_init (NdFitView *self);
void nd_fit_view_with_update (NdFitView *self);
void nd_fit_view_with_finalize (NdFitView *self);
/* The "Fitted Together With It" group: the runner's scores of the other recording's sweeps after a joint fit
 * (from_fit), hidden otherwise; its verdict joins the view's (nd_fit_view_fit_good). */
void nd_fit_view_with_show_scores (NdFitView *self, gboolean from_fit);
/* The fit is good on the project's recording and on one fitted together with it. */
gboolean nd_fit_view_fit_good (NdFitView *self);

/* Shared by the results and the fitted-with group (nd-fit-view-results.c): a sweep's row (title, figures in
 * words, a mark, the eye shown when it is in the trace plot), judged against v; "Sweep 3 · +20 pA" of a
 * recording's sweep (labels cached in `cache`); the eyes of both groups set from the overlays shown; the
 * trace plot with sweep `index` of the fitted-with group. */
GtkWidget *nd_fit_view_score_row (NdFitView *self, const NdSweepScore *s, const NdFitVerdict *v, const char *title);
char *nd_fit_view_sweep_title_in (NdRecording *rec, GHashTable *cache, guint sweep);
void nd_fit_view_set_shown_marks (NdFitView *self);
void nd_fit_view_show_with_overlay (NdFitView *self, guint index);

/* nd-fit-view-next.c: the Record Next group: after an ensemble with two or more kept fits, the recordings
 * on which they disagree most (propose.h), worked out on a thread (nd-task.h); clear: a new fit, another
 * project, the view going. */
void nd_fit_view_next_init (NdFitView *self);
void nd_fit_view_next_start (NdFitView *self);
void nd_fit_view_next_clear (NdFitView *self);

G_END_DECLS
