/* explore.c: stimulus protocols, teaching modifiers and the current/voltage-clamp time loop.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "explore.h"
#include "spikes.h"
#include "model-private.h"
#include "units.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Squid giant axon (Hodgkin 1964, as in Hille's table): Nernst at 6.3 C gives about +50 and -77 mV. */
#define SQUID_NA_OUT 440.0
#define SQUID_NA_IN 54.0
#define SQUID_K_OUT 20.0
#define SQUID_K_IN 490.0

nd_model *
nd_explore_classic_hh (void)
{
  nd_model *m = nd_model_new (1.0, 1000.0, -65.0, 6.3);
  nd_model_add_known (m, nd_channel_lookup ("hh_na"), 120.0, 50.0);
  nd_model_add_known (m, nd_channel_lookup ("hh_k"), 36.0, -77.0);
  /* E_L of hh.mod (-54.3) rounded so that rest is -65.0 mV exactly. */
  nd_model_add_known (m, nd_channel_lookup ("leak"), 0.3, -54.387);
  return m;
}

void
nd_explore_params_init (nd_explore_params *p)
{
  memset (p, 0, sizeof *p);
  p->clamp = ND_EXPLORE_CURRENT_CLAMP;
  p->protocol = ND_PROTOCOL_STEP;
  p->t_stop = 200.0;
  p->dt = 0.025;
  p->amplitude = 10.0;
  p->delay = 10.0;
  p->width = 150.0;
  p->interval = 20.0;
  p->n_pulses = 5;
  p->noise_sd = 3.0;
  p->noise_tau = 2.0;
  p->seed = 1;
  p->v_hold = -65.0;
  p->v_step = 0.0;
  p->celsius = 6.3;
  for (int c = 0; c < ND_EXPLORE_MAX_CHANNELS; c++)
    {
      p->gbar_scale[c] = 1.0;
      p->e_rev[c] = NAN;
    }
  p->na_out = SQUID_NA_OUT;
  p->na_in = SQUID_NA_IN;
  p->k_out = SQUID_K_OUT;
  p->k_in = SQUID_K_IN;
  p->fi_lo = 0.0;
  p->fi_hi = 40.0;
  p->fi_points = 81;
  p->fi_duration = 300.0;
  p->iv_lo = -100.0;
  p->iv_hi = 50.0;
  p->iv_points = 31;
}

const char *
nd_explore_params_check (const nd_explore_params *p)
{
  if (!(p->dt >= 1e-4 && p->dt <= 1.0))
    return "the time step must be between 0.0001 and 1 ms";
  if (!(p->t_stop >= p->dt && p->t_stop <= 10000.0))
    return "the duration must be between one time step and 10 s";
  if (p->t_stop / p->dt > 2e6)
    return "the run would have more than two million samples";
  if (!isfinite (p->offset) || !isfinite (p->amplitude) || !isfinite (p->delay) || !(p->width >= 0.0)
      || !isfinite (p->width))
    return "the stimulus needs finite values and a width of at least 0 ms";
  if ((p->protocol == ND_PROTOCOL_PAIR || p->protocol == ND_PROTOCOL_TRAIN) && !(p->interval > 0.0))
    return "the interval between pulses must be positive";
  if (p->protocol == ND_PROTOCOL_TRAIN && (p->n_pulses < 1 || p->n_pulses > 1000))
    return "a pulse train needs between 1 and 1000 pulses";
  if (p->protocol == ND_PROTOCOL_NOISE && (!(p->noise_sd >= 0.0) || !(p->noise_tau > 0.0)))
    return "noise needs a standard deviation of at least 0 and a positive correlation time";
  if ((unsigned) p->protocol >= ND_N_PROTOCOLS)
    return "unknown stimulus protocol";
  if (!isfinite (p->v_hold) || !isfinite (p->v_step) || fabs (p->v_hold) > 200.0 || fabs (p->v_step) > 200.0)
    return "clamp potentials must lie between -200 and 200 mV";
  if (!(p->celsius > -20.0 && p->celsius < 60.0))
    return "the temperature must lie between -20 and 60 C";
  for (int c = 0; c < ND_EXPLORE_MAX_CHANNELS; c++)
    if (!(p->gbar_scale[c] >= 0.0) || !isfinite (p->gbar_scale[c]))
      return "conductance scales must be finite and not negative";
  if (p->nernst && !(p->na_out > 0.0 && p->na_in > 0.0 && p->k_out > 0.0 && p->k_in > 0.0))
    return "ion concentrations must be positive";
  return NULL;
}

