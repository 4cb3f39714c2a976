/* fit-worker.c: nd_fit on a POSIX thread.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "fit-worker.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct nd_fit_worker {
  pthread_t thread;
  nd_model *model;
  nd_fit_sweep *sweeps;   /* train then val */
  double **buffers;       /* owned arrays of the sweeps */
  int n_train, n_val, n_buffers;
  nd_fit_options opt;
  nd_fit_control ctl;
  nd_fit_progress_fn progress;
  void *user;
  nd_fit_result result;
  atomic_int done;
  atomic_int abort;       /* every sweep's drive.abort points here */
  atomic_llong abort_at;  /* µs, when abort was set */
};

static atomic_int n_running;
static atomic_llong last_abort_us = -1;

static long long
now_us (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (long long) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static double *
dup_array (nd_fit_worker *w, const double *a, size_t n)
{
  if (!a)
    return NULL;
  double *c = malloc (n * sizeof *c);
  memcpy (c, a, n * sizeof *c);
  w->buffers[w->n_buffers++] = c;
  return c;
}

static void *
run (void *data)
{
  nd_fit_worker *w = data;
  nd_fit (w->model, w->sweeps, w->n_train, w->n_val ? w->sweeps + w->n_train : NULL, w->n_val, &w->opt,
          &w->ctl, w->progress, w->user, &w->result);
  if (atomic_load (&w->abort))
    atomic_store (&last_abort_us, now_us () - atomic_load (&w->abort_at));
  atomic_store (&w->done, 1);
  atomic_fetch_sub (&n_running, 1);
  return NULL;
}

nd_fit_worker *
nd_fit_worker_start (const nd_model *m, const nd_fit_sweep *train, int n_train,
                     const nd_fit_sweep *val, int n_val, const nd_fit_options *opt,
                     nd_fit_progress_fn progress, void *user)
{
  nd_fit_worker *w = calloc (1, sizeof *w);
  w->model = nd_model_copy (m);
  w->n_train = n_train;
  w->n_val = val ? n_val : 0;
  int n = w->n_train + w->n_val;
  w->sweeps = calloc (n + 1, sizeof *w->sweeps);
  w->buffers = calloc (5 * (size_t) n + 1, sizeof *w->buffers);
  for (int k = 0; k < n; k++)
    {
      const nd_fit_sweep *src = k < n_train ? &train[k] : &val[k - n_train];
      nd_fit_sweep *dst = &w->sweeps[k];
      size_t len = src->drive.n;
      *dst = *src;
      dst->drive.i_inj = dup_array (w, src->drive.i_inj, len);
      dst->drive.v_force = NULL;
      dst->v_obs = dup_array (w, src->v_obs, len);
      dst->weight = dup_array (w, src->weight, len);
      /* voltage clamp: the command and the recorded current */
      dst->drive.v_clamp = dup_array (w, src->drive.v_clamp, len);
      dst->i_obs = dup_array (w, src->i_obs, len);
      dst->drive.abort = &w->abort;
    }
  w->opt = *opt;
  w->progress = progress;
  w->user = user;
  atomic_init (&w->ctl.cancel, 0);
  atomic_init (&w->ctl.pause, 0);
  atomic_init (&w->done, 0);
  atomic_init (&w->abort, 0);
  atomic_fetch_add (&n_running, 1);
  if (pthread_create (&w->thread, NULL, run, w) != 0)
    {
      atomic_fetch_sub (&n_running, 1);
      for (int i = 0; i < w->n_buffers; i++)
        free (w->buffers[i]);
      free (w->buffers);
      free (w->sweeps);
      nd_model_free (w->model);
      free (w);
      return NULL;
    }
  return w;
}

void
nd_fit_worker_pause (nd_fit_worker *w, bool paused)
{
  atomic_store (&w->ctl.pause, paused ? 1 : 0);
}

void
nd_fit_worker_cancel (nd_fit_worker *w)
{
  atomic_store (&w->ctl.cancel, 1);
}

void
nd_fit_worker_abort (nd_fit_worker *w)
{
  atomic_store (&w->abort_at, now_us ());
  atomic_store (&w->abort, 1);
  atomic_store (&w->ctl.cancel, 1);
  atomic_store (&w->ctl.pause, 0);
}

int
nd_fit_worker_n_running (void)
{
  return atomic_load (&n_running);
}

long long
nd_fit_worker_last_abort_us (void)
{
  return atomic_load (&last_abort_us);
}

bool
nd_fit_worker_done (nd_fit_worker *w)
{
  return atomic_load (&w->done) != 0;
}

nd_model *
nd_fit_worker_finish (nd_fit_worker *w, nd_fit_result *result)
{
  pthread_join (w->thread, NULL);
  nd_model *m = w->model;
  if (result)
    *result = w->result;
  else
    nd_fit_result_clear (&w->result);
  for (int i = 0; i < w->n_buffers; i++)
    free (w->buffers[i]);
  free (w->buffers);
  free (w->sweeps);
  free (w);
  return m;
}
