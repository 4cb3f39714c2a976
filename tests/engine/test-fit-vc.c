/* test-fit-vc.c: HH's delayed rectifier learned from voltage clamp (issue 17).
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The recording: classic HH K (36 mS/cm2, E -75 mV, 6.3 °C) beside a leak
 * (0.3 mS/cm2, E -60 mV) in the K experiment's compartment (62.8 um2), Na
 * blocked, clamped at -70 mV and stepped to -110..+50 mV for 30 ms, then
 * back to -70 mV (the tails) for 15 ms; 20 kHz; each jump of the command adds a
 * capacitive transient (1 uF/cm2 through a 0.1 ms time constant, up to
 * 1200 uA/cm2) and every sample white noise (sigma_pA). The hybrid model:
 * the leak with its conductance and reversal potential fitted (starting at
 * 0.1 mS/cm2, -70 mV; solved at every step, clamp.h) and a learned n gate
 * (power 4, gbar and E known). It trains on the steps to -110, -90, -60,
 * -40, -20, 0, +20 and +50 mV (the hyperpolarised ones show the leak alone,
 * as in an I-V protocol) with the automatic window (the transients left
 * out, clamp.h) and is measured on what it never saw: n_inf and tau_n against HH's on -70..+50 mV, and the
 * peak current of the steps to -50, -30, -10, +10, +30, +40 mV and of a
 * two-step protocol (from -90 mV to 0 mV for 4 ms, then -40 mV: a tail)
 * against the noise-free truth.
 *
 * `test-fit-vc --seeds N --sigma PA [--no-transients] [--curves]` runs more
 * seeds for docs/engine.md; without arguments one seed, 5 pA (0.2 % of the
 * largest current, a good whole-cell recording), with transients.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "clamp.h"
#include "fit-worker.h"
#include "fit.h"
#include "k-experiment.h"
#include "nd-check.h"
#include "sweep-score.h"

#define DT 0.05        /* 20 kHz */
#define SUB 1          /* dt 0.05 ms */
#define HOLD_MS 5.0
#define STEP_MS 30.0
#define TAIL_MS 15.0
#define N_SAMPLES ((size_t) ((HOLD_MS + STEP_MS + TAIL_MS) / DT))
#define TAU_CAP_MS 0.1

static double
now_s (void)
{
  struct timespec t;
  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &t);   /* processor time: the machine is shared */
  return t.tv_sec + 1e-9 * t.tv_nsec;
}

static nd_model *
truth_model (void)
{
  nd_model *m = nd_model_new (1.0, K_AREA, -70.0, 6.3);
  nd_model_add_known (m, nd_channel_lookup ("hh_k"), 36.0, -75.0);
  nd_model_add_known (m, nd_channel_lookup ("leak"), 0.3, -60.0);
  return m;
}

static nd_model *
hybrid_model (void)
{
  nd_model *m = nd_model_new (1.0, K_AREA, -70.0, 6.3);
  int leak = nd_model_add_known (m, nd_channel_lookup ("leak"), 0.1, -70.0);
  m->blocks[m->channels[leak].block_gbar].trainable = true;
  m->blocks[m->channels[leak].block_e].trainable = true;
  nd_learned_gate net;
  nd_learned_gate_make (&net, 32, 2, ND_ACT_TANH, true);
  const char *names[] = { "n" };
  const int powers[] = { 4 };
  nd_model_add_learned (m, "K", 36.0, -75.0, 1, names, powers, &net);
  return m;
}

/* A protocol: hold, a step to level for step_ms, then tail to the end. */
typedef struct {
  double hold, level, step_ms, tail;
} protocol;

static void
command (const protocol *p, double *v)
{
  for (size_t j = 0; j < N_SAMPLES; j++)
    {
      double t = j * DT;
      v[j] = t < HOLD_MS - 1e-9 ? p->hold : t < HOLD_MS + p->step_ms - 1e-9 ? p->level : p->tail;
    }
}

/* The ideal clamp's current of the truth (uA/cm2), finely integrated. */
static void
clean_current (nd_model *truth, const double *v, double *i)
{
  nd_drive d = { .n = N_SAMPLES, .dt_sample = DT, .n_sub = 8, .v_clamp = v };
  nd_simulate (truth, &d, i, NULL);
}

/* What the amplifier records: the ionic current, a capacitive transient
 * after every jump and noise (sigma in pA). */