size_t
nd_explore_n_samples (const nd_explore_params *p)
{
  return (size_t) floor (p->t_stop / p->dt + 0.5) + 1;
}

/* Whether t lies in a pulse [t0, t0 + w). */
static bool
in_pulse (double t, double t0, double w)
{
  return t >= t0 - 1e-9 && t < t0 + w - 1e-9;
}

void
nd_explore_command (const nd_explore_params *p, size_t n, double *out)
{
  const double dt = p->dt;
  if (p->clamp == ND_EXPLORE_VOLTAGE_CLAMP)
    {
      for (size_t j = 0; j < n; j++)
        out[j] = in_pulse (j * dt, p->delay, p->width) ? p->v_step : p->v_hold;
      return;
    }
  gsl_rng *rng = NULL;
  double noise = 0.0, decay = 0.0, kick = 0.0;
  if (p->protocol == ND_PROTOCOL_NOISE)
    {
      rng = gsl_rng_alloc (gsl_rng_mt19937);
      gsl_rng_set (rng, p->seed);
      /* Exact Ornstein-Uhlenbeck update over one step: stationary sd stays noise_sd for any dt. */
      decay = exp (-dt / p->noise_tau);
      kick = p->noise_sd * sqrt (1.0 - decay * decay);
      noise = p->noise_sd * gsl_ran_ugaussian (rng);
    }
  for (size_t j = 0; j < n; j++)
    {
      const double t = j * dt;
      double i = p->offset;
      switch (p->protocol)
        {
        case ND_PROTOCOL_STEP:
          if (in_pulse (t, p->delay, p->width))
            i += p->amplitude;
          break;
        case ND_PROTOCOL_PAIR:
        case ND_PROTOCOL_TRAIN:
          {
            int pulses = p->protocol == ND_PROTOCOL_PAIR ? 2 : p->n_pulses;
            double since = t - p->delay;
            if (since >= -1e-9)
              {
                int k = (int) floor ((since + 1e-9) / p->interval);
                if (k < pulses && in_pulse (t, p->delay + k * p->interval, p->width))
                  i += p->amplitude;
              }
          }
          break;
        case ND_PROTOCOL_RAMP:
          if (in_pulse (t, p->delay, p->width) && p->width > 0.0)
            i += p->amplitude * (t - p->delay) / p->width;
          break;
        case ND_PROTOCOL_NOISE:
          if (in_pulse (t, p->delay, p->width))
            i += p->amplitude + noise;
          noise = noise * decay + kick * gsl_ran_ugaussian (rng);
          break;
        default:
          break;
        }
      out[j] = i;
    }
  if (rng)
    gsl_rng_free (rng);
}

static const char *
drug_name (unsigned drug)
{
  switch (drug)
    {
    case ND_DRUG_TTX: return "TTX";
    case ND_DRUG_TEA: return "TEA";
    case ND_DRUG_ZD7288: return "ZD7288";
    default: return NULL;
    }
}

bool
nd_explore_blocked (const nd_model *base, int c, const nd_explore_params *p)
{
  const nd_channel *ch = &base->channels[c];
  if (ch->slot != ND_CHANNEL_KNOWN || ch->kind->blocker == NULL)
    return false;
  for (unsigned d = 1; d <= ND_DRUG_ZD7288; d <<= 1)
    if ((p->drugs & d) && strcmp (ch->kind->blocker, drug_name (d)) == 0)
      return true;
  return false;
}

double
nd_explore_reversal (const nd_model *base, int c, const nd_explore_params *p)
{
  const nd_channel *ch = &base->channels[c];
  if (ch->block_e < 0)
    return NAN;
  if (p->nernst && ch->slot == ND_CHANNEL_KNOWN)
    {
      if (strcmp (ch->kind->ion, "na") == 0)
        return nd_nernst_mV (1.0, p->na_out, p->na_in, p->celsius);
      if (strcmp (ch->kind->ion, "k") == 0)
        return nd_nernst_mV (1.0, p->k_out, p->k_in, p->celsius);
    }
  if (c < ND_EXPLORE_MAX_CHANNELS && isfinite (p->e_rev[c]))
    return p->e_rev[c];
  return base->params[base->blocks[ch->block_e].offset];
}

