/* lanes.c: a model's copies on worker threads (lanes.h).
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "lanes.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"

typedef struct {
  struct nd_lanes *l;
  int lane;
  unsigned long seen;        /* the last run before the thread started */
} worker_arg;

struct nd_lanes {
  nd_model **model;          /* [n]; model[0] is the caller's, the others copies made at first use */
  int n;
  int started;               /* worker threads running (lanes 1..started) */
  pthread_t *thread;
  worker_arg *arg;
  pthread_mutex_t mu;
  pthread_cond_t wake, idle;
  unsigned long round;       /* counts runs: a worker wakes for each new one */
  int busy;                  /* workers not yet done with the present run */
  bool quit;
  /* The present run. */
  nd_lane_fn fn;
  void *user;
  int n_items;
  int use;                   /* lanes below it take items */
  atomic_int next;
};

int
nd_cpu_count (void)
{
  cpu_set_t set;
  if (sched_getaffinity (0, sizeof set, &set) == 0 && CPU_COUNT (&set) > 0)
    return CPU_COUNT (&set);
  long n = sysconf (_SC_NPROCESSORS_ONLN);
  return n > 0 ? (int) n : 1;
}

nd_lanes *
nd_lanes_new (nd_model *m, int n)
{
  nd_lanes *l = nd_calloc (1, sizeof *l);
  l->n = n > 1 ? n : 1;
  l->model = nd_calloc (l->n, sizeof *l->model);
  l->model[0] = m;
  l->thread = nd_calloc (l->n, sizeof *l->thread);
  l->arg = nd_calloc (l->n, sizeof *l->arg);
  pthread_mutex_init (&l->mu, NULL);
  pthread_cond_init (&l->wake, NULL);
  pthread_cond_init (&l->idle, NULL);
  return l;
}

int
nd_lanes_count (const nd_lanes *l)
{
  return l ? l->n : 1;
}

/* Takes items until none is left. */
static void
drain (nd_lanes *l, int lane)
{
  for (int i; (i = atomic_fetch_add (&l->next, 1)) < l->n_items;)
    l->fn (i, l->model[lane], lane, l->user);
}

static void *
worker (void *p)
{
  worker_arg *a = p;
  nd_lanes *l = a->l;
  unsigned long seen = a->seen;
  pthread_mutex_lock (&l->mu);
  for (;;)
    {
      while (!l->quit && l->round == seen)
        pthread_cond_wait (&l->wake, &l->mu);
      if (l->quit)
        break;
      seen = l->round;
      const bool take = a->lane < l->use;
      pthread_mutex_unlock (&l->mu);
      if (take)
        drain (l, a->lane);
      pthread_mutex_lock (&l->mu);
      if (--l->busy == 0)
        pthread_cond_signal (&l->idle);
    }
  pthread_mutex_unlock (&l->mu);
  return NULL;
}

/* Lane k's model as lane 0's is now: a copy at first use, later its
 * parameters and blocks (the fit changes both, e.g. which priors train). */
static void
sync_lane (nd_lanes *l, int k)
{
  nd_model *m = l->model[0];
  if (!l->model[k])
    l->model[k] = nd_model_copy (m);
  nd_model *c = l->model[k];
  memcpy (c->params, m->params, m->n_params * sizeof *c->params);
  memcpy (c->blocks, m->blocks, m->n_blocks * sizeof *c->blocks);
  if ((c->settle_memo != NULL) != (m->settle_memo != NULL))
    nd_model_settle_memo (c, m->settle_memo != NULL);
  nd_model_params_changed (c);
}

void
nd_lanes_run (nd_lanes *l, int n_items, nd_lane_fn fn, void *user)
{
  const int use = n_items < l->n ? n_items : l->n;
  if (use <= 1)
    {
      for (int i = 0; i < n_items; i++)
        fn (i, l->model[0], 0, user);
      return;
    }
  for (int k = 1; k < use; k++)
    sync_lane (l, k);
  /* Threads for the lanes this run uses; if one cannot start, the lanes
   * that did (and the caller) take its items. */
  while (l->started + 1 < use)
    {
      int k = l->started + 1;
      l->arg[k] = (worker_arg) { l, k, l->round };
      if (pthread_create (&l->thread[k], NULL, worker, &l->arg[k]) != 0)
        break;
      l->started = k;
    }
  pthread_mutex_lock (&l->mu);
  l->fn = fn;
  l->user = user;
  l->n_items = n_items;
  atomic_store (&l->next, 0);
  /* Every started worker wakes; those of lanes this run did not sync take
   * no item. */
  l->use = use;
  l->busy = l->started;
  l->round++;
  pthread_cond_broadcast (&l->wake);
  pthread_mutex_unlock (&l->mu);
  drain (l, 0);
  pthread_mutex_lock (&l->mu);
  while (l->busy > 0)
    pthread_cond_wait (&l->idle, &l->mu);
  pthread_mutex_unlock (&l->mu);
}

void
nd_lanes_free (nd_lanes *l)
{
  if (!l)
    return;
  pthread_mutex_lock (&l->mu);
  l->quit = true;
  pthread_cond_broadcast (&l->wake);
  pthread_mutex_unlock (&l->mu);
  for (int k = 1; k <= l->started; k++)
    pthread_join (l->thread[k], NULL);
  for (int k = 1; k < l->n; k++)
    if (l->model[k])
      nd_model_free (l->model[k]);
  pthread_mutex_destroy (&l->mu);
  pthread_cond_destroy (&l->wake);
  pthread_cond_destroy (&l->idle);
  free (l->model);
  free (l->thread);
  free (l->arg);
  free (l);
}
