/* propose.c: what to record next (propose.h).
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "propose.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "integrator.h"
#include "units.h"

#define NOISE_FLOOR_MV 0.3
#define NOISE_FLOOR_PA 1.0

double
nd_propose_disagreement (const double *traces, int n_members, size_t n, double noise)
{
  if (n_members < 2 || n == 0 || !(noise > 0.0))
    return NAN;
  double sum = 0.0;
  for (size_t j = 0; j < n; j++)
    {
      double mean = 0.0, ss = 0.0;
      for (int k = 0; k < n_members; k++)
        mean += traces[(size_t) k * n + j];
      mean /= n_members;
      for (int k = 0; k < n_members; k++)
        {
          double d = traces[(size_t) k * n + j] - mean;
          ss += d * d;
        }
      if (!isfinite (ss))
        return NAN;
      sum += ss / (n_members - 1);
    }
  return sum / (double) n / (noise * noise);
}

double
nd_propose_noise (const nd_propose_options *o, nd_propose_mode mode)
{
  return mode == ND_PROPOSE_VC ? fmax (o->noise_pA, NOISE_FLOOR_PA) : fmax (o->noise_mV, NOISE_FLOOR_MV);
}

static size_t
n_samples (double dt_ms)
{
  return (size_t) llround (ND_PROPOSE_MS / dt_ms) + 1;
}

static double
max_dt (const nd_propose_options *o)
{
  return o->max_dt_ms > 0.0 ? fmin (o->max_dt_ms, o->dt_ms) : fmin (0.025, o->dt_ms);
}

/* Simulates member m on the protocol's stimulus: V (mV) in current clamp,
 * the ionic current (pA) in voltage clamp. False when it blows up. */
static bool
simulate (nd_model *m, nd_propose_mode mode, const double *stim, size_t n, double dt_ms, double max_dt_ms,
          double *out)
{
  int n_sub = nd_substeps (dt_ms, max_dt_ms, n);
  if (n_sub < 1)
    return false;
  nd_drive d = { .n = n, .dt_sample = dt_ms, .n_sub = n_sub };
  double *dens = NULL;
  if (mode == ND_PROPOSE_VC)
    d.v_clamp = stim;
  else
    {
      dens = nd_malloc (n * sizeof *dens);
      for (size_t j = 0; j < n; j++)
        dens[j] = nd_pA_to_density (stim[j], m->area_um2);
      d.i_inj = dens;
    }
  nd_simulate (m, &d, out, NULL);
  free (dens);
  if (mode == ND_PROPOSE_VC)
    {
      for (size_t j = 0; j < n; j++)
        out[j] = nd_density_to_pA (out[j], m->area_um2);
      for (size_t j = 0; j < n; j++)
        if (!isfinite (out[j]))
          return false;
      return true;
    }
  return nd_trace_unphysical (out, n) == n;
}

/* The current (pA) that holds the members, on average, at v_mV: in steady
 * state the injected current equals the ionic current the clamp measures. */
static double
holding_current (nd_model *const *members, int n_members, double v_mV, double dt_ms, double max_dt_ms)
{
  const size_t n = (size_t) llround (300.0 / dt_ms) + 1;
  double *cmd = nd_malloc (n * sizeof *cmd), *i = nd_malloc (n * sizeof *i);
  for (size_t j = 0; j < n; j++)
    cmd[j] = v_mV;
  double sum = 0.0;
  int used = 0;
  for (int k = 0; k < n_members; k++)
    if (simulate (members[k], ND_PROPOSE_VC, cmd, n, dt_ms, max_dt_ms, i))
      sum += i[n - 1], used++;
  free (cmd);
  free (i);
  return used ? sum / used : NAN;
}

static int
add (nd_protocol *out, int n, nd_protocol p)
{
  if (n < ND_PROPOSE_MAX_CANDIDATES)
    out[n++] = p;
  return n;
}

