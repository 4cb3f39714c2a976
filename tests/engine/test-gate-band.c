/* test-gate-band.c: the bands of an ensemble's learned gates (gate-band.h) and which members it keeps
 * (ensemble.h), on inputs whose answer is known exactly; then a small ensemble of the K experiment.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "ensemble.h"
#include "gate-band.h"
#include "k-experiment.h"
#include "nd-check.h"

/* Three members with known curves: the band is their 90 % prediction interval, mean +- k s with
 * k = t(0.95, 2) sqrt (4/3), exactly (x linear, tau on a log scale), s the largest within
 * ND_BAND_SPREAD_WINDOW_MV, widened by 0.01 and a factor 1.1, and "constrained" follows the width and
 * factor limits. */
static void
test_compute (void)
{
  const double k3 = 2.919985580 * sqrt (4.0 / 3.0);   /* t(0.95, 2) from a table */
  ND_CHECK_CLOSE (nd_gate_band_factor (3), k3, 1e-8, 0.0, "factor of 3 members");
  ND_CHECK (nd_gate_band_factor (1) == 0.0, "one member: no interval");
  static double x[3 * ND_BAND_N], t[3 * ND_BAND_N];
  for (int i = 0; i < ND_BAND_N; i++)
    {
      double base = 0.2 + 0.3 * i / (double) (ND_BAND_N - 1);
      /* x spreads by 0.02 below index 80 and by 0.2 above; tau by a factor 1.03, or 2 from index 120 */
      double dx = i < 80 ? 0.02 : 0.2, ft = i < 120 ? 1.03 : 2.0;
      double xs[3] = { base, base + dx, base + dx / 2 };
      double ts[3] = { 1.0 + i, (1.0 + i) * ft, (1.0 + i) * sqrt (ft) };
      for (int k = 0; k < 3; k++)
        {
          x[k * ND_BAND_N + i] = xs[(k + i) % 3];
          t[k * ND_BAND_N + i] = ts[(k + 2 * i) % 3];
        }
    }
  nd_gate_band b;
  nd_gate_band_compute (x, t, 3, &b);
  ND_CHECK (b.n_members == 3, "members %d", b.n_members);
  int wrong = 0;
  for (int i = 0; i < ND_BAND_N; i++)
    {
      double base = 0.2 + 0.3 * i / (double) (ND_BAND_N - 1), dx = i < 80 ? 0.02 : 0.2, ft = i < 120 ? 1.03 : 2.0;
      /* the spread of the wider side reaches ND_BAND_SPREAD_WINDOW_MV below its first voltage */
      const int w = ND_BAND_SPREAD_WINDOW_MV;
      double sdx = i + w < 80 ? 0.02 : 0.2, sft = i + w < 120 ? 1.03 : 2.0;
      /* mean base + dx/2, s sdx/2; log tau: mean log(1+i) + log(ft)/2, s log(sft)/2 */
      double xlo = fmax (0.0, base + dx / 2 - k3 * sdx / 2 - 0.01), xhi = base + dx / 2 + k3 * sdx / 2 + 0.01;
      double tlo = (1.0 + i) * sqrt (ft) * pow (sft, -k3 / 2) / 1.1;
      double thi = (1.0 + i) * sqrt (ft) * pow (sft, k3 / 2) * 1.1;
      bool cons = xhi - xlo <= ND_BAND_X_WIDTH && thi <= ND_BAND_TAU_FACTOR * tlo;
      wrong += fabs (b.x_lo[i] - xlo) > 1e-9 || fabs (b.x_hi[i] - xhi) > 1e-9 || fabs (b.tau_lo[i] / tlo - 1) > 1e-9
               || fabs (b.tau_hi[i] / thi - 1) > 1e-9 || b.constrained[i] != cons || b.constrained[i] != (i + w < 80);
    }
  ND_CHECK (wrong == 0, "%d voltages with a wrong band (at 10: %.12g %.12g %.12g %.12g %d)", wrong, b.x_lo[10], b.x_hi[10], b.tau_lo[10], b.tau_hi[10], b.constrained[10]);

  /* "Constrained" at the limits themselves, not a hair beyond. */
  nd_gate_band e = { .n_members = 2 };
  for (int i = 0; i < ND_BAND_N; i++)
    {
      e.x_lo[i] = 0.25, e.tau_lo[i] = 2.0;
      e.x_hi[i] = i == 0 ? 0.25 + ND_BAND_X_WIDTH : i == 1 ? 0.25 + ND_BAND_X_WIDTH + 1e-9 : 0.3;
      e.tau_hi[i] = i == 2 ? 2.0 * ND_BAND_TAU_FACTOR : i == 3 ? 2.0 * ND_BAND_TAU_FACTOR * (1 + 1e-9) : 2.5;
    }
  nd_gate_band_mark (&e);
  ND_CHECK (e.constrained[0] && !e.constrained[1] && e.constrained[2] && !e.constrained[3] && e.constrained[4],
            "edges: %d %d %d %d %d", e.constrained[0], e.constrained[1], e.constrained[2], e.constrained[3],
            e.constrained[4]);
  /* One member says nothing about the spread: nothing is constrained, and its band is the member itself
   * widened by the shared error alone. */
  nd_gate_band_compute (x, t, 1, &b);
  int any = 0;
  for (int i = 0; i < ND_BAND_N; i++)
    any += b.constrained[i] || fabs (b.x_lo[i] - (x[i] - 0.01)) > 1e-12 || fabs (b.x_hi[i] - (x[i] + 0.01)) > 1e-12
           || fabs (b.tau_hi[i] / (t[i] * 1.1) - 1) > 1e-12 || fabs (b.tau_lo[i] * 1.1 / t[i] - 1) > 1e-12;
  ND_CHECK (any == 0, "a band of one member: %d voltages constrained or not the member +- the shared error", any);
  /* Two members whose curves cross at one voltage: the band there is as wide as the members' own interval
   * 10 mV beside it, not their bare point of agreement (the data pin a gate no better where fits happen to
   * cross). */
  static double xx[2 * ND_BAND_N], tx[2 * ND_BAND_N];
  for (int i = 0; i < ND_BAND_N; i++)
    {
      xx[i] = 0.5 + 0.002 * (i - 80), xx[ND_BAND_N + i] = 0.5 - 0.002 * (i - 80);
      tx[i] = exp (0.01 * (i - 80)), tx[ND_BAND_N + i] = exp (-0.01 * (i - 80));
    }
  nd_gate_band_compute (xx, tx, 2, &b);
  /* 10 mV from the crossing the members are 0.04 apart in x_inf and a factor e^0.2 in tau */
  const double k2 = nd_gate_band_factor (2), d10 = 0.002 * 2 * ND_BAND_SPREAD_WINDOW_MV;
  const double l10 = 0.01 * 2 * ND_BAND_SPREAD_WINDOW_MV;
  ND_CHECK (b.x_hi[80] - b.x_lo[80] > 0.1 && fabs (b.x_hi[80] - b.x_lo[80] - 2 * (k2 * d10 / sqrt (2.0) + 0.01)) < 1e-9
            && fabs (log (b.tau_hi[80] / b.tau_lo[80]) - 2 * (k2 * l10 / sqrt (2.0) + log (1.1))) < 1e-9,
            "at the crossing: x %g..%g, tau %g..%g", b.x_lo[80], b.x_hi[80], b.tau_lo[80], b.tau_hi[80]);
  ND_CHECK (!b.constrained[80], "the crossing is not constrained by the data");
  /* The interval is clipped to [0, 1] for x_inf. */
  static double xc[2 * ND_BAND_N], tc[2 * ND_BAND_N];
  for (int i = 0; i < 2 * ND_BAND_N; i++)
    xc[i] = i < ND_BAND_N ? 0.99 : 0.95, tc[i] = 1.0;
  nd_gate_band_compute (xc, tc, 2, &b);
  ND_CHECK (b.x_hi[7] == 1.0 && b.x_lo[7] < 0.94 && fabs (b.tau_lo[7] * 1.1 - 1.0) < 1e-12
            && fabs (b.tau_hi[7] - 1.1) < 1e-12, "clipped: %g %g", b.x_lo[7], b.x_hi[7]);
}