void
nd_explore_list_gates (const nd_model *m, nd_explore_gates *out)
{
  memset (out, 0, sizeof *out);
  for (int c = 0; c < m->n_channels; c++)
    {
      const nd_channel *ch = &m->channels[c];
      if (ch->slot == ND_CHANNEL_FREE)
        continue;
      for (int g = 0; g < ch->n_gates && out->n < ND_EXPLORE_MAX_GATES; g++)
        {
          out->channel[out->n] = c;
          out->gate[out->n] = g;
          out->state[out->n] = ch->state_off + g;
          out->n++;
        }
    }
}

static inline double
gbar_of (const nd_model *m, const nd_channel *ch)
{
  return m->params[m->blocks[ch->block_gbar].offset];
}

static inline double
e_of (const nd_model *m, const nd_channel *ch)
{
  return m->params[m->blocks[ch->block_e].offset];
}

static bool
has_free_current (const nd_model *m)
{
  for (int c = 0; c < m->n_channels; c++)
    if (m->channels[c].slot == ND_CHANNEL_FREE)
      return true;
  return false;
}

/* Ionic current with every gate at steady state at V (conductance channels only). */
static double
steady_current (nd_model *m, double v)
{
  double total = 0.0;
  for (int c = 0; c < m->n_channels; c++)
    {
      nd_channel *ch = &m->channels[c];
      if (ch->slot == ND_CHANNEL_FREE)
        continue;
      double open = 1.0;
      for (int g = 0; g < ch->n_gates; g++)
        {
          nd_gate_rates r;
          nd_model_gate_rates (m, c, g, v, &r);
          open *= nd_ipow (r.x_inf, ch->power[g]);
        }
      total += gbar_of (m, ch) * open * (v - e_of (m, ch));
    }
  return total;
}

/* The resting potential with a bias current: the root of I_ss(V) = i_bias with a rising steady
 * I-V (stable for the membrane alone) nearest the model's v_init. */
static double
resting_potential (nd_model *m, double i_bias)
{
  const double lo = -120.0, h = 0.5;
  const int n = 361;
  double best = m->v_init, best_dist = INFINITY;
  double f0 = steady_current (m, lo) - i_bias;
  for (int i = 1; i < n; i++)
    {
      double a = lo + (i - 1) * h, b = lo + i * h;
      double f1 = steady_current (m, b) - i_bias;
      if (f0 < 0.0 && f1 >= 0.0)
        {
          double fa = f0;
          for (int it = 0; it < 60; it++)
            {
              double mid = 0.5 * (a + b), fm = steady_current (m, mid) - i_bias;
              if ((fm < 0.0) == (fa < 0.0))
                a = mid, fa = fm;
              else
                b = mid;
            }
          double root = 0.5 * (a + b);
          if (fabs (root - m->v_init) < best_dist)
            best = root, best_dist = fabs (root - m->v_init);
        }
      f0 = f1;
    }
  return best;
}

nd_model *
nd_explore_prepare (const nd_model *base, const nd_explore_params *p)
{
  if (base->n_channels > ND_EXPLORE_MAX_CHANNELS)
    return NULL;
  nd_model *m = nd_model_copy (base);
  m->celsius = p->celsius;
  for (int c = 0; c < m->n_channels; c++)
    {
      nd_channel *ch = &m->channels[c];
      if (ch->block_gbar < 0)
        continue;
      double *g = &m->params[m->blocks[ch->block_gbar].offset];
      *g *= nd_explore_blocked (base, c, p) ? 0.0 : p->gbar_scale[c];
      m->params[m->blocks[ch->block_e].offset] = nd_explore_reversal (base, c, p);
    }
  /* Gbar and E do not enter the learned gates' tables, so they stay valid. */
  if (!has_free_current (m))
    m->v_init = p->clamp == ND_EXPLORE_VOLTAGE_CLAMP ? p->v_hold : resting_potential (m, p->offset);
  return m;
}