static void
record (const double *v, const double *clean, double sigma_pA, int transients, gsl_rng *rng, double *i)
{
  const double sigma = nd_pA_to_density (sigma_pA, K_AREA);
  for (size_t j = 0; j < N_SAMPLES; j++)
    i[j] = clean[j] + (sigma > 0.0 ? gsl_ran_gaussian (rng, sigma) : 0.0);
  for (size_t j = 1; transients && j < N_SAMPLES; j++)
    if (v[j] != v[j - 1])
      for (size_t t = j; t < N_SAMPLES; t++)
        i[t] += 1.0 * (v[j] - v[j - 1]) / TAU_CAP_MS * exp (-(double) (t - j) * DT / TAU_CAP_MS);
}

typedef struct {
  double n_inf_err, tau_err;     /* worst over -70..+50 mV */
  double peak_err, point_err;    /* worst over the unseen sweeps, relative to the peak */
  int worst;                     /* the unseen protocol of peak_err */
  double peak_err_5sd;           /* worst over the unseen sweeps whose peak exceeds 5 noise s.d. */
  double skip_ms, seconds, train_rmse_pA;
} outcome;

/* Training: an I-V family from -70 mV, every 10 mV from -60 to +50 mV, and
 * -80, -90, -110 mV (where HH's K is closed: the leak alone). */
#define N_TRAIN 15
/* Unseen: steps between the trained ones, from another holding potential,
 * and tails at other potentials. */
static const protocol unseen[] = {
  { -70, -55, STEP_MS, -70 }, { -70, -45, STEP_MS, -70 }, { -70, -25, STEP_MS, -70 }, { -70, -5, STEP_MS, -70 },
  { -70, 15, STEP_MS, -70 },  { -70, 35, STEP_MS, -70 },  { -70, 45, STEP_MS, -70 },
  { -90, -40, STEP_MS, -90 }, { -90, 0, STEP_MS, -90 },   { -90, 30, STEP_MS, -90 },
  { -70, 30, 5.0, -40 },      { -70, 30, 5.0, -55 },      { -70, 30, 5.0, -20 },
};
#define N_UNSEEN ((int) (sizeof unseen / sizeof unseen[0]))

static protocol
training (int k)
{
  static const double low[] = { -110, -90, -80 };
  return (protocol) { -70, k < 3 ? low[k] : -60 + 10 * (k - 3), STEP_MS, -70 };
}

