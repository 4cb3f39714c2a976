/* ensemble.c: an ensemble of fits on worker threads (ensemble.h).
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ensemble.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alloc.h"
#include "fit-worker.h"
#include "gate-band.h"
#include "lanes.h"

static double
now_s (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + ts.tv_nsec * 1e-9;
}

int
nd_ensemble_keep (const double *loss, int n, double noise_sd, double tol, bool *kept, double *threshold)
{
  int best = -1;
  for (int k = 0; k < n; k++)
    if (isfinite (loss[k]) && (best < 0 || loss[k] < loss[best]))
      best = k;
  double s = fmax (isfinite (noise_sd) ? noise_sd : 0.0, ND_FIT_NOISE_FLOOR_MV);
  *threshold = best < 0 ? NAN : loss[best] + fmax ((tol < 0.0 ? ND_ENSEMBLE_TOL : tol) * loss[best], s * s);
  for (int k = 0; k < n; k++)
    kept[k] = best >= 0 && isfinite (loss[k]) && loss[k] <= *threshold;
  return best;
}

int
nd_ensemble_at_once (const nd_ensemble_options *eo)
{
  const int k = eo->jobs < eo->n_members ? eo->jobs : eo->n_members;
  return k < 1 ? 1 : k;
}

nd_model *
nd_ensemble_fit (const nd_model *m, const nd_fit_sweep *train, int n_train, const nd_fit_sweep *val, int n_val,
                 const nd_fit_options *opt, const nd_ensemble_options *eo, nd_ensemble_result *res)
{
  const int n = eo->n_members, jobs = nd_ensemble_at_once (eo);
  const int share = nd_cpu_count () / jobs, member_threads = share > 1 ? share : 1;
  memset (res, 0, sizeof *res);
  res->n_members = n;
  res->best = -1;
  res->loss = nd_calloc ((size_t) n, sizeof *res->loss);
  res->seconds = nd_calloc ((size_t) n, sizeof *res->seconds);
  res->kept = nd_calloc ((size_t) n, sizeof *res->kept);
  nd_model **models = nd_calloc ((size_t) n, sizeof *models);
  nd_fit_result *results = nd_calloc ((size_t) n, sizeof *results);
  nd_fit_worker **w = nd_calloc ((size_t) n, sizeof *w);
  double *started = nd_calloc ((size_t) n, sizeof *started);
  const double t0 = now_s ();
  bool failed = false, cancelled = false, aborted = false, paused = false;
  /* Up to `jobs` members at a time; the next starts as soon as one ends. */
  for (int next = 0, running = 0, finished = 0; finished < next || (!cancelled && finished < n);)
    {
      /* The caller's control reaches the members: a cancel or abort stops them all, a pause pauses them. */
      if (!aborted && eo->abort && atomic_load (eo->abort))
        {
          aborted = cancelled = true;
          for (int k = 0; k < next; k++)
            if (w[k])
              nd_fit_worker_abort (w[k]);
        }
      if (!cancelled && eo->ctl && atomic_load (&eo->ctl->cancel))
        {
          cancelled = true;
          for (int k = 0; k < next; k++)
            if (w[k])
              nd_fit_worker_cancel (w[k]);
        }
      bool want_pause = !cancelled && eo->ctl && atomic_load (&eo->ctl->pause);
      if (want_pause != paused)
        {
          paused = want_pause;
          for (int k = 0; k < next; k++)
            if (w[k])
              nd_fit_worker_pause (w[k], paused);
        }
      while (!failed && !cancelled && !paused && running < jobs && next < n)
        {
          nd_fit_options o = *opt;
          o.seed = opt->seed + (uint64_t) next;
          /* The fits at once share the cores (fit.h, threads). */
          if (o.threads <= 0)
            o.threads = member_threads;
          bool live = next == 0 && eo->progress;
          if (!live)
            o.progress_interval_s = 1e9;
          started[next] = now_s ();
          w[next] = nd_fit_worker_start (m, train, n_train, val, n_val, &o, live ? eo->progress : NULL,
                                         live ? eo->progress_user : NULL);
          if (!w[next])
            {
              failed = true;
              break;
            }
          next++, running++;
        }
      bool any = false;
      for (int k = 0; k < next; k++)
        if (w[k] && nd_fit_worker_done (w[k]))
          {
            models[k] = nd_fit_worker_finish (w[k], &results[k]);
            w[k] = NULL;
            res->seconds[k] = now_s () - started[k];
            res->loss[k] = results[k].best_val_loss;
            if (eo->member_done)
              eo->member_done (k, &results[k], res->seconds[k], eo->user);
            running--, finished++, any = true;
          }
      if (failed && running == 0)
        break;
      if (!any)
        nanosleep (&(struct timespec) { .tv_nsec = 20000000 }, NULL);
    }
  res->wall_s = now_s () - t0;
  nd_model *out = NULL;
  if (!failed && !aborted)
    {
      /* After a cancel, the members that never started have no loss and are not kept. */
      for (int k = 0; k < n; k++)
        if (!models[k])
          res->loss[k] = NAN;
      res->best = nd_ensemble_keep (res->loss, n, results[0].noise_sd, eo->tol, res->kept, &res->threshold);
      if (res->best >= 0)
        {
          nd_model **kept = nd_calloc ((size_t) n, sizeof *kept);
          for (int k = 0; k < n; k++)
            if (res->kept[k])
              kept[res->n_kept++] = models[k];
          out = models[res->best];
          nd_model_set_bands (out, kept, res->n_kept);
          double lo, hi;
          nd_fit_v_range (train, n_train, &lo, &hi);
          nd_model_set_band_range (out, lo, hi);
          if (eo->keep_members)
            {
              /* The kept ones move to the result; the best stays the caller's too, as a copy. */
              for (int j = 0; j < res->n_kept; j++)
                kept[j] = kept[j] == out ? nd_model_copy (out) : kept[j];
              for (int k = 0; k < n; k++)
                if (res->kept[k] && k != res->best)
                  models[k] = NULL;
              res->members = kept;
            }
          else
            free (kept);
          models[res->best] = NULL;
          res->best_result = results[res->best];
          res->best_result.cancelled |= cancelled;
          memset (&results[res->best], 0, sizeof results[res->best]);
        }
    }
  for (int k = 0; k < n; k++)
    {
      nd_model_free (models[k]);
      nd_fit_result_clear (&results[k]);
    }
  free (models);
  free (results);
  free (w);
  free (started);
  return out;
}

void
nd_ensemble_result_clear (nd_ensemble_result *res)
{
  free (res->loss);
  free (res->seconds);
  free (res->kept);
  for (int k = 0; res->members && k < res->n_kept; k++)
    nd_model_free (res->members[k]);
  free (res->members);
  nd_fit_result_clear (&res->best_result);
  memset (res, 0, sizeof *res);
}