static nd_explore_trace *
trace_new (const nd_model *m, const nd_explore_params *p, size_t n)
{
  nd_explore_trace *t = calloc (1, sizeof *t);
  t->n = n;
  t->dt = p->dt;
  t->clamp = p->clamp;
  t->n_channels = m->n_channels;
  nd_explore_list_gates (m, &t->gates);
  size_t rows = 3 + t->gates.n + m->n_channels;
  double *buf = malloc (rows * n * sizeof *buf);
  t->command = buf;
  t->v = buf + n;
  t->i_clamp = buf + 2 * n;
  for (int k = 0; k < t->gates.n; k++)
    t->gate[k] = buf + (3 + k) * n;
  for (int c = 0; c < m->n_channels; c++)
    t->current[c] = buf + (3 + t->gates.n + c) * n;
  return t;
}

void
nd_explore_trace_free (nd_explore_trace *t)
{
  if (!t)
    return;
  free (t->command);
  free (t->spike_t);
  free (t);
}

/* Records sample j of state y: gates and each channel's current at V = y[0]. */
static void
record (nd_model *m, nd_explore_trace *t, size_t j, const double *y)
{
  const double v = y[0];
  t->v[j] = v;
  for (int k = 0; k < t->gates.n; k++)
    t->gate[k][j] = y[t->gates.state[k]];
  double total = 0.0;
  for (int c = 0; c < m->n_channels; c++)
    {
      nd_channel *ch = &m->channels[c];
      double i;
      if (ch->slot == ND_CHANNEL_FREE)
        {
          double dz[ND_MAX_LATENTS];
          i = nd_free_current (m, c, v, y + ch->state_off, dz, NULL);
        }
      else
        {
          double open = 1.0;
          for (int g = 0; g < ch->n_gates; g++)
            open *= nd_ipow (y[ch->state_off + g], ch->power[g]);
          i = gbar_of (m, ch) * open * (v - e_of (m, ch));
        }
      t->current[c][j] = i;
      total += i;
    }
  t->i_clamp[j] = t->clamp == ND_EXPLORE_VOLTAGE_CLAMP ? total : t->command[j];
}

/* One step of integrator.h's scheme from y to yn with injected current i_inj; under voltage clamp
 * V is not integrated but set to v_next. Gates (and free latents) move with V = y[0] held. */
static void
step (nd_model *m, const double *y, double dt, double i_inj, bool clamped, double v_next, double *yn)
{
  const double v = y[0];
  double G = 0.0, GE = 0.0, sum_free = 0.0;
  for (int c = 0; c < m->n_channels; c++)
    {
      nd_channel *ch = &m->channels[c];
      const int off = ch->state_off;
      if (ch->slot == ND_CHANNEL_FREE)
        {
          double dz[ND_MAX_LATENTS];
          sum_free += nd_free_current (m, c, v, y + off, dz, NULL);
          for (int i = 0; i < ch->n_latent; i++)
            yn[off + i] = y[off + i] + dt * dz[i];
          continue;
        }
      double open = 1.0;
      for (int g = 0; g < ch->n_gates; g++)
        {
          nd_gate_rates r;
          nd_model_gate_rates (m, c, g, v, &r);
          double xn = r.tau > 0.0 ? r.x_inf + (y[off + g] - r.x_inf) * exp (-dt / r.tau) : r.x_inf;
          yn[off + g] = xn;
          open *= nd_ipow (xn, ch->power[g]);
        }
      double gc = gbar_of (m, ch) * open;
      G += gc;
      GE += gc * e_of (m, ch);
    }
  yn[0] = clamped ? v_next : (m->cm / dt * v + i_inj + GE - sum_free) / (m->cm / dt + G);
}

nd_explore_trace *
nd_explore_run_prepared (nd_model *m, const nd_explore_params *p)
{
  if (nd_explore_params_check (p) || m->n_channels > ND_EXPLORE_MAX_CHANNELS)
    return NULL;
  const size_t n = nd_explore_n_samples (p);
  const bool vc = p->clamp == ND_EXPLORE_VOLTAGE_CLAMP;
  nd_explore_trace *t = trace_new (m, p, n);
  nd_explore_command (p, n, t->command);
  if (vc)
    m->v_init = t->command[0];
  double *y = malloc (2 * m->n_state * sizeof *y), *yn = y + m->n_state;
  nd_model_initial_state (m, y);
  record (m, t, 0, y);
  for (size_t j = 0; j + 1 < n; j++)
    {
      /* The command of sample j is held over [t_j, t_j+1), as a DAC plays it. */
      if (vc)
        y[0] = t->command[j];
      step (m, y, p->dt, vc ? 0.0 : t->command[j], vc, vc ? t->command[j] : 0.0, yn);
      if (vc)
        yn[0] = t->command[j + 1];
      memcpy (y, yn, m->n_state * sizeof *y);
      record (m, t, j + 1, y);
    }
  free (y);
  if (!vc)
    {
      size_t count = nd_spikes_count (t->v, n, p->dt);
      t->spike_t = malloc ((count + 1) * sizeof *t->spike_t);
      t->n_spikes = nd_spikes_times (t->v, n, p->dt, t->spike_t, count);
    }
  return t;
}

