/* test-propose.c: what to record next (propose.h) — the disagreement score on traces whose answer is
 * known exactly, and the ranking on two members that differ in one gate's time constant only: the
 * chosen recording must drive that gate.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "hh-model.h"
#include "learned-gate.h"
#include "nd-check.h"
#include "propose.h"

static void
test_disagreement (void)
{
  /* Two members d apart everywhere: variance d^2 / 2 per sample. */
  double t[2 * 4] = { 0, 1, 2, 3, 0.5, 1.5, 2.5, 3.5 };
  ND_CHECK_CLOSE (nd_propose_disagreement (t, 2, 4, 0.5), 0.125 / 0.25, 1e-12, 0.0, "two members 0.5 apart");
  /* Three members: 0, 1, 2 at one sample, equal at the other: variance 1 at one of two samples. */
  double u[3 * 2] = { 0, 5, 1, 5, 2, 5 };
  ND_CHECK_CLOSE (nd_propose_disagreement (u, 3, 2, 1.0), 0.5, 1e-12, 0.0, "three members");
  /* Members that agree say nothing; a blown-up member is not a score. */
  double w[2 * 2] = { 1, 2, 1, 2 };
  ND_CHECK (nd_propose_disagreement (w, 2, 2, 0.3) == 0.0, "agreeing members");
  w[3] = NAN;
  ND_CHECK (isnan (nd_propose_disagreement (w, 2, 2, 0.3)), "a NaN trace");
  ND_CHECK (isnan (nd_propose_disagreement (w, 1, 2, 0.3)), "one member");
  /* Summed over its 4001 samples a score must reach 1 noise variance to stand out. */
  nd_proposal q = { .n = 4001, .score = 0.9 / 4001 };
  ND_CHECK (nd_proposal_hidden_by_noise (&q), "a score of 0.9/n is hidden by the noise");
  q.score = 1.1 / 4001;
  ND_CHECK (!nd_proposal_hidden_by_noise (&q), "a score of 1.1/n is not");
}

/* Classic HH plus a learned one-gate channel that is its Boltzmann prior alone (slope, half-activation,
 * time constant tau_ms); gbar mS/cm2, reversal e mV. */
static nd_model *
member (double slope, double v_half, double tau_ms, double gbar, double e)
{
  nd_model *m = nd_test_classic_hh (-65.0);
  nd_learned_gate net;
  nd_learned_gate_make (&net, 4, 1, ND_ACT_TANH, true);
  const char *names[] = { "x" };
  const int powers[] = { 1 };
  int c = nd_model_add_learned (m, "X", gbar, e, 1, names, powers, &net);
  nd_model_init_networks (m, 3, 1.0);
  nd_model_gate_zero_output (m, c, 0);
  double *prior = nd_model_gate_prior (m, c, 0);
  prior[ND_PRIOR_SLOPE] = slope;
  prior[ND_PRIOR_V_HALF] = v_half;
  prior[ND_PRIOR_LOG_TAU] = log (tau_ms);
  nd_model_params_changed (m);
  return m;
}

/* The ms the stimulus spends at or below v (mV). */
static double
ms_below (const nd_proposal *p, double v)
{
  size_t k = 0;
  for (size_t j = 0; j < p->n; j++)
    k += p->stim[j] <= v;
  return (double) k * p->dt_ms;
}

static bool
cancel_after_two (void *user)
{
  return ++*(int *) user > 2;
}

