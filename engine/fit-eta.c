/* fit-eta.c: how long a fit has left (fit-eta.h).
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "fit-eta.h"

#include <math.h>

/* The steps a round takes: all planned, or as many as its gradient budget
 * pays for at the gradients per step seen so far. */
static double
round_steps (int planned, long budget, double grads_per_step)
{
  if (planned <= 0)
    return 0.0;
  if (budget < 0)
    return planned;
  return fmin ((double) planned, ceil ((double) budget / grads_per_step));
}

double
nd_fit_eta_seconds (const nd_fit_eta *e)
{
  const double t_eval = e->search_evals > 0 ? e->search_s / (double) e->search_evals : NAN;
  /* A step's cost and its gradients: what the steps so far took, with
   * ND_FIT_ETA_PRIOR_STEPS steps at the prior (a step of STEP_PER_EVAL
   * simulations, the budget's gradients per step) while the search has been
   * timed; the first steps alone mislead (190619B: a step's line search took
   * 1 to 12 gradients). */
  const double budget_gps = e->grads_per_round > 0 && e->steps_per_round > 0
                            ? fmax (1.0, (double) e->grads_per_round / e->steps_per_round) : 1.0;
  const double k0 = isfinite (t_eval) ? ND_FIT_ETA_PRIOR_STEPS : 0.0;
  const double n = k0 + (double) e->steps;
  const double prior_s = k0 > 0.0 ? k0 * t_eval * ND_FIT_ETA_STEP_PER_EVAL : 0.0;
  /* Without a prior the first step is left out: it sets up the settling and the optimiser (the demo: an
   * estimate of 39 s after it, for a 13 s fit). */
  const double t_step = k0 > 0.0 ? (prior_s + e->step_s) / n
                      : e->steps >= 2 ? (e->step_s - e->first_step_s) / (double) (e->steps - 1) : NAN;
  const double gps = n > 0.0 && e->grads > 0 ? fmax (1.0, (k0 * budget_gps + (double) e->grads) / n) : budget_gps;
  double steps = round_steps (e->steps_left_now, e->grads_left_now, gps)
                 + e->rounds_left * round_steps (e->steps_per_round, e->grads_per_round, gps);
  double left = 0.0;
  if (e->search_evals_left > 0)
    left += e->search_evals_left * t_eval;
  if (steps > 0.0)
    left += steps * t_step;
  return isfinite (left) ? fmax (left, 0.0) : NAN;
}
