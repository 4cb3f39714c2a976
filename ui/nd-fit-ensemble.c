/* nd-fit-ensemble.c: an ensemble of fits on a thread of its own (nd-fit-ensemble.h).
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "ensemble.h"
#include "nd-fit-ensemble.h"

struct _NdFitEnsemble
{
  GThread *thread;
  nd_model *start, *model;
  const nd_fit_sweep *train, *val;
  int n_train, n_val;
  nd_fit_options opt;
  nd_ensemble_options eo;
  nd_ensemble_result er;
  nd_fit_control ctl;
  atomic_int abort;
  atomic_int members_done;
  atomic_int done;
};

/* On the ensemble's thread. */
static void
member_done (int k, const nd_fit_result *r, double seconds, void *user)
{
  (void) k, (void) r, (void) seconds;
  NdFitEnsemble *e = user;
  atomic_fetch_add (&e->members_done, 1);
}

static gpointer
run (gpointer data)
{
  NdFitEnsemble *e = data;
  e->model = nd_ensemble_fit (e->start, e->train, e->n_train, e->val, e->n_val, &e->opt, &e->eo, &e->er);
  atomic_store (&e->done, 1);
  return NULL;
}

NdFitEnsemble *
nd_fit_ensemble_start (const nd_model *m, const nd_fit_sweep *train, int n_train, const nd_fit_sweep *val,
                       int n_val, const nd_fit_options *opt, int n_members, int jobs, nd_fit_progress_fn progress,
                       void *user)
{
  NdFitEnsemble *e = g_new0 (NdFitEnsemble, 1);
  e->start = nd_model_copy (m);
  e->train = train;
  e->n_train = n_train;
  e->val = val;
  e->n_val = val ? n_val : 0;
  e->opt = *opt;
  atomic_init (&e->ctl.cancel, 0);
  atomic_init (&e->ctl.pause, 0);
  atomic_init (&e->abort, 0);
  atomic_init (&e->members_done, 0);
  atomic_init (&e->done, 0);
  e->eo = (nd_ensemble_options) { .n_members = CLAMP (n_members, 2, ND_ENSEMBLE_MAX), .jobs = MAX (jobs, 1),
                                  .tol = -1.0, .keep_members = true, .member_done = member_done, .user = e, .ctl = &e->ctl,
                                  .abort = &e->abort, .progress = progress, .progress_user = user };
  e->thread = g_thread_try_new ("nd-ensemble", run, e, NULL);
  if (!e->thread)
    {
      nd_model_free (e->start);
      g_free (e);
      return NULL;
    }
  return e;
}

void
nd_fit_ensemble_pause (NdFitEnsemble *e, gboolean paused)
{
  atomic_store (&e->ctl.pause, paused ? 1 : 0);
}

void
nd_fit_ensemble_cancel (NdFitEnsemble *e)
{
  atomic_store (&e->ctl.cancel, 1);
}

void
nd_fit_ensemble_abort (NdFitEnsemble *e)
{
  atomic_store (&e->abort, 1);
  atomic_store (&e->ctl.cancel, 1);
  atomic_store (&e->ctl.pause, 0);
}

gboolean
nd_fit_ensemble_done (NdFitEnsemble *e)
{
  return atomic_load (&e->done) != 0;
}

int
nd_fit_ensemble_members_done (NdFitEnsemble *e)
{
  return atomic_load (&e->members_done);
}

int
nd_fit_ensemble_at_once (NdFitEnsemble *e)
{
  return nd_ensemble_at_once (&e->eo);
}

nd_model *
nd_fit_ensemble_finish (NdFitEnsemble *e, nd_fit_result *result, int *n_kept, nd_model ***members)
{
  g_thread_join (e->thread);
  nd_model *m = e->model;
  *n_kept = m ? e->er.n_kept : 0;
  if (members)
    *members = NULL;
  if (m)
    {
      if (members && e->er.members)
        *members = g_steal_pointer (&e->er.members);

      *result = e->er.best_result;
      memset (&e->er.best_result, 0, sizeof e->er.best_result);
      nd_model_free (e->start);
    }
  else
    {
      memset (result, 0, sizeof *result);
      result->best_val_loss = result->train_loss = INFINITY;
      result->cancelled = atomic_load (&e->ctl.cancel) != 0;
      m = e->start;
    }
  nd_ensemble_result_clear (&e->er);
  g_free (e);
  return m;
}
