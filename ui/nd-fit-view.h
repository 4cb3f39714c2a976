/* nd-fit-view.h: the fit page — Start/Pause/Resume/Stop, live plots, results.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Live plots (redrawn on every runner "progress", ten times a second): the training and validation error
 * (RMSE, log scale) against iteration, x_inf(V) and tau(V) of every learned gate with the channel the
 * learned one stands in for dashed and the voltage range the training data visited shaded, and the recorded
 * trace with the model's trace over it.
 *
 * The view's actions, enabled by the fit's state: fit.start (also from another view: it asks win.show-view
 * to show this one), fit.pause, fit.resume, fit.stop, fit.accept. Their keys (Ctrl+Return, Ctrl+P,
 * Ctrl+Shift+P, Ctrl+., Ctrl+Shift+Return) are in nd_fit_view_new_shortcuts().
 *
 * Results (nd-fit-view-results.c): a verdict in words, then a row per training and validation sweep with
 * its spike counts, first-spike shift, subthreshold RMSE and RMSE, marked with an icon and words where the
 * spike counts disagree or the subthreshold error is above 3 mV; a click draws that sweep's recording and
 * model trace. Accept Fit is the suggested action only when the verdict is good (nd-fit-verdict.h).
 *
 * Record Next (nd-fit-view-next.c): after an ensemble, the recordings on which its equally good fits
 * disagree most, in the amplifier's terms, with the fits' predictions on the chosen one ("next" plot) and
 * win.export-stimulus to save its stimulus (ATF, or CSV by the file's name).
 */
#pragma once

#include <adwaita.h>

#include "nd-fit-runner.h"
#include "nd-plot.h"
#include "nd-project.h"

G_BEGIN_DECLS

#define ND_TYPE_FIT_VIEW (nd_fit_view_get_type ())
G_DECLARE_FINAL_TYPE (NdFitView, nd_fit_view, ND, FIT_VIEW, GtkBox)

void         nd_fit_view_set_project (NdFitView *self, NdProject *project, GSettings *settings);
gboolean     nd_fit_view_start (NdFitView *self, GError **error);
void         nd_fit_view_pause (NdFitView *self, gboolean paused);
void         nd_fit_view_stop (NdFitView *self);
/* Takes the finished fit into the project; FALSE when there is none to take. */
gboolean     nd_fit_view_accept (NdFitView *self);
/* A controller with the keys of the view's actions, for the window to add to itself so that they work
 * from every view (a controller on this view would act only while it is shown). */
GtkEventController *nd_fit_view_new_shortcuts (NdFitView *self);
NdFitRunner *nd_fit_view_get_runner (NdFitView *self);
/* The model exports should write: a finished fit not yet accepted, else the project's model. */
nd_model    *nd_fit_view_get_export_model (NdFitView *self);
/* The results' verdict in words ("The model fires 0 spikes where the recording has 20 (sweep 7). …"), NULL
 * without results; good: whether accepting is recommended. */
const char  *nd_fit_view_get_verdict (NdFitView *self, gboolean *good);
/* The view's plots in layout order, named as their exported files ("loss", "trace", "xinf", "tau", then
 * "next", hidden without a proposal); owned by the view. Export, layout and tests iterate them. */
const NdNamedPlot *nd_fit_view_get_plots (NdFitView *self, guint *n_plots);
/* One of them by name; NULL for another name. */
NdPlot      *nd_fit_view_get_plot (NdFitView *self, const char *name);

/* Writes the chosen proposal's stimulus to path: CSV when the name ends in .csv, else ATF. */
gboolean     nd_fit_view_write_stimulus (NdFitView *self, const char *path, GError **error);

G_END_DECLS