static outcome
run (uint64_t seed, double sigma_pA, int transients, int verbose)
{
  outcome o = { 0 };
  nd_model *truth = truth_model (), *m = hybrid_model ();
  gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
  gsl_rng_set (rng, (unsigned long) seed);
  double *v[N_TRAIN], *clean[N_TRAIN], *rec[N_TRAIN], *w[N_TRAIN];
  nd_fit_sweep sw[N_TRAIN];
  size_t lens[N_TRAIN];
  for (int k = 0; k < N_TRAIN; k++)
    {
      v[k] = malloc (N_SAMPLES * sizeof (double));
      clean[k] = malloc (N_SAMPLES * sizeof (double));
      rec[k] = malloc (N_SAMPLES * sizeof (double));
      w[k] = malloc (N_SAMPLES * sizeof (double));
      protocol pr = training (k);
      command (&pr, v[k]);
      clean_current (truth, v[k], clean[k]);
      record (v[k], clean[k], sigma_pA, transients, rng, rec[k]);
      lens[k] = N_SAMPLES;
    }
  /* The window: the transients measured on the recording, left out. */
  o.skip_ms = nd_clamp_transient_ms ((const double *const *) v, (const double *const *) rec, lens, N_TRAIN, DT);
  double lo = INFINITY, hi = -INFINITY;
  for (int k = 0; k < N_TRAIN; k++)
    {
      for (size_t j = 0; j < N_SAMPLES; j++)
        w[k][j] = 1.0;
      nd_clamp_window (v[k], N_SAMPLES, DT, o.skip_ms, w[k]);
      for (size_t j = 0; j < N_SAMPLES; j++)
        if (w[k][j] > 0.0)
          lo = fmin (lo, rec[k][j]), hi = fmax (hi, rec[k][j]);
    }
  for (int k = 0; k < N_TRAIN; k++)
    sw[k] = (nd_fit_sweep) { .drive = { .n = N_SAMPLES, .dt_sample = DT, .n_sub = SUB, .v_clamp = v[k] },
                             .weight = w[k], .i_obs = rec[k], .i_unit = 0.01 * (hi - lo) };
  nd_fit_options opt;
  nd_fit_options_default (&opt);
  opt.seed = seed;
  nd_fit_result r;
  double t0 = now_s ();
  ND_CHECK (nd_fit (m, sw, N_TRAIN, NULL, 0, &opt, NULL, NULL, NULL, &r) == 0, "the clamp fit runs");
  o.seconds = now_s () - t0;
  o.train_rmse_pA = nd_density_to_pA (sqrt (r.train_loss) * sw[0].i_unit, K_AREA);

  /* Kinetics against HH on -70..+50 mV. */
  const nd_channel_kind *hk = nd_channel_lookup ("hh_k");
  for (double vv = -70.0; vv <= 50.0 + 1e-9; vv += 2.5)
    {
      nd_gate_rates a, b;
      nd_model_gate_rates (m, 1, 0, vv, &a);
      hk->gates[0].rates (NULL, vv, 6.3, &b);
      o.n_inf_err = fmax (o.n_inf_err, fabs (a.x_inf - b.x_inf));
      o.tau_err = fmax (o.tau_err, fabs (a.tau - b.tau) / b.tau);
      if (verbose > 1)
        printf ("  V %+6.1f  n_inf %.4f (HH %.4f)  tau_n %.3f ms (HH %.3f)\n", vv, a.x_inf, b.x_inf, a.tau, b.tau);
    }
  /* Unseen sweeps: the model's ideal clamp against the truth's. */
  double *vu = malloc (N_SAMPLES * sizeof *vu), *iu = malloc (N_SAMPLES * sizeof *iu), *im = malloc (N_SAMPLES * sizeof *im);
  for (int k = 0; k < N_UNSEEN; k++)
    {
      command (&unseen[k], vu);
      clean_current (truth, vu, iu);
      nd_drive d = { .n = N_SAMPLES, .dt_sample = DT, .n_sub = SUB, .v_clamp = vu };
      nd_simulate (m, &d, im, NULL);
      double pt = nd_clamp_peak (iu, NULL, N_SAMPLES, DT), pm = nd_clamp_peak (im, NULL, N_SAMPLES, DT), e = 0.0;
      for (size_t j = 0; j < N_SAMPLES; j++)
        e = fmax (e, fabs (im[j] - iu[j]));
      if (fabs (pm - pt) / fabs (pt) >= o.peak_err)
        o.worst = k;
      o.peak_err = fmax (o.peak_err, fabs (pm - pt) / fabs (pt));
      if (fabs (pt) > 5.0 * nd_pA_to_density (sigma_pA, K_AREA))
        o.peak_err_5sd = fmax (o.peak_err_5sd, fabs (pm - pt) / fabs (pt));
      o.point_err = fmax (o.point_err, e / fabs (pt));
      if (verbose > 1)
        printf ("  unseen: hold %+.0f, %+.0f mV for %.0f ms, then %+.0f: peak %.1f pA (truth %.1f), largest "
                "difference %.1f pA\n", unseen[k].hold, unseen[k].level, unseen[k].step_ms, unseen[k].tail,
                nd_density_to_pA (pm, K_AREA), nd_density_to_pA (pt, K_AREA), nd_density_to_pA (e, K_AREA));
    }
  if (verbose)
    printf ("seed %2llu, sigma %.0f pA%s: window skips %.2f ms after each jump; training RMSE %.1f pA; "
            "|n_inf - HH| <= %.4f, tau_n within %.1f %%; unseen peaks within %.2f %% (worst: %+.0f/%+.0f/%+.0f mV; %.2f %% where the peak exceeds 5 noise s.d.; pointwise %.2f %% of the peak); "
            "leak %.3f mS/cm2, %.1f mV; %.1f s of processor time\n",
            (unsigned long long) seed, sigma_pA, transients ? "" : ", no transients", o.skip_ms, o.train_rmse_pA,
            o.n_inf_err, 100 * o.tau_err, 100 * o.peak_err, unseen[o.worst].hold, unseen[o.worst].level, unseen[o.worst].tail, 100 * o.peak_err_5sd, 100 * o.point_err, m->params[m->blocks[m->channels[0].block_gbar].offset],
            m->params[m->blocks[m->channels[0].block_e].offset], o.seconds);
  free (vu);
  free (iu);
  free (im);
  for (int k = 0; k < N_TRAIN; k++)
    {
      free (v[k]);
      free (clean[k]);
      free (rec[k]);
      free (w[k]);
    }
  nd_fit_result_clear (&r);
  gsl_rng_free (rng);
  nd_model_free (m);
  nd_model_free (truth);
  return o;
}

/* Current and voltage clamp of one cell fitted together, through the
 * worker (which copies the sweeps: the caller's arrays are gone before it
 * ends). Classic HH with Na (known) and the K experiment's 15 pA step in
 * current clamp, beside clamp steps of the same cell to -40, 0 and +40 mV
 * (Na's inward current included, no noise). Returns the worst |n_inf - HH|
 * over -70..+40 mV and reports the held-out current-clamp RMSE. */