static int
cc_candidates (nd_model *const *members, int n_members, const nd_propose_options *o, nd_protocol *out, int n)
{
  const double md = max_dt (o);
  double r = o->i_ref_pA;
  if (!(r > 0.0))
    /* No training data to scale to: the current that holds the cell 20 mV above -70 mV. */
    r = fabs (holding_current (members, n_members, -50.0, o->dt_ms, md));
  if (!(r > 0.0) || !isfinite (r))
    return n;
  const nd_protocol cc = { .mode = ND_PROPOSE_CC, .base = 0.0, .v_pre_mV = NAN };
  /* Steps around the training range: below, at and above it, and hyperpolarising. */
  static const double steps[] = { -1.0, -0.5, 0.25, 0.5, 0.75, 1.0, 1.5 };
  for (size_t s = 0; s < sizeof steps / sizeof *steps; s++)
    {
      nd_protocol p = cc;
      p.kind = ND_PROTO_STEP, p.level = steps[s] * r, p.level_ms = 200.0;
      n = add (out, n, p);
    }
  /* Pairs of short pulses: recovery between them (inactivation, slow gates). */
  static const double gaps[] = { 10.0, 25.0, 50.0, 100.0 };
  for (size_t g = 0; g < sizeof gaps / sizeof *gaps; g++)
    {
      nd_protocol p = cc;
      p.kind = ND_PROTO_PAIR, p.level = r, p.level_ms = 20.0, p.gap_ms = gaps[g], p.pre = 0.0;
      n = add (out, n, p);
    }
  for (int k = 1; k <= 2; k++)
    {
      nd_protocol p = cc;
      p.kind = ND_PROTO_RAMP, p.level = k * r, p.level_ms = 200.0;
      n = add (out, n, p);
    }
  /* Noise (an Ornstein-Uhlenbeck current, 3 ms correlation): many amplitudes and rates at once. */
  static const double noise[][2] = { { 0.5, 0.3 }, { 0.25, 0.5 } };
  for (size_t k = 0; k < sizeof noise / sizeof *noise; k++)
    {
      nd_protocol p = cc;
      p.kind = ND_PROTO_NOISE, p.level = noise[k][0] * r, p.noise_sd = noise[k][1] * r, p.noise_tau_ms = 3.0;
      p.level_ms = 200.0;
      n = add (out, n, p);
    }
  /* A hyperpolarising prepulse (removes inactivation, deactivates what is open at rest), then a step. */
  static const double v_pre[] = { -80.0, -90.0, -100.0 }, after[] = { 0.25, 0.5, 1.0 };
  for (size_t v = 0; v < sizeof v_pre / sizeof *v_pre; v++)
    {
      double i_pre = holding_current (members, n_members, v_pre[v], o->dt_ms, md);
      if (!isfinite (i_pre) || fabs (i_pre) > ND_CURRENT_MAX_PA)
        continue;
      for (size_t a = 0; a < sizeof after / sizeof *after; a++)
        {
          nd_protocol p = cc;
          p.kind = ND_PROTO_PREPULSE, p.pre = i_pre, p.pre_ms = 200.0, p.level = after[a] * r, p.level_ms = 100.0;
          p.v_pre_mV = v_pre[v];
          n = add (out, n, p);
        }
    }
  return n;
}

static int
vc_candidates (const nd_propose_options *o, nd_protocol *out, int n)
{
  const double hold = isfinite (o->v_hold_mV) ? o->v_hold_mV : -70.0;
  const nd_protocol vc = { .mode = ND_PROPOSE_VC, .base = hold, .v_pre_mV = NAN };
  static const double to[] = { -50.0, -30.0, -10.0, 10.0, 30.0 };
  for (size_t s = 0; s < sizeof to / sizeof *to; s++)
    {
      nd_protocol p = vc;
      p.kind = ND_PROTO_STEP, p.level = to[s], p.level_ms = 100.0;
      n = add (out, n, p);
    }
  static const double pre[] = { -110.0, -90.0, -50.0 };
  for (size_t v = 0; v < sizeof pre / sizeof *pre; v++)
    for (size_t s = 0; s < sizeof to / sizeof *to; s++)
      {
        nd_protocol p = vc;
        p.kind = ND_PROTO_PREPULSE, p.pre = pre[v], p.pre_ms = 200.0, p.level = to[s], p.level_ms = 100.0;
        n = add (out, n, p);
      }
  /* Recovery from inactivation: two steps to 0 mV with a gap at -90 mV. */
  static const double gaps[] = { 5.0, 20.0, 50.0, 100.0 };
  for (size_t g = 0; g < sizeof gaps / sizeof *gaps; g++)
    {
      nd_protocol p = vc;
      p.kind = ND_PROTO_PAIR, p.level = 0.0, p.level_ms = 30.0, p.pre = -90.0, p.gap_ms = gaps[g];
      n = add (out, n, p);
    }
  return n;
}

int
nd_propose_candidates (nd_model *const *members, int n_members, const nd_propose_options *o, nd_protocol *out)
{
  int n = 0;
  if (o->modes & ND_PROPOSE_CC)
    n = cc_candidates (members, n_members, o, out, n);
  if (o->modes & ND_PROPOSE_VC)
    n = vc_candidates (o, out, n);
  return n;
}