nd_explore_trace *
nd_explore_run (const nd_model *base, const nd_explore_params *p)
{
  if (nd_explore_params_check (p))
    return NULL;
  nd_model *m = nd_explore_prepare (base, p);
  if (!m)
    return NULL;
  nd_explore_trace *t = nd_explore_run_prepared (m, p);
  nd_model_free (m);
  return t;
}

/* The f-I protocol: a step of fi_duration ms from rest after 10 ms, in current clamp. */
static nd_explore_params
fi_protocol (const nd_explore_params *p)
{
  nd_explore_params q = *p;
  q.clamp = ND_EXPLORE_CURRENT_CLAMP;
  q.protocol = ND_PROTOCOL_STEP;
  q.delay = 10.0;
  q.width = p->fi_duration;
  q.t_stop = q.delay + q.width;
  return q;
}

/* Steady rate (Hz) at amplitude i: the inverse mean interval of the spikes in the second half of
 * the step (0 with fewer than two there). */
static double
fi_rate (nd_model *m, nd_explore_params *q, double v_rest, double i)
{
  q->amplitude = i;
  m->v_init = v_rest;
  nd_explore_trace *t = nd_explore_run_prepared (m, q);
  const double from = q->delay + 0.5 * q->width;
  size_t first = 0;
  while (first < t->n_spikes && t->spike_t[first] < from)
    first++;
  size_t k = t->n_spikes - first;
  double rate = k >= 2 ? 1000.0 * (k - 1) / (t->spike_t[t->n_spikes - 1] - t->spike_t[first]) : 0.0;
  nd_explore_trace_free (t);
  return rate;
}

int
nd_explore_fi_curve (const nd_model *base, const nd_explore_params *p, double *current, double *rate,
                     nd_explore_progress_fn progress, void *data)
{
  nd_explore_params q = fi_protocol (p);
  const int n = p->fi_points;
  if (n < 1 || nd_explore_params_check (&q))
    return 0;
  nd_model *m = nd_explore_prepare (base, &q);
  if (!m)
    return 0;
  const double v_rest = m->v_init;
  int done = 0;
  for (int i = 0; i < n; i++)
    {
      if (progress && !progress (data, (double) i / n))
        break;
      current[i] = n == 1 ? p->fi_lo : p->fi_lo + (p->fi_hi - p->fi_lo) * i / (n - 1);
      rate[i] = fi_rate (m, &q, v_rest, current[i]);
      done++;
    }
  if (progress && done == n)
    progress (data, 1.0);
  nd_model_free (m);
  return done;
}

double
nd_explore_fi_onset (const nd_model *base, const nd_explore_params *p, double lo, double hi, double tol)
{
  nd_explore_params q = fi_protocol (p);
  if (nd_explore_params_check (&q) || !(hi > lo) || !(tol > 0.0))
    return NAN;
  nd_model *m = nd_explore_prepare (base, &q);
  if (!m)
    return NAN;
  const double v_rest = m->v_init;
  double onset = NAN;
  if (fi_rate (m, &q, v_rest, lo) == 0.0 && fi_rate (m, &q, v_rest, hi) > 0.0)
    {
      while (hi - lo > tol)
        {
          double mid = 0.5 * (lo + hi);
          if (fi_rate (m, &q, v_rest, mid) > 0.0)
            hi = mid;
          else
            lo = mid;
        }
      onset = hi;
    }
  nd_model_free (m);
  return onset;
}