/* The kept rule: L <= L_best + max (tol L_best, max (noise, 0.3 mV)^2). */
static void
test_keep (void)
{
  const double loss[] = { 1.4, 1.0, 1.6, NAN, 1.5 };
  bool kept[5];
  double thr;
  int best = nd_ensemble_keep (loss, 5, 0.0, 0.5, kept, &thr);
  ND_CHECK (best == 1 && thr == 1.5, "best %d, threshold %g", best, thr);
  ND_CHECK (kept[0] && kept[1] && !kept[2] && !kept[3] && kept[4], "kept %d %d %d %d %d", kept[0], kept[1], kept[2],
            kept[3], kept[4]);
  /* A noisy recording (1 mV): anything within 1 mV^2 of the best explains it as well. */
  best = nd_ensemble_keep (loss, 5, 1.0, 0.5, kept, &thr);
  ND_CHECK (thr == 2.0 && kept[2] && !kept[3], "noisy: threshold %g", thr);
  /* A clean recording and a near-perfect best: the 0.3 mV floor keeps members within 0.09 mV^2. */
  const double clean[] = { 1e-4, 0.05, 0.2 };
  best = nd_ensemble_keep (clean, 3, 0.0, -1.0, kept, &thr);
  ND_CHECK (best == 0 && kept[0] && kept[1] && !kept[2], "clean: threshold %g", thr);
  const double none[] = { NAN, INFINITY };
  ND_CHECK (nd_ensemble_keep (none, 2, 0.0, 0.5, kept, &thr) == -1 && !kept[0] && !kept[1], "no finite loss");
}

