/* nd-recording-view.h: the recording page — sweeps, their roles, the fit window, stimulus and area.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "nd-plot.h"
#include "nd-project.h"

G_BEGIN_DECLS

#define ND_TYPE_RECORDING_VIEW (nd_recording_view_get_type ())
G_DECLARE_FINAL_TYPE (NdRecordingView, nd_recording_view, ND, RECORDING_VIEW, GtkBox)

void    nd_recording_view_set_project (NdRecordingView *self, NdProject *project);
/* The view's plots in layout order, named as their exported files ("recording", "stimulus"); owned by the
 * view. Export and layout iterate them (the stimulus plot is hidden where there is no stimulus). */
const NdNamedPlot *nd_recording_view_get_plots (NdRecordingView *self, guint *n_plots);
/* The recorded-signal plot (top) and the stimulus plot (bottom) of that list, for tests. */
NdPlot *nd_recording_view_get_trace_plot (NdRecordingView *self);
NdPlot *nd_recording_view_get_stimulus_plot (NdRecordingView *self);
/* Shows one sweep (0-based) or all overlaid (-1); Page Down and Page Up over the plots (the actions
 * sweeps.next and sweeps.previous) step from one to the next. */
void    nd_recording_view_show_sweep (NdRecordingView *self, int sweep);
int     nd_recording_view_get_shown_sweep (NdRecordingView *self);

G_END_DECLS
