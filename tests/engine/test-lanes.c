/* test-lanes.c: work on several cores gives one core's results, bit for bit.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * nd_lanes_run hands every item to exactly one lane, gives the other lanes
 * the model's parameters as they are when the run starts, and uses no lane
 * beyond the items; items of 1 ms make the lanes run side by side, so the
 * test command's ThreadSanitizer run sees any unsynchronised access (a
 * counter shared by the items without an atomic fails it). A whole fit (a real cell's: the search, the gradient
 * stages with their free-running checks; and a synthetic cell's learned K
 * gate, voltage-forced then free) on one core and on three ends with the
 * same parameters, losses and history, byte for byte.
 */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cortical-cell.h"
#include "fit.h"
#include "integrator.h"
#include "lanes.h"
#include "nd-check.h"
#include "k-experiment.h"
#include "units.h"

#define DT 0.05
#define N 6000   /* 300 ms */
#define N_SWEEPS 5

typedef struct {
  nd_model *m;
  atomic_int seen[64];
  atomic_int bad;
  atomic_int lanes_used;
  int max_lane;
} run_check;

static void
item (int k, nd_model *m, int lane, void *user)
{
  run_check *c = user;
  /* Items that take a while (1 ms), so that the lanes really run side by side. */
  nanosleep (&(struct timespec) { 0, 1000000L }, NULL);
  atomic_fetch_add (&c->seen[k], 1);
  atomic_fetch_or (&c->lanes_used, 1 << lane);
  if (lane >= c->max_lane || (lane == 0) != (m == c->m) || m->params[0] != c->m->params[0])
    atomic_fetch_add (&c->bad, 1);
}

static void
check_run (nd_lanes *l, nd_model *m, int n_items, int max_lane, const char *what)
{
  run_check c = { .m = m, .max_lane = max_lane };
  nd_lanes_run (l, n_items, item, &c);
  int once = 0;
  for (int k = 0; k < n_items; k++)
    once += atomic_load (&c.seen[k]) == 1;
  printf ("%s: %d of %d items once, lanes used 0x%x\n", what, once, n_items, atomic_load (&c.lanes_used));
  ND_CHECK (once == n_items, "%s: every item exactly once", what);
  ND_CHECK (atomic_load (&c.bad) == 0, "%s: each lane in bounds, with the model's parameters", what);
  if (n_items >= 2 * max_lane && max_lane > 1)
    ND_CHECK (__builtin_popcount (atomic_load (&c.lanes_used)) >= 2, "%s: more than one lane took items", what);
}

static bool
same_fit (const nd_model *a, const nd_fit_result *ra, const nd_model *b, const nd_fit_result *rb)
{
  return memcmp (a->params, b->params, a->n_params * sizeof (double)) == 0
         && memcmp (&ra->best_val_loss, &rb->best_val_loss, sizeof (double)) == 0
         && memcmp (&ra->train_loss, &rb->train_loss, sizeof (double)) == 0 && ra->n_history == rb->n_history
         && ra->gradients == rb->gradients && ra->best_restart == rb->best_restart
         && memcmp (ra->history_train, rb->history_train, ra->n_history * sizeof (double)) == 0
         && memcmp (ra->history_val, rb->history_val, ra->n_history * sizeof (double)) == 0;
}

/* A fit of `fresh ()` on one lane and on three. */
static void
check_fit (nd_model *(*fresh) (void), const nd_fit_sweep *sw, int n_train, int n_val, nd_fit_options o,
           const char *what)
{
  nd_model *one = fresh (), *three = fresh ();
  nd_fit_result r1, r3;
  o.threads = 1;
  ND_CHECK (nd_fit (one, sw, n_train, sw + n_train, n_val, &o, NULL, NULL, NULL, &r1) == 0, "%s: one lane fits", what);
  o.threads = 3;
  ND_CHECK (nd_fit (three, sw, n_train, sw + n_train, n_val, &o, NULL, NULL, NULL, &r3) == 0, "%s: three lanes fit", what);
  printf ("%s: one lane %.9g (%d steps, %ld gradients), three lanes %.9g (%d steps, %ld gradients)\n", what,
          r1.best_val_loss, r1.n_history, r1.gradients, r3.best_val_loss, r3.n_history, r3.gradients);
  ND_CHECK (isfinite (r1.best_val_loss) && r1.n_history > 0, "%s: the fit ran", what);
  ND_CHECK (same_fit (one, &r1, three, &r3), "%s: the same fit on three lanes, bit for bit", what);
  nd_fit_result_clear (&r1);
  nd_fit_result_clear (&r3);
  nd_model_free (one);
  nd_model_free (three);
}

static nd_model *
fresh_cortical (void)
{
  return cortical_cell (15.0);
}

static nd_model *
fresh_hh_k (void)
{
  return k_hybrid (NULL, 8, 2);
}

int
main (void)
{
  printf ("cores: %d\n", nd_cpu_count ());
  ND_CHECK (nd_cpu_count () >= 1, "at least one core");

  nd_model *m = cortical_cell (50.0);
  nd_lanes *l = nd_lanes_new (m, 4);
  ND_CHECK (nd_lanes_count (l) == 4, "four lanes");
  m->params[0] = 0.25;
  check_run (l, m, 37, 4, "37 items on 4 lanes");
  m->params[0] = 0.5;
  check_run (l, m, 2, 2, "then 2 items (lanes 2 and 3 idle)");
  check_run (l, m, 1, 1, "1 item (the calling thread)");
  check_run (l, m, 0, 1, "no item");
  m->params[0] = 0.75;
  check_run (l, m, 9, 4, "9 items again");
  nd_lanes_free (l);
  nd_model_free (m);

  /* A real cell: three training and two validation steps of the cortical template. */
  static double iin[N_SWEEPS][N], obs[N_SWEEPS][N];
  const double amp[N_SWEEPS] = { -50.0, 120.0, 220.0, 60.0, 170.0 };
  nd_fit_sweep sw[N_SWEEPS];
  nd_model *truth = cortical_cell (50.0);
  cortical_steps (truth, amp, N_SWEEPS, N, DT, 250.0, &iin[0][0], &obs[0][0], sw);
  nd_fit_options o;
  nd_fit_options_default (&o);
  o.seed = 3;
  o.iterations = 12;
  o.validate_every = 4;
  o.search_evals = 48;
  check_fit (fresh_cortical, sw, 3, 2, o, "real cell (search, spike-aware stages)");

  /* HH's K gate learned (the paper's experiment, shortened): forced and free stages, two training steps. */
  nd_model *hh = k_truth (NULL);
  static double hin[3][K_N], hobs[3][K_N];
  nd_fit_sweep hs[3];
  const double hamp[3] = { 60.0, 150.0, 100.0 };
  for (int k = 0; k < 3; k++)
    {
      k_step (hamp[k], hin[k]);
      k_trace (hh, hin[k], hobs[k]);
      hs[k] = (nd_fit_sweep) { .drive = { .n = K_N, .dt_sample = K_DT, .n_sub = K_SUB, .i_inj = hin[k] },
                               .v_obs = hobs[k] };
    }
  nd_fit_options_default (&o);
  o.seed = 2;
  o.iterations = 30;
  o.restarts = 2;
  check_fit (fresh_hh_k, hs, 2, 1, o, "HH's K gate learned");
  nd_model_free (hh);
  nd_model_free (truth);
  return nd_check_done ("test-lanes");
}