static double
fit_together (void)
{
  nd_model *truth = k_truth (NULL), *m = k_hybrid (NULL, 32, 2);
  double *iin = malloc (K_N * sizeof *iin), *vobs = malloc (K_N * sizeof *vobs);
  k_step (15.0, iin);
  k_trace (truth, iin, vobs);
  const double levels[] = { -40.0, 0.0, 40.0 };
  double *v[3], *cur[3];
  nd_fit_sweep sw[4] = { { .drive = { .n = K_N, .dt_sample = K_DT, .n_sub = K_SUB, .i_inj = iin }, .v_obs = vobs } };
  for (int k = 0; k < 3; k++)
    {
      protocol pr = { -70, levels[k], 20.0, -70 };
      v[k] = malloc (N_SAMPLES * sizeof (double));
      cur[k] = malloc (N_SAMPLES * sizeof (double));
      command (&pr, v[k]);
      clean_current (truth, v[k], cur[k]);
      sw[1 + k] = (nd_fit_sweep) { .drive = { .n = N_SAMPLES, .dt_sample = DT, .n_sub = 2, .v_clamp = v[k] },
                                   .i_obs = cur[k], .i_unit = 40.0 };
    }
  nd_fit_options opt;
  nd_fit_options_default (&opt);
  opt.progress_interval_s = 1e9;
  nd_fit_worker *w = nd_fit_worker_start (m, sw, 4, NULL, 0, &opt, NULL, NULL);
  for (int k = 0; k < 3; k++)
    {
      free (v[k]);
      free (cur[k]);
    }
  free (vobs);
  while (!nd_fit_worker_done (w))
    {
      struct timespec ts = { 0, 20000000 };
      nanosleep (&ts, NULL);
    }
  nd_fit_result r;
  nd_model_free (m);
  m = nd_fit_worker_finish (w, &r);
  double worst = 0.0, tv[K_N], mv[K_N], e2 = 0.0;
  const nd_channel_kind *hk = nd_channel_lookup ("hh_k");
  for (double vv = -70.0; vv <= 40.0; vv += 5.0)
    {
      nd_gate_rates a, b;
      nd_model_gate_rates (m, 2, 0, vv, &a);
      hk->gates[0].rates (NULL, vv, 6.3, &b);
      worst = fmax (worst, fabs (a.x_inf - b.x_inf));
    }
  for (double amp = 9.0; amp <= 21.0; amp += 4.0)
    {
      k_step (amp, iin);
      k_trace (truth, iin, tv);
      k_trace (m, iin, mv);
      e2 += k_rmse (mv, tv, K_N) * k_rmse (mv, tv, K_N) / 4.0;
    }
  printf ("current and voltage clamp together: |n_inf - HH| <= %.4f on -70..+40 mV; held-out current clamp "
          "(9-21 pA) RMSE %.2f mV\n", worst, sqrt (e2));
  ND_CHECK (sqrt (e2) < 2.0, "held-out current clamp RMSE %.2f mV", sqrt (e2));
  nd_fit_result_clear (&r);
  free (iin);
  nd_model_free (m);
  nd_model_free (truth);
  return worst;
}

int
main (int argc, char **argv)
{
  int seeds = 1, transients = 1, verbose = 1;
  double sigma = 5.0;
  for (int a = 1; a < argc; a++)
    {
      if (!strcmp (argv[a], "--seeds") && a + 1 < argc)
        seeds = atoi (argv[++a]);
      else if (!strcmp (argv[a], "--sigma") && a + 1 < argc)
        sigma = atof (argv[++a]);
      else if (!strcmp (argv[a], "--no-transients"))
        transients = 0;
      else if (!strcmp (argv[a], "--curves"))
        verbose = 2;
    }
  if (argc == 1)
    {
      double worst = fit_together ();
      ND_CHECK (worst <= 0.03, "n_inf fitted from both clamps off by %.4f", worst);
    }
  for (int s = 1; s <= seeds; s++)
    {
      outcome o = run ((uint64_t) s, sigma, transients, verbose);
      if (argc > 1)
        continue;
      /* The figures. */
      ND_CHECK (o.n_inf_err <= 0.03, "n_inf off by %.4f", o.n_inf_err);
      ND_CHECK (o.tau_err <= 0.10, "tau_n off by %.1f %%", 100 * o.tau_err);
      ND_CHECK (o.peak_err <= 0.03, "unseen peak currents off by %.2f %%", 100 * o.peak_err);
      /* The window found the transients (0.1 ms: gone to 1 % in 0.46 ms),
       * and skips no more than a few of their time constants. */
      ND_CHECK (o.skip_ms >= 0.3 && o.skip_ms <= 1.5, "window skips %.2f ms", o.skip_ms);
    }
  return nd_check_done ("fit-vc");
}