/* A model's bands: set from members, copied deeply, cleared by a fit. */
static void
test_model_bands (void)
{
  nd_model *a = k_hybrid (NULL, 8, 1), *b = k_hybrid (NULL, 8, 1);
  nd_model_init_networks (a, 1, 0.5);
  nd_model_init_networks (b, 2, 0.5);
  nd_model_params_changed (a);
  nd_model_params_changed (b);
  nd_model *members[] = { a, b };
  int c = a->n_channels - 1;
  ND_CHECK (!nd_model_has_bands (a) && !nd_model_gate_band (a, 0, 0), "no band before");
  nd_model_set_bands (a, members, 2);
  const nd_gate_band *band = nd_model_gate_band (a, c, 0);
  ND_CHECK (band && band->n_members == 2 && nd_model_has_bands (a), "band set");
  int wrong = 0;
  nd_gate_rates ra[ND_BAND_N], rb[ND_BAND_N];
  for (int i = 0; i < ND_BAND_N; i++)
    {
      nd_model_gate_rates (a, c, 0, ND_BAND_V_FIRST_MV + i, &ra[i]);
      nd_model_gate_rates (b, c, 0, ND_BAND_V_FIRST_MV + i, &rb[i]);
    }
  for (int i = 0; band && i < ND_BAND_N; i++)
    {
      /* two members: mean +- (k max |a - b| / sqrt 2 + 0.01), the max within ND_BAND_SPREAD_WINDOW_MV */
      double d = 0.0;
      for (int j = i - ND_BAND_SPREAD_WINDOW_MV; j <= i + ND_BAND_SPREAD_WINDOW_MV; j++)
        if (j >= 0 && j < ND_BAND_N)
          d = fmax (d, fabs (ra[j].x_inf - rb[j].x_inf));
      double k = nd_gate_band_factor (2), h = k * d / sqrt (2.0) + ND_BAND_X_SHARED;
      double xm = (ra[i].x_inf + rb[i].x_inf) / 2;
      wrong += fabs (band->x_lo[i] - fmax (0.0, xm - h)) > 1e-12 || fabs (band->x_hi[i] - fmin (1.0, xm + h)) > 1e-12
               || !(band->tau_lo[i] <= fmin (ra[i].tau, rb[i].tau) && band->tau_hi[i] >= fmax (ra[i].tau, rb[i].tau));
    }
  ND_CHECK (wrong == 0, "%d voltages differ from the members' interval", wrong);
  nd_model *copy = nd_model_copy (a);
  const nd_gate_band *cb = nd_model_gate_band (copy, c, 0);
  ND_CHECK (cb && cb != band && cb->x_hi[50] == band->x_hi[50], "a copy has its own band");
  nd_model_clear_bands (a);
  ND_CHECK (!nd_model_has_bands (a) && nd_model_has_bands (copy), "cleared in one, kept in the copy");
  nd_model_free (copy);
  nd_model_free (a);
  nd_model_free (b);
}

