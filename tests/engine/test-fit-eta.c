/* test-fit-eta.c: a fit's time left prices the search and the gradient steps each at its own cost.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The estimate (fit-eta.h) against sums worked by hand: the search's
 * simulations at their measured cost, gradient steps at theirs (or at
 * ND_FIT_ETA_STEP_PER_EVAL simulations, weighed with those timed), a real cell's
 * rounds cut short by their gradient budget. Then a real cell's fit reports
 * it: from its first timed generation on, finite and not negative, and 0
 * when the last step is done; a pause of 1.5 s between two steps does not
 * raise it (the time held is left out).
 */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>

#include "cortical-cell.h"
#include "fit-eta.h"
#include "fit.h"
#include "nd-check.h"

#define DT 0.05
#define N 6000   /* 300 ms */
#define N_SWEEPS 5

static void
check_near (double got, double want, const char *what)
{
  ND_CHECK (fabs (got - want) <= 1e-9 * fmax (1.0, fabs (want)), "%s: %.6f s, expected %.6f s", what, got, want);
}

typedef struct {
  int calls, timed, negative;
  double first_timed_done, last;
  int last_done, last_total;
} seen;

static void
on_progress (const nd_fit_progress *p, void *user)
{
  seen *s = user;
  s->calls++;
  if (isfinite (p->seconds_left))
    {
      s->timed++;
      s->negative += p->seconds_left < 0.0;
    }
  else if (s->timed > 0)
    s->negative++;  /* an estimate, once made, is not withdrawn */
  s->last = p->seconds_left;
  s->last_done = p->done;
  s->last_total = p->total;
}

/* Pauses the fit after its third step of the first start and resumes it 1.5 s later from another thread. */
typedef struct {
  nd_fit_control ctl;
  pthread_t resumer;
  int steps;
  double before, after;
} pauser;

static void *
resume_later (void *user)
{
  pauser *z = user;
  nanosleep (&(struct timespec) { 1, 500000000L }, NULL);
  atomic_store (&z->ctl.pause, 0);
  return NULL;
}

static void
on_pause_progress (const nd_fit_progress *p, void *user)
{
  pauser *z = user;
  if (p->searching || p->restart != 0 || p->iteration < 1)
    return;
  if (++z->steps == 3)
    {
      z->before = p->seconds_left;
      atomic_store (&z->ctl.pause, 1);
      pthread_create (&z->resumer, NULL, resume_later, z);
    }
  else if (z->steps == 4)
    z->after = p->seconds_left;
}

int
main (void)
{
  /* Nothing timed: no estimate. */
  nd_fit_eta e = { .search_evals_left = 600, .steps_left_now = 150, .grads_left_now = 300, .rounds_left = 1,
                   .steps_per_round = 150, .grads_per_round = 300 };
  ND_CHECK (isnan (nd_fit_eta_seconds (&e)), "no estimate before anything is timed");

  /* 100 simulations in 4 s (0.04 s each), no step yet: a step is priced at the prior's simulations, and a
   * round's budget of 2 gradients per step pays for all of its 150 steps. */
  e.search_s = 4.0;
  e.search_evals = 100;
  e.search_evals_left = 500 + 600;
  check_near (nd_fit_eta_seconds (&e), 1100 * 0.04 + 300 * 0.04 * ND_FIT_ETA_STEP_PER_EVAL,
              "during the first search");

  /* 50 steps in 45 s with 150 gradients, weighed with 5 steps at the prior (0.04 s times the prior's
   * simulations, and 2 gradients each): 160 / 55 gradients a step; this round's 170 gradients left pay for 59 steps
   * (58.4), the next round's 300 for 104 (103.1); its search of 600 simulations at 0.04 s. */
  e.search_s = 24.0;
  e.search_evals = 600;
  e.search_evals_left = 600;
  e.step_s = 45.0;
  e.steps = 50;
  e.grads = 150;
  e.steps_left_now = 100;
  e.grads_left_now = 170;
  const double t_step = (5 * 0.04 * ND_FIT_ETA_STEP_PER_EVAL + 45.0) / 55.0;
  check_near (nd_fit_eta_seconds (&e), 600 * 0.04 + (59 + 104) * t_step, "gradient steps within a budget");

  /* Without a budget (a synthetic cell's fit, no search) every planned step is counted at the measured cost,
   * the first step (here 3.35 s, the others 0.85 s) left out. */
  e.grads_left_now = e.grads_per_round = -1;
  e.search_evals_left = 0;
  e.search_evals = 0;
  e.first_step_s = 3.35;
  check_near (nd_fit_eta_seconds (&e), (100 + 150) * 0.85, "steps without a budget");
  e.steps = 1;
  e.step_s = 3.35;
  ND_CHECK (isnan (nd_fit_eta_seconds (&e)), "no estimate from the first step alone");
  e.steps = 50;
  e.step_s = 45.0;

  /* The last step done, no round after it. */
  e.steps_left_now = 0;
  e.rounds_left = 0;
  check_near (nd_fit_eta_seconds (&e), 0.0, "the end");

  /* A real cell's fit: a search, then spike-aware gradient steps, two rounds. */
  static double iin[N_SWEEPS][N], obs[N_SWEEPS][N];
  const double amp[N_SWEEPS] = { -50.0, 120.0, 220.0, 60.0, 170.0 };
  nd_fit_sweep sw[N_SWEEPS];
  nd_model *truth = cortical_cell (50.0);
  cortical_steps (truth, amp, N_SWEEPS, N, DT, 250.0, &iin[0][0], &obs[0][0], sw);
  nd_model *m = cortical_cell (20.0);
  nd_fit_options o;
  cortical_short_fit (&o);
  o.threads = 1;
  seen s = { 0 };
  nd_fit_result r;
  ND_CHECK (nd_fit (m, sw, 3, sw + 3, 2, &o, NULL, on_progress, &s, &r) == 0, "the real cell fits");
  printf ("%d progress reports, %d with a time left; the last %.3f s\n", s.calls, s.timed, s.last);
  ND_CHECK (s.timed >= s.calls - 1 && s.timed > 4, "a time left in every report after the first generation");
  ND_CHECK (s.negative == 0, "never negative nor withdrawn");
  ND_CHECK (s.last == 0.0, "0 s left at the last report");
  nd_fit_result_clear (&r);
  nd_model_free (m);

  /* Paused for 1.5 s after the third step: the step after it is priced without the pause. */
  m = cortical_cell (20.0);
  pauser z = { .before = NAN, .after = NAN };
  ND_CHECK (nd_fit (m, sw, 3, sw + 3, 2, &o, &z.ctl, on_pause_progress, &z, &r) == 0, "the paused cell fits");
  pthread_join (z.resumer, NULL);
  printf ("time left before the pause %.3f s, after it %.3f s\n", z.before, z.after);
  ND_CHECK (isfinite (z.before) && isfinite (z.after) && z.after <= 1.5 * z.before + 0.2,
            "a pause does not raise the time left (%.3f s before, %.3f s after)", z.before, z.after);
  nd_fit_result_clear (&r);
  nd_model_free (m);
  nd_model_free (truth);
  return nd_check_done ("test-fit-eta");
}
