/* nd-explore-view.h: the Explore view, live HH experiments for teaching.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A compartment (the classic HH one until nd_explore_view_set_model() gives another) simulated
 * live as the user moves the controls: stimulus protocol, current or voltage clamp, drugs,
 * temperature, conductances, reversal potentials; plots of V, currents and gates over time, the
 * phase plane, x_inf and tau, and f-I and I-V curves computed on request. Presets set up and
 * explain the classic experiments.
 *
 * Every control is a GAction in the group "explore" inserted on the view, so menus, shortcuts and
 * tests share them: numbers are stateful actions of type "d" (explore.amplitude, explore.delay,
 * explore.width, explore.interval, explore.pulses, explore.offset, explore.noise-sd,
 * explore.noise-tau, explore.holding, explore.step-potential, explore.duration,
 * explore.temperature, explore.fi-max, explore.na-out, explore.na-in, explore.k-out, explore.k-in,
 * and per channel explore.scale-<type> and explore.reversal-<type>, e.g. explore.scale-hh-na),
 * strings (explore.preset, explore.clamp "current"/"voltage", explore.protocol
 * "step"/"pair"/"train"/"ramp"/"noise", explore.page "time"/"phase"/"kinetics"/"curves"),
 * explore.model "classic"/"project", booleans (explore.block-ttx, explore.block-tea, explore.block-zd7288, explore.nernst), the
 * phase-plane gate explore.phase-gate ("i"), and plain actions explore.compute-fi,
 * explore.compute-iv, explore.cancel, explore.export-plots and explore.export-traces.
 *
 * A run short enough (under about 20 ms by the last run's speed) is computed at once before the
 * next frame; a longer one goes to a worker thread, and changes made meanwhile are coalesced into
 * one new run when it returns (stale results are dropped).
 */
#pragma once

#include <adwaita.h>

#include "model.h"

G_BEGIN_DECLS

#define ND_TYPE_EXPLORE_VIEW (nd_explore_view_get_type ())
G_DECLARE_FINAL_TYPE (NdExploreView, nd_explore_view, ND, EXPLORE_VIEW, AdwBin)

GtkWidget *nd_explore_view_new (void);

/* The "explore" action group (GTK 4.8 cannot look a widget's groups up by name). */
GActionGroup *nd_explore_view_get_actions (NdExploreView *self);

/* Simulates a copy of `model` from now on (the per-channel controls follow its channels). */
void       nd_explore_view_set_model (NdExploreView *self, const nd_model *model);

/* The model builder's compartment (copied; NULL: none). The user chooses between it and the
 * classic HH compartment with explore.model ("classic" or "project"); while "project" is chosen,
 * a changed project model is simulated at once (the controls keep their settings when only
 * unrelated parts of the project changed). */
void       nd_explore_view_set_project_model (NdExploreView *self, const nd_model *model);

/* The plots of the visible page, for tests and export (array owned by the view). */
GPtrArray *nd_explore_view_get_visible_plots (NdExploreView *self);
/* Runs asked for and runs drawn into the plot models; equal when the plots show the latest
 * settings. "updated" is emitted after each result reaches the plot models. */
guint64    nd_explore_view_get_requested (NdExploreView *self);
guint64    nd_explore_view_get_applied (NdExploreView *self);
/* Time the shown run took to compute (simulation, nullclines, kinetics), in microseconds. */
gint64     nd_explore_view_get_last_run_us (NdExploreView *self);
/* Spikes in the shown run, and whether a curve computation is running. */
guint      nd_explore_view_get_n_spikes (NdExploreView *self);
gboolean   nd_explore_view_is_computing (NdExploreView *self);
/* Points of the last f-I curve (current in uA/cm2, rate in Hz); returns the count. */
guint      nd_explore_view_get_fi_curve (NdExploreView *self, const double **current, const double **rate);

/* Runs predicted to take longer than `us` microseconds go to a worker thread (default 20000; 0:
 * always a thread, for tests of the coalescing). */
void       nd_explore_view_set_sync_limit (NdExploreView *self, double us);

/* Writes every plot with data as `path` with "-<plot>" before the extension (PNG, SVG or PDF by
 * the extension), and the traces of the shown run as CSV. Errors are in the user's words. */
gboolean   nd_explore_view_export_plots (NdExploreView *self, const char *path, GError **error);
gboolean   nd_explore_view_export_traces (NdExploreView *self, const char *path, GError **error);

G_END_DECLS