/* A small ensemble of the K experiment: three fits of 40 iterations on two threads; the kept members'
 * band holds the returned model's own curves, and a fit of that model drops its band. */
static void
test_ensemble_fit (void)
{
  nd_model *truth = k_truth (NULL), *hybrid = k_hybrid (NULL, 16, 2);
  static double i_inj[K_N], v[K_N];
  k_step (15.0, i_inj);
  k_trace (truth, i_inj, v);
  nd_fit_sweep sw = { .drive = { .n = K_N, .dt_sample = K_DT, .n_sub = K_SUB, .i_inj = i_inj }, .v_obs = v };
  nd_fit_options o;
  nd_fit_options_default (&o);
  o.iterations = 40;
  o.restarts = 1;
  nd_ensemble_options eo = { .n_members = 3, .jobs = 2, .tol = -1.0, .keep_members = true };
  nd_ensemble_result er;
  nd_model *m = nd_ensemble_fit (hybrid, &sw, 1, NULL, 0, &o, &eo, &er);
  ND_CHECK (m != NULL, "ensemble fitted");
  if (m)
    {
      ND_CHECK (er.best >= 0 && er.n_kept >= 1 && er.kept[er.best], "best %d kept of %d", er.best, er.n_kept);
      for (int k = 0; k < 3; k++)
        ND_CHECK (er.kept[k] == (er.loss[k] <= er.threshold), "member %d: loss %g, threshold %g", k, er.loss[k],
                  er.threshold);
      ND_CHECK (er.best_result.n_history > 0 && er.wall_s > 0.0, "the best member's history");
      int c = m->n_channels - 1, outside = 0;
      const nd_gate_band *band = nd_model_gate_band (m, c, 0);
      ND_CHECK (band && band->n_members == er.n_kept, "band of the kept members");
      for (int i = 0; band && i < ND_BAND_N; i++)
        {
          nd_gate_rates r;
          nd_model_gate_rates (m, c, 0, ND_BAND_V_FIRST_MV + i, &r);
          outside += !(band->x_lo[i] <= r.x_inf && r.x_inf <= band->x_hi[i] && band->tau_lo[i] <= r.tau
                       && r.tau <= band->tau_hi[i]);
        }
      ND_CHECK (outside == 0, "the model's curves leave its band at %d voltages", outside);
      /* The kept members handed back (propose.h): their own models, the best one's parameters the model's. */
      int same = 0;
      for (int k = 0; er.members && k < er.n_kept; k++)
        {
          bool equal = er.members[k] != m && er.members[k]->n_params == m->n_params;
          for (size_t i = 0; equal && i < m->n_params; i++)
            equal = er.members[k]->params[i] == m->params[i];
          same += equal;
        }
      ND_CHECK (er.members && same == 1, "one of the %d kept members is the model's copy (%d)", er.n_kept, same);
      printf ("ensemble of 3: %d kept, losses %.3g %.3g %.3g, %.1f s\n", er.n_kept, er.loss[0], er.loss[1],
              er.loss[2], er.wall_s);
      nd_fit_result r;
      o.iterations = 2;
      nd_fit (m, &sw, 1, NULL, 0, &o, NULL, NULL, NULL, &r);
      ND_CHECK (!nd_model_has_bands (m), "a new fit drops the band");
      nd_fit_result_clear (&r);
      nd_model_free (m);
    }
  nd_ensemble_result_clear (&er);
  nd_model_free (truth);
  nd_model_free (hybrid);
}

