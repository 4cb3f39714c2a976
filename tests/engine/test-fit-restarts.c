/* test-fit-restarts.c: extra restarts and the polish after a fit that misses the recording, and warm starts.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "fit.h"
#include "k-experiment.h"
#include "nd-check.h"

static double iin[K_N], obs[K_N];

/* Progress over rounds: done counts every iteration once, total is never below it. */
typedef struct {
  int calls, last_done, last_total, bad;
} progress_log;

static void
on_progress (const nd_fit_progress *p, void *user)
{
  progress_log *log = user;
  if (p->done <= log->last_done || p->total < p->done || p->restart >= p->restarts)
    log->bad++;
  log->calls++;
  log->last_done = p->done;
  log->last_total = p->total;
}

static double
free_rmse (nd_model *m)
{
  double v[K_N];
  k_trace (m, iin, v);
  return k_rmse (v, obs, K_N);
}

int
main (void)
{
  nd_model *truth = k_truth (NULL);
  k_step (15.0, iin);
  k_trace (truth, iin, obs);
  nd_fit_sweep sw = { .drive = { .n = K_N, .dt_sample = K_DT, .n_sub = K_SUB, .i_inj = iin }, .v_obs = obs };

  /* Four iterations cannot explain the recording: automatic restarts go on
   * one by one up to the extra allowance; a caller's explicit count is kept. */
  nd_fit_options o;
  nd_fit_options_default (&o);
  o.iterations = 4;
  o.polish_iterations = 0;
  nd_model *m = k_hybrid (NULL, 8, 2);
  nd_fit_result r;
  ND_CHECK (nd_fit (m, &sw, 1, NULL, 0, &o, NULL, NULL, NULL, &r) == 0, "short fit runs");
  const double restarts_rmse = sqrt (r.best_val_loss);
  printf ("4 iterations, automatic restarts: %d iterations, best RMSE %.2f mV\n", r.iterations_done,
          restarts_rmse);
  ND_CHECK (restarts_rmse > ND_FIT_MISS_MV, "a 4-iteration fit misses (%.2f mV)", restarts_rmse);
  ND_CHECK (r.iterations_done == o.iterations * (1 + o.extra_restarts), "iterations %d", r.iterations_done);
  ND_CHECK_CLOSE (free_rmse (m), restarts_rmse, 0, 1e-9, "best of all restarts kept");
  nd_fit_result_clear (&r);

  /* The same fit with the polish: after the restarts (identical, the seed is
   * the same) it refines the best free-running, so it starts at the best's
   * loss and ends at or below it. */
  o.polish_iterations = 30;
  o.progress_interval_s = 0.0;
  progress_log log = { 0 };
  ND_CHECK (nd_fit (m, &sw, 1, NULL, 0, &o, NULL, on_progress, &log, &r) == 0, "fit with polish");
  ND_CHECK (log.calls == r.iterations_done && log.bad == 0, "progress: %d reports, %d out of order",
            log.calls, log.bad);
  ND_CHECK (log.last_done == r.iterations_done && log.last_total == r.iterations_done,
            "last report %d of %d iterations", log.last_done, log.last_total);
  const int before_polish = o.iterations * (1 + o.extra_restarts);
  printf ("with a 30-iteration polish: %d iterations, best RMSE %.3f mV (restart %d), first polish loss %.3g mV^2\n",
          r.iterations_done, sqrt (r.best_val_loss), r.best_restart + 1, r.history_train[before_polish]);
  ND_CHECK (r.iterations_done == before_polish + o.polish_iterations, "iterations %d", r.iterations_done);
  ND_CHECK (r.history_train[before_polish] < restarts_rmse * restarts_rmse,
            "the polish starts from the best restart (first loss %.3g mV^2, best %.3g)",
            r.history_train[before_polish], restarts_rmse * restarts_rmse);
  ND_CHECK (sqrt (r.best_val_loss) < 0.9 * restarts_rmse, "the polish improves the kept fit: %.3f vs %.3f mV",
            sqrt (r.best_val_loss), restarts_rmse);
  ND_CHECK (r.best_restart == 1 + o.extra_restarts, "kept the polished parameters (round %d)", r.best_restart);
  ND_CHECK_CLOSE (free_rmse (m), sqrt (r.best_val_loss), 0, 1e-9, "polished parameters kept");
  nd_fit_result_clear (&r);
  o.polish_iterations = 0;
  o.restarts = 1;
  ND_CHECK (nd_fit (m, &sw, 1, NULL, 0, &o, NULL, NULL, NULL, &r) == 0, "explicit restarts");
  ND_CHECK (r.iterations_done == o.iterations, "explicit restarts: iterations %d", r.iterations_done);
  nd_fit_result_clear (&r);

  /* A full fit explains the recording: no extra restart. */
  nd_fit_options_default (&o);
  ND_CHECK (nd_fit (m, &sw, 1, NULL, 0, &o, NULL, NULL, NULL, &r) == 0, "full fit");
  double fitted = free_rmse (m);
  printf ("full fit: %d iterations, RMSE %.4f mV\n", r.iterations_done, fitted);
  ND_CHECK (fitted < 0.5, "full fit RMSE %.4f mV", fitted);
  ND_CHECK (r.iterations_done <= ND_FIT_ITERATIONS, "no extra restarts: iterations %d", r.iterations_done);
  nd_fit_result_clear (&r);

  /* A fit that explains the recording within the miss allowance but stays above the noise is polished
   * (fit.c, polish_loss): 0.5 mV of noise, a restart too short to reach it. The same short fit of the
   * noiseless trace is not (no noise to judge by). */
  {
    static double noisy[K_N];
    gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
    gsl_rng_set (rng, 12345);
    for (int i = 0; i < K_N; i++)
      noisy[i] = obs[i] + gsl_ran_gaussian (rng, 0.5);
    gsl_rng_free (rng);
    nd_fit_sweep nsw = sw;
    nsw.v_obs = noisy;
    nd_fit_options_default (&o);
    o.iterations = 60;
    o.polish_iterations = 40;
    nd_model *p = k_hybrid (NULL, 8, 2);
    ND_CHECK (nd_fit (p, &nsw, 1, NULL, 0, &o, NULL, NULL, NULL, &r) == 0, "short fit of a noisy trace");
    const double pol = r.history_train[o.iterations];
    printf ("noise %.2f mV, 60 iterations: %d iterations in all, kept %.3f mV^2 (first polish loss %.3f)\n",
            r.noise_sd, r.iterations_done, r.best_val_loss, pol);
    ND_CHECK (r.noise_sd > 0.4 && r.noise_sd < 0.6, "noise estimate %.3f mV", r.noise_sd);
    ND_CHECK (r.iterations_done == o.iterations + o.polish_iterations, "polished: iterations %d", r.iterations_done);
    ND_CHECK (r.best_restart == 1, "the polished parameters kept (round %d)", r.best_restart);
    nd_fit_result_clear (&r);
    nd_model_free (p);
    p = k_hybrid (NULL, 8, 2);
    ND_CHECK (nd_fit (p, &sw, 1, NULL, 0, &o, NULL, NULL, NULL, &r) == 0, "short fit of the noiseless trace");
    printf ("noiseless, 60 iterations: %d iterations, kept %.3f mV^2, noise %.3g mV\n", r.iterations_done,
            r.best_val_loss, r.noise_sd);
    ND_CHECK (r.noise_sd < ND_FIT_POLISH_NOISE_MV, "no noise to judge by: %.3g mV", r.noise_sd);
    ND_CHECK (r.best_val_loss < ND_FIT_MISS_MV * ND_FIT_MISS_MV && r.iterations_done == o.iterations,
              "explained and not polished: %d iterations, %.3f mV^2", r.iterations_done, r.best_val_loss);
    nd_fit_result_clear (&r);
    nd_model_free (p);
  }

  /* Warm start: the fit refines the given weights free-running, so its first
   * step's objective (free-running MSE + smoothness prior) is already near the
   * fitted loss, where a cold start's first step is far off. */
  o.iterations = 10;
  o.restarts = 1;
  o.warm_start = true;
  double *before = malloc (m->n_params * sizeof *before);
  memcpy (before, m->params, m->n_params * sizeof *before);
  ND_CHECK (nd_fit (m, &sw, 1, NULL, 0, &o, NULL, NULL, NULL, &r) == 0, "warm fit");
  printf ("warm start: first loss %.3g mV^2 (start %.3g), kept RMSE %.4f mV\n", r.history_train[0],
          fitted * fitted, free_rmse (m));
  ND_CHECK (r.history_train[0] < 0.01, "first warm loss %g mV^2", r.history_train[0]);
  ND_CHECK (free_rmse (m) <= fitted + 1e-9, "warm start keeps or improves: %.4f vs %.4f", free_rmse (m), fitted);
  double moved = 0.0;
  for (size_t i = 0; i < m->n_params; i++)
    moved = fmax (moved, fabs (m->params[i] - before[i]));
  ND_CHECK (moved < 0.5, "weights refined, not replaced (largest change %.3g)", moved);
  nd_fit_result_clear (&r);
  memcpy (m->params, before, m->n_params * sizeof *before);
  nd_model_params_changed (m);
  o.warm_start = false;
  ND_CHECK (nd_fit (m, &sw, 1, NULL, 0, &o, NULL, NULL, NULL, &r) == 0, "cold fit");
  printf ("cold start, 10 iterations: first loss %.3g mV^2, RMSE %.3f mV\n", r.history_train[0], free_rmse (m));
  ND_CHECK (r.history_train[0] > 1.0, "first cold loss %g mV^2", r.history_train[0]);
  ND_CHECK (free_rmse (m) > 10.0 * fitted, "cold start of 10 iterations %.3f mV", free_rmse (m));
  nd_fit_result_clear (&r);

  /* Choosing by the worst validation sweep: the kept loss is the larger of
   * the two sweeps' free-running MSEs, where the default is their mean. */
  static double iv[2][K_N], ov[2][K_N];
  nd_fit_sweep vs[2];
  for (int k = 0; k < 2; k++)
    {
      k_step (k ? 21.0 : 9.0, iv[k]);
      k_trace (truth, iv[k], ov[k]);
      vs[k] = (nd_fit_sweep) { .drive = { .n = K_N, .dt_sample = K_DT, .n_sub = K_SUB, .i_inj = iv[k] },
                               .v_obs = ov[k] };
    }
  for (int worst = 0; worst < 2; worst++)
    {
      nd_fit_options_default (&o);
      o.iterations = 30;
      o.restarts = 2;
      o.polish_iterations = 0;
      o.val_worst = worst;
      ND_CHECK (nd_fit (m, &sw, 1, vs, 2, &o, NULL, NULL, NULL, &r) == 0, "fit with two validation sweeps");
      double l[2];
      for (int k = 0; k < 2; k++)
        {
          double v[K_N];
          k_trace (m, iv[k], v);
          l[k] = k_rmse (v, ov[k], K_N) * k_rmse (v, ov[k], K_N);
        }
      double want = worst ? fmax (l[0], l[1]) : 0.5 * (l[0] + l[1]);
      printf ("validation by %s: kept %.4g mV^2, sweeps %.4g and %.4g\n", worst ? "the worst sweep" : "the mean",
              r.best_val_loss, l[0], l[1]);
      ND_CHECK (fabs (l[0] - l[1]) > 1e-3 * want, "the two sweeps differ");
      ND_CHECK (fabs (r.best_val_loss - want) <= 1e-9 * want, "kept validation loss %.10g, want %.10g (worst %d)",
                r.best_val_loss, want, worst);
      nd_fit_result_clear (&r);
    }

  /* A learned current of two gates (a^3 b) starts a fit from scratch with the first gate activating and
   * the second inactivating (fit.c: the product is nearly unchanged when the networks swap roles, so the
   * prior names them alike in every fit); a gate's own prior is kept, a single gate gets none. */
  {
    nd_model *a = nd_model_new (1.0, K_AREA, -70.0, 6.3);
    nd_model_add_known (a, nd_channel_lookup ("hh_na"), 120.0, 50.0);
    nd_model_add_known (a, nd_channel_lookup ("hh_k"), 36.0, -75.0);
    nd_model_add_known (a, nd_channel_lookup ("leak"), 0.3, -70.0);
    nd_learned_gate net;
    nd_learned_gate_make (&net, 8, 2, ND_ACT_TANH, true);
    const char *names[] = { "a", "b" };
    const int powers[] = { 3, 1 };
    const int c = nd_model_add_learned (a, "A", 20.0, -75.0, 2, names, powers, &net);
    nd_model *own = nd_model_copy (a);
    double *own_b = nd_model_gate_prior (own, c, 1);
    own_b[ND_PRIOR_SLOPE] = 0.2, own_b[ND_PRIOR_V_HALF] = -20.0, own_b[ND_PRIOR_LOG_TAU] = 1.0986122886681098;   /* log 3 ms */
    nd_model_params_changed (own);
    nd_fit_options_default (&o);
    o.iterations = 2;
    o.restarts = 1;
    o.polish_iterations = 0;
    ND_CHECK (nd_fit (a, &sw, 1, NULL, 0, &o, NULL, NULL, NULL, &r) == 0, "a^3 b fit");
    nd_fit_result_clear (&r);
    const double *pa = nd_model_gate_prior (a, c, 0), *pb = nd_model_gate_prior (a, c, 1);
    printf ("a^3 b from scratch: prior slopes %+.2f and %+.2f /mV, half-activation %.0f and %.0f mV\n",
            pa[ND_PRIOR_SLOPE], pb[ND_PRIOR_SLOPE], pa[ND_PRIOR_V_HALF], pb[ND_PRIOR_V_HALF]);
    ND_CHECK (pa[ND_PRIOR_SLOPE] > 0.0 && pb[ND_PRIOR_SLOPE] < 0.0, "first gate activating, second inactivating");
    nd_gate_rates ra, rb;
    nd_model_gate_rates (a, c, 0, -80.0, &ra);
    nd_model_gate_rates (a, c, 1, -80.0, &rb);
    ND_CHECK (isfinite (ra.x_inf) && isfinite (rb.x_inf), "the gates' curves are finite");
    ND_CHECK (nd_fit (own, &sw, 1, NULL, 0, &o, NULL, NULL, NULL, &r) == 0, "a^3 b fit, b with its own prior");
    nd_fit_result_clear (&r);
    const double *qa = nd_model_gate_prior (own, c, 0), *qb = nd_model_gate_prior (own, c, 1);
    ND_CHECK (qa[ND_PRIOR_SLOPE] > 0.0, "the first gate still gets the activating prior");
    ND_CHECK (qb[ND_PRIOR_SLOPE] == 0.2 && qb[ND_PRIOR_V_HALF] == -20.0, "a gate's own prior is kept");
    const double *pk = nd_model_gate_prior (m, nd_model_learned_channel (m), 0);
    ND_CHECK (pk[ND_PRIOR_SLOPE] == 0.0 && pk[ND_PRIOR_V_HALF] == 0.0 && pk[ND_PRIOR_LOG_TAU] == 0.0,
              "a single learned gate gets no prior");
    nd_model_free (own);
    nd_model_free (a);
  }

  free (before);
  nd_model_free (m);
  nd_model_free (truth);
  return nd_check_done ("fit-restarts");
}