static void
test_ranking (void)
{
  const nd_propose_options vc = { .modes = ND_PROPOSE_VC, .dt_ms = 0.1, .noise_pA = 2.0, .v_hold_mV = NAN };
  /* A gate opened by hyperpolarisation (an Ih: half-activation -95 mV), 20 or 80 ms: only a long time below
   * about -80 mV shows its time constant. */
  nd_model *h[2] = { member (-0.15, -95.0, 20.0, 2.0, -30.0), member (-0.15, -95.0, 80.0, 2.0, -30.0) };
  nd_proposal p[3];
  int n = nd_propose (h, 2, &vc, 3, p);
  ND_CHECK (n == 3, "three proposals, got %d", n);
  ND_CHECK (p[0].score >= p[1].score && p[1].score >= p[2].score && p[2].score > 0.0, "ranked: %g %g %g",
            p[0].score, p[1].score, p[2].score);
  ND_CHECK (ms_below (&p[0], -90.0) >= 150.0, "the Ih-like gate: the best protocol (kind %d, pre %g, level %g) "
            "spends %g ms below -90 mV", p[0].proto.kind, p[0].proto.pre, p[0].proto.level, ms_below (&p[0], -90.0));
  ND_CHECK (p[0].n_members == 2 && p[0].n == (size_t) llround (ND_PROPOSE_MS / 0.1) + 1, "shape");
  /* The members' traces are their own simulations: they differ where the score says. */
  double d = 0.0;
  for (size_t j = 0; j < p[0].n; j++)
    d = fmax (d, fabs (p[0].traces[j] - p[0].traces[p[0].n + j]));
  ND_CHECK (d > 2.0, "the members' currents differ by up to %g pA", d);
  for (int k = 0; k < n; k++)
    nd_proposal_clear (&p[k]);

  /* A gate opened by depolarisation (half-activation 0 mV, K-like reversal), 2 or 8 ms: the best protocol
   * steps above 0 mV, and a hyperpolarising one comes last. */
  nd_model *k[2] = { member (0.1, 0.0, 2.0, 10.0, -77.0), member (0.1, 0.0, 8.0, 10.0, -77.0) };
  nd_proposal all[ND_PROPOSE_MAX_CANDIDATES];
  n = nd_propose (k, 2, &vc, ND_PROPOSE_MAX_CANDIDATES, all);
  ND_CHECK (n >= 20, "every voltage-clamp candidate scored: %d", n);
  ND_CHECK (all[0].proto.level >= 10.0, "the K-like gate: the best protocol steps to %g mV", all[0].proto.level);
  ND_CHECK (all[n - 1].proto.level <= -30.0, "the K-like gate: the worst steps only to %g mV",
            all[n - 1].proto.level);
  for (int j = 0; j < n; j++)
    nd_proposal_clear (&all[j]);

  /* Current clamp, scaled to a 20 pA training range: the Ih-like members differ in how fast the sag
   * develops, so the best protocol hyperpolarises the cell (a negative step or a prepulse). */
  const nd_propose_options cc = { .modes = ND_PROPOSE_CC, .dt_ms = 0.1, .i_ref_pA = 20.0, .noise_mV = 0.3 };
  n = nd_propose (h, 2, &cc, 1, p);
  ND_CHECK (n == 1, "a current-clamp proposal");
  double v_min = 0.0;
  for (size_t j = 0; j < p[0].n; j++)
    v_min = fmin (v_min, 0.5 * (p[0].traces[j] + p[0].traces[p[0].n + j]));
  ND_CHECK (v_min < -80.0 && (p[0].proto.kind == ND_PROTO_PREPULSE || p[0].proto.level < 0.0),
            "current clamp: the best (kind %d, level %g pA) takes the cell to %g mV", p[0].proto.kind,
            p[0].proto.level, v_min);
  nd_proposal_clear (&p[0]);
  /* The prepulse currents hold the members near their potentials: a -90 mV prepulse is a negative current. */
  nd_protocol cand[ND_PROPOSE_MAX_CANDIDATES];
  int nc = nd_propose_candidates (h, 2, &cc, cand), seen = 0;
  for (int j = 0; j < nc; j++)
    if (cand[j].kind == ND_PROTO_PREPULSE && cand[j].v_pre_mV == -90.0)
      {
        seen++;
        ND_CHECK (cand[j].pre < 0.0 && cand[j].pre > -1000.0, "prepulse current %g pA", cand[j].pre);
      }
  ND_CHECK (seen == 3, "three steps after a -90 mV prepulse, got %d", seen);
  /* Cancelled (a closed window): it stops at the first candidate asked and returns nothing. */
  int asked = 0;
  nd_propose_options stop = vc;
  stop.cancelled = cancel_after_two, stop.cancelled_user = &asked;
  n = nd_propose (h, 2, &stop, 3, p);
  ND_CHECK (n == 0 && asked == 3, "cancelled: %d proposals after %d questions", n, asked);
  for (int j = 0; j < 2; j++)
    nd_model_free (h[j]), nd_model_free (k[j]);
}

/* The noise protocol: the same waveform every time, its mean and s.d. as asked, within its window only. */
static void
test_noise (void)
{
  const nd_protocol p = { .mode = ND_PROPOSE_CC, .kind = ND_PROTO_NOISE, .level = 10.0, .noise_sd = 6.0,
                          .noise_tau_ms = 3.0, .level_ms = 200.0 };
  enum { N = 4001 };
  static double a[N], b[N];
  nd_protocol_render (&p, 0.1, N, a);
  nd_protocol_render (&p, 0.1, N, b);
  double sum = 0.0, ss = 0.0, outside = 0.0;
  int same = 1, k = 0;
  for (int j = 0; j < N; j++)
    {
      same &= a[j] == b[j];
      if (j >= 500 && j < 2500)
        sum += a[j], ss += a[j] * a[j], k++;
      else
        outside = fmax (outside, fabs (a[j]));
    }
  const double mean = sum / k, sd = sqrt (ss / k - mean * mean);
  ND_CHECK (same, "the same noise twice");
  ND_CHECK (outside == 0.0, "no current outside the 200 ms: %g pA", outside);
  /* 200 ms of a 3 ms correlation: about 30 independent values. */
  ND_CHECK (fabs (mean - 10.0) < 3.0 && sd > 4.0 && sd < 8.0, "noise mean %g, s.d. %g", mean, sd);
}

int
main (void)
{
  test_disagreement ();
  test_noise ();
  test_ranking ();
  return nd_check_done ("propose");
}
