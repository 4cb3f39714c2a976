/* nd-explore-view-curves.c: f-I and I-V curves on a worker thread, with progress and cancel.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "nd-explore-view-private.h"
#include "nd-task.h"

typedef struct
{
  gboolean is_fi;
  nd_model *base;
  nd_explore_params params;
  GCancellable *cancellable;
  gint permille;              /* atomic: the view's timer reads it while the job runs */
  int n, n_channels;
  double *x, *y, *late, *peak;
  double onset;
} CurveJob;

static void
curve_job_free (CurveJob *job)
{
  nd_model_free (job->base);
  g_clear_object (&job->cancellable);
  g_free (job->x);
  g_free (job->y);
  g_free (job->late);
  g_free (job->peak);
  g_free (job);
}

static bool
curve_progress (void *data, double fraction)
{
  CurveJob *job = data;
  g_atomic_int_set (&job->permille, (gint) (fraction * 1000));
  return !g_cancellable_is_cancelled (job->cancellable);
}

/* The job owns its model, settings, arrays and progress: the view may be gone before it ends (nd-task.h). */
static void
curve_thread (gpointer task_data, GCancellable *cancellable)
{
  CurveJob *job = task_data;
  job->onset = NAN;
  if (job->is_fi)
    {
      job->n = nd_explore_fi_curve (job->base, &job->params, job->x, job->y, curve_progress, job);
      /* The grid brackets the onset; a few more runs place it to 0.01 uA/cm2. */
      for (int i = 1; i < job->n && !g_cancellable_is_cancelled (job->cancellable); i++)
        if (job->y[i] > 0.0 && job->y[i - 1] == 0.0)
          {
            job->onset = nd_explore_fi_onset (job->base, &job->params, job->x[i - 1], job->x[i], 0.01);
            break;
          }
    }
  else
    job->n = nd_explore_iv_curve (job->base, &job->params, job->x, job->late, job->peak, curve_progress, job);
}

void
nd_explore_view_set_computing (NdExploreView *self, gboolean computing)
{
  const char *names[] = { "compute-fi", "compute-iv" };
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_simple_action_set_enabled (
      G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self->actions), names[i])), !computing);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self->actions), "cancel")),
                               computing);
}

static gboolean
curve_tick (gpointer data)
{
  NdExploreView *self = data;
  gtk_progress_bar_set_fraction (self->progress_bar, g_atomic_int_get (self->curve_permille) / 1000.0);
  return G_SOURCE_CONTINUE;
}

/* Main loop, the view alive (a finalized view's job never gets here); cancelled by Cancel or the view's
 * dispose. */
static gboolean
curve_done (gpointer owner, gpointer data, gboolean cancelled)
{
  NdExploreView *self = ND_EXPLORE_VIEW (owner);
  CurveJob *job = data;

  /* The timer read the job's progress: both end here. */
  g_clear_handle_id (&self->curve_timer, g_source_remove);
  self->curve_permille = NULL;
  g_clear_object (&self->curve_cancel);
  /* Disposed, but still referenced: its widgets are gone. */
  if (self->progress_bar == NULL)
    return FALSE;
  nd_explore_view_set_computing (self, FALSE);
  gtk_progress_bar_set_fraction (self->progress_bar, cancelled ? 0.0 : 1.0);
  gtk_progress_bar_set_text (self->progress_bar, cancelled ? _("Cancelled")
                                                 : job->is_fi ? _("f-I curve done") : _("I-V curve done"));
  if (job->is_fi)
    {
      self->fi_onset = job->onset;
      self->fi_params = job->params;
      self->fi_stale = FALSE;
      g_free (self->fi_current);
      g_free (self->fi_rate);
      self->fi_current = g_steal_pointer (&job->x);
      self->fi_rate = g_steal_pointer (&job->y);
      self->fi_n = job->n;
      nd_explore_view_show_fi (self);
    }
  else
    {
      g_free (self->iv_v);
      g_free (self->iv_late);
      g_free (self->iv_peak);
      self->iv_v = g_steal_pointer (&job->x);
      self->iv_late = g_steal_pointer (&job->late);
      self->iv_peak = g_steal_pointer (&job->peak);
      self->iv_n = job->n;
      self->iv_stride = job->params.iv_points;
      self->iv_channels = job->n_channels;
      self->iv_params = job->params;
      self->iv_stale = FALSE;
      nd_explore_view_show_iv (self);
    }
  return FALSE;
}

void
nd_explore_view_start_curve (NdExploreView *self, gboolean is_fi)
{
  if (self->curve_cancel)
    return;
  CurveJob *job = g_new0 (CurveJob, 1);
  job->is_fi = is_fi;
  job->base = nd_model_copy (self->model);
  job->params = self->params;
  job->cancellable = g_cancellable_new ();
  job->n_channels = self->model->n_channels;
  int n = is_fi ? job->params.fi_points : job->params.iv_points;
  job->x = g_new0 (double, n);
  job->y = g_new0 (double, n);
  job->late = g_new0 (double, n);
  job->peak = g_new0 (double, (gsize) n * MAX (job->n_channels, 1));
  self->curve_cancel = g_object_ref (job->cancellable);
  self->curve_permille = &job->permille;
  gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
  gtk_progress_bar_set_text (self->progress_bar, is_fi ? _("Computing the f-I curve…") : _("Computing the I-V curve…"));
  nd_explore_view_set_computing (self, TRUE);
  self->curve_timer = g_timeout_add (50, curve_tick, self);
  nd_task_run (self, job->cancellable, job, (GDestroyNotify) curve_job_free, curve_thread, curve_done);
}
