/* fit-eta.h: how long a fit has left, from what its parts have cost so far.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A real cell's fit has two kinds of work whose costs differ two- to
 * eighteen-fold: the search's simulations (run side by side on the lanes) and
 * the gradient steps (a gradient, its line search and now and then a check on
 * the validation sweeps). Its gradient steps also end early when their budget of gradients
 * is spent (fit.h). Counting both as "iterations" gave a time left that grew
 * while the fit ran and read 22 s at its end (190619B, 5 December 2026). The
 * estimate here prices each kind at its own measured cost and counts the
 * steps the budget allows.
 */
#pragma once

typedef struct {
  /* Measured so far, pauses left out. */
  double search_s;         /* seconds in searches */
  long search_evals;       /* their simulations */
  double step_s;           /* seconds in gradient steps, their checks included */
  long steps;              /* gradient steps taken */
  double first_step_s;     /* the first of them (it sets up what the others reuse) */
  long grads;              /* gradients evaluated by them */
  /* Planned. */
  long search_evals_left;  /* in the search running now and the searches of the rounds to come */
  int steps_left_now;      /* steps left to the round running now (all of them during its search) */
  long grads_left_now;     /* its gradient budget left; -1: no budget */
  int rounds_left;         /* rounds after this one */
  int steps_per_round;     /* their steps */
  long grads_per_round;    /* their budget; -1: none */
} nd_fit_eta;

/* A gradient step costs this many of the search's simulations, as the
 * prior of the steps not yet timed: measured on the three real recordings'
 * default fits on two cores (5 December 2026), 1.8 to 5.1 on File_axon_5 and
 * 17o05028 (1.8-1.9 gradients a step) and 14 to 18 on 190619B (5.6 gradients
 * a step, which the budget then cuts to a third of the steps planned). */
#define ND_FIT_ETA_STEP_PER_EVAL 5.0

/* The steps of the prior, weighed with those taken. */
#define ND_FIT_ETA_PRIOR_STEPS 5.0

/* Seconds left, or NAN while nothing has been timed yet. */
double nd_fit_eta_seconds (const nd_fit_eta *e);