typedef struct {
  nd_model *hybrid;
  nd_fit_sweep *sw;
  nd_ensemble_options eo;
  nd_ensemble_result er;
  nd_model *out;
  atomic_int progress;
} Async;

static void
count_progress (const nd_fit_progress *p, void *user)
{
  (void) p;
  atomic_fetch_add (&((Async *) user)->progress, 1);
}

static void *
run_ensemble (void *data)
{
  Async *a = data;
  nd_fit_options o;
  nd_fit_options_default (&o);
  o.iterations = 4000;
  o.restarts = 1;
  o.progress_interval_s = 0.01;
  a->out = nd_ensemble_fit (a->hybrid, a->sw, 1, NULL, 0, &o, &a->eo, &a->er);
  return NULL;
}

static double
seconds_now (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* The window's Stop and close reach an ensemble: a cancel ends it within a second, keeping the members that
 * ran (the others unstarted, not kept); an abort returns no model at once. Member 0 reports progress. */
static void
test_ensemble_cancel (void)
{
  nd_model *truth = k_truth (NULL), *hybrid = k_hybrid (NULL, 16, 2);
  static double i_inj[K_N], v[K_N];
  k_step (15.0, i_inj);
  k_trace (truth, i_inj, v);
  nd_fit_sweep sw = { .drive = { .n = K_N, .dt_sample = K_DT, .n_sub = K_SUB, .i_inj = i_inj }, .v_obs = v };
  for (int mode = 0; mode < 2; mode++)
    {
      nd_fit_control ctl;
      atomic_int abort_flag;
      atomic_init (&ctl.cancel, 0);
      atomic_init (&ctl.pause, 0);
      atomic_init (&abort_flag, 0);
      Async a = { .hybrid = hybrid, .sw = &sw };
      atomic_init (&a.progress, 0);
      a.eo = (nd_ensemble_options) { .n_members = 4, .jobs = 2, .tol = -1.0, .ctl = &ctl, .abort = &abort_flag,
                                     .progress = count_progress, .progress_user = &a };
      pthread_t t;
      ND_CHECK (pthread_create (&t, NULL, run_ensemble, &a) == 0, "thread");
      nanosleep (&(struct timespec) { .tv_nsec = 400000000 }, NULL);
      double t0 = seconds_now ();
      if (mode == 0)
        atomic_store (&ctl.cancel, 1);
      else
        atomic_store (&abort_flag, 1);
      pthread_join (t, NULL);
      double took = seconds_now () - t0;
      printf ("ensemble %s: returned %.3f s later, %d progress reports\n", mode ? "aborted" : "cancelled", took,
              atomic_load (&a.progress));
      ND_CHECK (took < 1.0, "%s ensemble returned %.2f s later", mode ? "aborted" : "cancelled", took);
      ND_CHECK (atomic_load (&a.progress) > 0, "member 0 reported progress");
      if (mode == 0)
        {
          /* Two ran (jobs = 2), two never started. */
          ND_CHECK (!isfinite (a.er.loss[2]) && !isfinite (a.er.loss[3]) && !a.er.kept[2] && !a.er.kept[3],
                    "unstarted members are not kept");
          ND_CHECK (!a.out || (a.er.best_result.cancelled && a.er.best < 2), "the kept model says it was stopped");
        }
      else
        ND_CHECK (a.out == NULL, "an aborted ensemble returns no model");
      nd_model_free (a.out);
      nd_ensemble_result_clear (&a.er);
    }
  nd_model_free (truth);
  nd_model_free (hybrid);
}

int
main (void)
{
  test_compute ();
  test_keep ();
  test_model_bands ();
  test_ensemble_fit ();
  test_ensemble_cancel ();
  return nd_check_done ("gate-band");
}