/* A standard normal number (Box-Muller on xorshift64*): the same sequence on every platform. */
static double
gauss (uint64_t *s)
{
  double u[2];
  for (int k = 0; k < 2; k++)
    {
      *s ^= *s >> 12, *s ^= *s << 25, *s ^= *s >> 27;
      u[k] = ((double) ((*s * 0x2545F4914F6CDD1DULL) >> 11) + 0.5) / 9007199254740992.0;
    }
  return sqrt (-2.0 * log (u[0])) * cos (2.0 * M_PI * u[1]);
}

void
nd_protocol_render (const nd_protocol *p, double dt_ms, size_t n, double *stim)
{
  const double l = ND_PROPOSE_LEAD_MS, eps = 1e-9;
  /* Noise: exact Ornstein-Uhlenbeck steps from its mean, one per sample. */
  uint64_t seed = 0x9E3779B97F4A7C15ULL;
  const double decay = p->noise_tau_ms > 0.0 ? exp (-dt_ms / p->noise_tau_ms) : 0.0;
  double ou = 0.0;
  for (size_t j = 0; j < n; j++)
    {
      const double t = (double) j * dt_ms;
      double x = p->base;
      switch (p->kind)
        {
        case ND_PROTO_STEP:
          if (t >= l - eps && t < l + p->level_ms - eps)
            x = p->level;
          break;
        case ND_PROTO_PAIR:
          {
            const double t2 = l + p->level_ms + p->gap_ms;
            if ((t >= l - eps && t < l + p->level_ms - eps) || (t >= t2 - eps && t < t2 + p->level_ms - eps))
              x = p->level;
            else if (t >= l + p->level_ms - eps && t < t2 - eps)
              x = p->pre;
            break;
          }
        case ND_PROTO_RAMP:
          if (t >= l - eps && t < l + p->level_ms - eps)
            x = p->base + (p->level - p->base) * (t - l) / p->level_ms;
          break;
        case ND_PROTO_PREPULSE:
          if (t >= l - eps && t < l + p->pre_ms - eps)
            x = p->pre;
          else if (t >= l + p->pre_ms - eps && t < l + p->pre_ms + p->level_ms - eps)
            x = p->level;
          break;
        case ND_PROTO_NOISE:
          if (t >= l - eps && t < l + p->level_ms - eps)
            {
              x = p->level + ou;
              ou = ou * decay + p->noise_sd * sqrt (1.0 - decay * decay) * gauss (&seed);
            }
          break;
        }
      stim[j] = x;
    }
}

static int
by_score (const void *a, const void *b)
{
  const nd_proposal *x = a, *y = b;
  return (x->score < y->score) - (x->score > y->score);
}

int
nd_propose (nd_model *const *members, int n_members, const nd_propose_options *o, int max_out, nd_proposal *out)
{
  if (n_members < 2 || !(o->dt_ms > 0.0))
    return -1;
  nd_protocol cand[ND_PROPOSE_MAX_CANDIDATES];
  const int n_cand = nd_propose_candidates (members, n_members, o, cand);
  const size_t n = n_samples (o->dt_ms);
  const double md = max_dt (o);
  nd_proposal *all = nd_calloc ((size_t) n_cand + 1, sizeof *all);
  int n_ok = 0;
  bool stop = false;
  for (int c = 0; c < n_cand; c++)
    {
      if (o->cancelled && o->cancelled (o->cancelled_user))
        {
          stop = true;
          break;
        }
      nd_proposal *p = &all[n_ok];
      p->proto = cand[c], p->n = n, p->dt_ms = o->dt_ms, p->n_members = n_members;
      p->stim = nd_malloc (n * sizeof *p->stim);
      p->traces = nd_malloc ((size_t) n_members * n * sizeof *p->traces);
      nd_protocol_render (&cand[c], o->dt_ms, n, p->stim);
      bool ok = true;
      for (int k = 0; k < n_members && ok; k++)
        ok = simulate (members[k], cand[c].mode, p->stim, n, o->dt_ms, md, p->traces + (size_t) k * n);
      p->score = ok ? nd_propose_disagreement (p->traces, n_members, n, nd_propose_noise (o, cand[c].mode)) : NAN;
      if (isfinite (p->score))
        n_ok++;
      else
        nd_proposal_clear (p);
    }
  qsort (all, (size_t) n_ok, sizeof *all, by_score);
  const int n_out = stop ? 0 : n_ok < max_out ? n_ok : max_out;
  for (int k = 0; k < n_ok; k++)
    if (k < n_out)
      out[k] = all[k];
    else
      nd_proposal_clear (&all[k]);
  free (all);
  return n_out;
}

void
nd_proposal_clear (nd_proposal *p)
{
  free (p->stim);
  free (p->traces);
  memset (p, 0, sizeof *p);
}

bool
nd_proposal_hidden_by_noise (const nd_proposal *p)
{
  return p->score * (double) p->n < 1.0;
}