int
nd_explore_iv_curve (const nd_model *base, const nd_explore_params *p, double *v, double *late,
                     double *peak, nd_explore_progress_fn progress, void *data)
{
  nd_explore_params q = *p;
  q.clamp = ND_EXPLORE_VOLTAGE_CLAMP;
  q.delay = 5.0;
  q.width = p->width > 1.0 ? fmin (p->width, 100.0) : 20.0;
  q.t_stop = q.delay + q.width;
  const int n = p->iv_points;
  if (n < 1 || nd_explore_params_check (&q))
    return 0;
  nd_model *m = nd_explore_prepare (base, &q);
  if (!m)
    return 0;
  int done = 0;
  const size_t on = (size_t) floor (q.delay / q.dt + 0.5);
  for (int i = 0; i < n; i++)
    {
      if (progress && !progress (data, (double) i / n))
        break;
      q.v_step = n == 1 ? p->iv_lo : p->iv_lo + (p->iv_hi - p->iv_lo) * i / (n - 1);
      nd_explore_trace *t = nd_explore_run_prepared (m, &q);
      size_t end = on + (size_t) floor (q.width / q.dt + 0.5) - 1;
      if (end >= t->n)
        end = t->n - 1;
      v[i] = q.v_step;
      late[i] = t->i_clamp[end];
      for (int c = 0; c < m->n_channels; c++)
        {
          /* From the first sample after the onset: at the onset the gates have not moved yet. */
          double best = t->current[c][on + 1];
          for (size_t j = on + 1; j <= end; j++)
            if (fabs (t->current[c][j]) > fabs (best))
              best = t->current[c][j];
          peak[(size_t) c * n + i] = best;
        }
      nd_explore_trace_free (t);
      done++;
    }
  if (progress && done == n)
    progress (data, 1.0);
  nd_model_free (m);
  return done;
}

void
nd_explore_kinetics (nd_model *m, int k, const double *v, int n, double *x_inf, double *tau)
{
  nd_explore_gates gates;
  nd_explore_list_gates (m, &gates);
  for (int i = 0; i < n; i++)
    {
      nd_gate_rates r;
      nd_model_gate_rates (m, gates.channel[k], gates.gate[k], v[i], &r);
      x_inf[i] = r.x_inf;
      tau[i] = r.tau;
    }
}

/* At V with every gate but k at steady state: the current of all other channels (*others) and the
 * factor gbar * (other gates of k's channel) * (V - E) that multiplies x^p in k's channel. */
static void
split_current (nd_model *m, const nd_explore_gates *gates, int k, double v, double *others, double *factor)
{
  *others = 0.0;
  *factor = 0.0;
  for (int c = 0; c < m->n_channels; c++)
    {
      nd_channel *ch = &m->channels[c];
      if (ch->slot == ND_CHANNEL_FREE)
        continue;
      double open = 1.0;
      for (int g = 0; g < ch->n_gates; g++)
        {
          if (c == gates->channel[k] && g == gates->gate[k])
            continue;
          nd_gate_rates r;
          nd_model_gate_rates (m, c, g, v, &r);
          open *= nd_ipow (r.x_inf, ch->power[g]);
        }
      double i = gbar_of (m, ch) * open * (v - e_of (m, ch));
      if (c == gates->channel[k])
        *factor = i;
      else
        *others += i;
    }
}

void
nd_explore_nullclines (nd_model *m, int k, double i_inj, double v_lo, double v_hi, int n, double *v,
                       double *x_gate, double *x_v)
{
  nd_explore_gates gates;
  nd_explore_list_gates (m, &gates);
  for (int i = 0; i < n; i++)
    {
      const double vi = n == 1 ? v_lo : v_lo + (v_hi - v_lo) * i / (n - 1);
      nd_gate_rates r;
      nd_model_gate_rates (m, gates.channel[k], gates.gate[k], vi, &r);
      v[i] = vi;
      x_gate[i] = r.x_inf;
      /* dV/dt = 0: i_inj = others + factor x^p, solved for x; the gate appears in one channel only. */
      double others, factor;
      split_current (m, &gates, k, vi, &others, &factor);
      const int p = m->channels[gates.channel[k]].power[gates.gate[k]];
      double xp = factor != 0.0 ? (i_inj - others) / factor : NAN;
      x_v[i] = xp >= 0.0 && xp <= 1.0 ? pow (xp, 1.0 / p) : NAN;
    }
}
