/* test-presets.c: every teaching preset run through the engine shows its phenomenon; the explore
 * time loop against the integrator and against the exact voltage-clamp solution; protocols,
 * drugs, Nernst, nullclines and bad input.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explore.h"
#include "hh-model.h"
#include "integrator.h"
#include "nd-check.h"
#include "presets.h"

static nd_model *hh;

static nd_explore_params
preset (const char *id)
{
  nd_explore_params p;
  const nd_preset *ps = nd_preset_lookup (id);
  ND_CHECK (ps != NULL, "preset %s missing", id);
  nd_preset_apply (ps, &p);
  return p;
}

static size_t
spikes (const nd_explore_params *p)
{
  nd_explore_trace *t = nd_explore_run (hh, p);
  ND_CHECK (t != NULL, "run failed");
  size_t k = t ? t->n_spikes : 0;
  nd_explore_trace_free (t);
  return k;
}

static double
peak_v (const nd_explore_params *p, double t_from)
{
  nd_explore_trace *t = nd_explore_run (hh, p);
  double best = -INFINITY;
  for (size_t j = (size_t) (t_from / p->dt); j < t->n; j++)
    best = fmax (best, t->v[j]);
  nd_explore_trace_free (t);
  return best;
}

/* Smallest amplitude (to 1e-3) that fires a spike with the protocol of p, by bisection. */
static double
threshold_of (nd_explore_params p, double hi)
{
  double lo = 0.0;
  while (hi - lo > 1e-3)
    {
      p.amplitude = 0.5 * (lo + hi);
      if (spikes (&p) > 0)
        hi = p.amplitude;
      else
        lo = p.amplitude;
    }
  return hi;
}

static void
test_presets_listed (void)
{
  const char *ids[] = { "threshold", "refractory", "anode-break", "accommodation", "repetitive",
                        "voltage-clamp", "depolarisation-block" };
  int n = 0;
  for (const nd_preset *const *p = nd_presets (); *p; p++, n++)
    {
      ND_CHECK (strcmp ((*p)->id, ids[n]) == 0, "preset %d is %s", n, (*p)->id);
      ND_CHECK (strlen ((*p)->explanation) > 40 && strlen ((*p)->look_for) > 30, "%s: texts", (*p)->id);
      nd_explore_params q;
      nd_preset_apply (*p, &q);
      ND_CHECK (nd_explore_params_check (&q) == NULL, "%s: %s", (*p)->id, nd_explore_params_check (&q));
    }
  ND_CHECK (n == 7, "%d presets", n);
  ND_CHECK (nd_preset_lookup ("no-such") == NULL, "unknown id");
}

/* Threshold: one full spike above, none below; the spike's size does not follow the stimulus. */
static void
test_threshold (void)
{
  nd_explore_params p = preset ("threshold");
  ND_CHECK (spikes (&p) == 1, "the preset fires one spike");
  double theta = threshold_of (p, 50.0);
  printf ("threshold of a %.0f ms pulse: %.3f uA/cm2 (preset: %.1f)\n", p.width, theta, p.amplitude);
  ND_CHECK (theta > 5.0 && theta < p.amplitude, "threshold %.3f", theta);
  nd_explore_params below = p, above = p, strong = p;
  below.amplitude = 0.9 * theta;
  above.amplitude = 1.1 * theta;
  strong.amplitude = 3.0 * theta;
  ND_CHECK (spikes (&below) == 0 && spikes (&above) == 1 && spikes (&strong) == 1, "all or none");
  double v_below = peak_v (&below, 0.0), v_above = peak_v (&above, 0.0), v_strong = peak_v (&strong, 0.0);
  printf ("peak V: %.1f mV at 0.9x, %.1f mV at 1.1x, %.1f mV at 3x threshold\n", v_below, v_above, v_strong);
  ND_CHECK (v_below < -40.0, "subthreshold bump %.1f", v_below);
  ND_CHECK (v_above > 20.0 && fabs (v_strong - v_above) < 10.0, "full-size spikes %.1f %.1f", v_above, v_strong);
}

/* Refractory period: the second pulse fails inside, fires outside. */
static void
test_refractory (void)
{
  nd_explore_params p = preset ("refractory");
  ND_CHECK (spikes (&p) == 1, "preset interval %.0f ms: second pulse fails", p.interval);
  int first_success = 0;
  for (int iv = 3; iv <= 30 && !first_success; iv++)
    {
      p.interval = iv;
      if (spikes (&p) == 2)
        first_success = iv;
    }
  printf ("refractory: the second pulse first fires at an interval of %d ms\n", first_success);
  ND_CHECK (first_success >= 9 && first_success <= 16, "refractory interval %d ms", first_success);
  p.interval = 5.0;
  ND_CHECK (spikes (&p) == 1, "5 ms: fails");
  p.interval = 25.0;
  nd_explore_trace *t = nd_explore_run (hh, &p);
  ND_CHECK (t->n_spikes == 2, "25 ms: two spikes");
  if (t->n_spikes == 2)
    ND_CHECK (t->spike_t[1] > p.delay + p.interval && t->spike_t[1] < p.delay + p.interval + 5.0,
              "second spike at %.2f ms follows the second pulse", t->spike_t[1]);
  nd_explore_trace_free (t);
}

/* Anode break: a spike after release from hyperpolarisation, none during it. */
static void
test_anode_break (void)
{
  nd_explore_params p = preset ("anode-break");
  nd_explore_trace *t = nd_explore_run (hh, &p);
  const double release = p.delay + p.width;
  double v_min = INFINITY;
  for (size_t j = 0; j < t->n; j++)
    v_min = fmin (v_min, t->v[j]);
  printf ("anode break: V down to %.1f mV, %zu spike(s), first at %.2f ms (release at %.0f ms)\n", v_min,
          t->n_spikes, t->n_spikes ? t->spike_t[0] : NAN, release);
  ND_CHECK (t->n_spikes == 1, "one spike");
  ND_CHECK (v_min < -75.0, "hyperpolarised to %.1f", v_min);
  if (t->n_spikes)
    ND_CHECK (t->spike_t[0] > release && t->spike_t[0] < release + 15.0, "spike after release");
  nd_explore_trace_free (t);
  p.amplitude = 0.0;
  ND_CHECK (spikes (&p) == 0, "no stimulus, no spike");
}

/* Accommodation: a slow ramp far past the step threshold fires nothing; a fast one fires. */
static void
test_accommodation (void)
{
  nd_explore_params p = preset ("accommodation");
  nd_explore_params step = p;
  step.protocol = ND_PROTOCOL_STEP;
  double theta = threshold_of (step, 20.0);
  printf ("accommodation: step threshold %.3f uA/cm2, ramp to %.1f uA/cm2 over %.0f ms\n", theta,
          p.amplitude, p.width);
  ND_CHECK (theta > 1.5 && theta < 3.5, "step threshold %.3f", theta);
  ND_CHECK (p.offset + p.amplitude > 2.0 * theta, "the ramp crosses the step threshold");
  ND_CHECK (spikes (&p) == 0, "no spike on the slow ramp");
  nd_explore_params fast = p;
  fast.width = 10.0;
  ND_CHECK (spikes (&fast) >= 1, "a steep ramp fires");
}

/* Type II onset near 6.3 uA/cm2 with a jump of the rate. */
static void
test_fi_type2 (void)
{
  nd_explore_params p = preset ("repetitive");
  ND_CHECK (spikes (&p) >= 5, "the preset fires repetitively");
  p.fi_lo = 5.0;
  p.fi_hi = 8.0;
  p.fi_points = 31;
  double cur[31], rate[31];
  int n = nd_explore_fi_curve (hh, &p, cur, rate, NULL, NULL);
  ND_CHECK (n == 31, "all points");
  int onset = -1;
  for (int i = 0; i < n && onset < 0; i++)
    if (rate[i] > 0.0)
      onset = i;
  ND_CHECK (onset > 0, "no firing at %.1f", cur[0]);
  if (onset <= 0)
    return;
  printf ("f-I: onset at %.2f uA/cm2 with %.1f Hz (%.2f uA/cm2: %.1f Hz); at 8: %.1f Hz\n", cur[onset],
          rate[onset], cur[onset - 1], rate[onset - 1], rate[n - 1]);
  ND_CHECK (fabs (cur[onset] - 6.3) <= 0.15, "onset %.2f", cur[onset]);
  ND_CHECK (rate[onset] > 40.0, "jump to %.1f Hz", rate[onset]);
  double exact = nd_explore_fi_onset (hh, &p, cur[onset - 1], cur[onset], 1e-3);
  printf ("f-I onset by bisection: %.3f uA/cm2\n", exact);
  ND_CHECK (fabs (exact - 6.3) < 0.1 && exact > cur[onset - 1] && exact <= cur[onset], "onset %.3f", exact);
  ND_CHECK (isnan (nd_explore_fi_onset (hh, &p, 7.0, 8.0, 1e-3)), "no onset inside a firing range");
  for (int i = onset; i < n; i++)
    ND_CHECK (rate[i] > 40.0 && (i == onset || rate[i] >= rate[i - 1]), "sustained and rising at %.1f", cur[i]);
}

/* Voltage clamp: inward sodium then outward potassium; TTX and TEA separate them. */
static void
test_voltage_clamp (void)
{
  nd_explore_params p = preset ("voltage-clamp");
  nd_explore_trace *t = nd_explore_run (hh, &p);
  const size_t on = (size_t) (p.delay / p.dt + 0.5), end = on + (size_t) (p.width / p.dt + 0.5) - 1;
  size_t j_min = on;
  for (size_t j = on; j <= end; j++)
    if (t->i_clamp[j] < t->i_clamp[j_min])
      j_min = j;
  double i_late = t->i_clamp[end];
  printf ("voltage clamp to %.0f mV: inward peak %.0f uA/cm2 at %.2f ms after the step, late %.0f uA/cm2\n",
          p.v_step, t->i_clamp[j_min], (j_min - on) * p.dt, i_late);
  ND_CHECK (t->i_clamp[j_min] < -500.0 && (j_min - on) * p.dt < 2.0, "early inward current");
  ND_CHECK (i_late > 500.0, "late outward current");
  for (size_t j = on; j < end; j++)
    ND_CHECK (t->v[j] == p.v_step, "V clamped");
  nd_explore_trace_free (t);

  p.drugs = ND_DRUG_TTX;
  t = nd_explore_run (hh, &p);
  double lowest = INFINITY;
  for (size_t j = on; j <= end; j++)
    lowest = fmin (lowest, t->i_clamp[j]);
  ND_CHECK (lowest > -1.0 && t->current[0][end] == 0.0, "TTX: no inward current (%.2f)", lowest);
  nd_explore_trace_free (t);

  p.drugs = ND_DRUG_TEA;
  t = nd_explore_run (hh, &p);
  ND_CHECK (t->i_clamp[end] < 100.0 && t->current[1][end] == 0.0, "TEA: no late outward current (%.1f)",
            t->i_clamp[end]);
  nd_explore_trace_free (t);
}

/* HH's own solution under a clamp step: x(t) = x_inf - (x_inf - x_0) exp(-t/tau), with the
 * rates written out here again from Hodgkin and Huxley (1952) at 6.3 C. */
static double
hh_rates (char gate, double v, double *tau)
{
  double a, b;
  switch (gate)
    {
    case 'm':
      a = fabs (v + 40) < 1e-9 ? 1.0 : 0.1 * (v + 40) / (1 - exp (-(v + 40) / 10));
      b = 4 * exp (-(v + 65) / 18);
      break;
    case 'h': a = 0.07 * exp (-(v + 65) / 20); b = 1 / (1 + exp (-(v + 35) / 10)); break;
    default:
      a = fabs (v + 55) < 1e-9 ? 0.1 : 0.01 * (v + 55) / (1 - exp (-(v + 55) / 10));
      b = 0.125 * exp (-(v + 65) / 80);
      break;
    }
  *tau = 1 / (a + b);
  return a / (a + b);
}

static double
hh_gate_at (char gate, double v0, double v, double t)
{
  double tau0, tau;
  double x0 = hh_rates (gate, v0, &tau0), xi = hh_rates (gate, v, &tau);
  return xi - (xi - x0) * exp (-t / tau);
}

static void
test_clamp_exact (void)
{
  nd_explore_params p = preset ("voltage-clamp");
  const double steps[] = { -30.0, 0.0, 30.0 };
  double worst = 0.0;
  for (int s = 0; s < 3; s++)
    {
      p.v_step = steps[s];
      nd_explore_trace *t = nd_explore_run (hh, &p);
      const size_t on = (size_t) (p.delay / p.dt + 0.5);
      for (size_t k = 0; k < (size_t) (p.width / p.dt); k += 7)
        {
          double tt = k * p.dt, v = p.v_step;
          double m = hh_gate_at ('m', p.v_hold, v, tt), h = hh_gate_at ('h', p.v_hold, v, tt);
          double n = hh_gate_at ('n', p.v_hold, v, tt);
          double ina = 120 * m * m * m * h * (v - 50), ik = 36 * n * n * n * n * (v + 77);
          worst = fmax (worst, fabs (t->current[0][on + k] - ina) / (1 + fabs (ina)));
          worst = fmax (worst, fabs (t->current[1][on + k] - ik) / (1 + fabs (ik)));
          worst = fmax (worst, fabs (t->gate[1][on + k] - h));
        }
      nd_explore_trace_free (t);
    }
  printf ("voltage clamp against HH's exact solution: largest relative error %.2e\n", worst);
  ND_CHECK (worst < 1e-9, "exact clamp solution: %.3e", worst);
}

/* The current-clamp loop is the integrator's scheme: same trace as nd_simulate. */
static void
test_matches_integrator (void)
{
  nd_explore_params p;
  nd_explore_params_init (&p);
  p.t_stop = 60.0;
  nd_explore_trace *t = nd_explore_run (hh, &p);
  nd_model *m = nd_explore_prepare (hh, &p);
  double *v = malloc (t->n * sizeof *v);
  nd_drive d = { .n = t->n, .dt_sample = p.dt, .n_sub = 1, .i_inj = t->command };
  nd_simulate (m, &d, v, NULL);
  double worst = 0.0, total = 0.0;
  for (size_t j = 0; j < t->n; j++)
    {
      worst = fmax (worst, fabs (v[j] - t->v[j]));
      double sum = 0.0;
      for (int c = 0; c < 3; c++)
        sum += t->current[c][j];
      double y[4] = { t->v[j], t->gate[0][j], t->gate[1][j], t->gate[2][j] };
      total = fmax (total, fabs (sum - nd_model_ionic_current (m, y)));
    }
  printf ("explore vs nd_simulate: max |dV| %.2e mV; current sum %.2e; %zu spikes; rest %.3f mV\n", worst,
          total, t->n_spikes, m->v_init);
  ND_CHECK (worst < 1e-9 && total < 1e-9, "same scheme");
  ND_CHECK (fabs (m->v_init - -65.0) < 0.05, "rest %.3f", m->v_init);
  free (v);
  nd_model_free (m);
  nd_explore_trace_free (t);
}

/* Depolarisation block: firing stops at high current. */
static void
test_depolarisation_block (void)
{
  nd_explore_params p = preset ("depolarisation-block");
  nd_explore_trace *t = nd_explore_run (hh, &p);
  double lo = INFINITY, hi = -INFINITY;
  for (size_t j = (size_t) ((p.delay + p.width - 60.0) / p.dt); j < (size_t) ((p.delay + p.width) / p.dt); j++)
    lo = fmin (lo, t->v[j]), hi = fmax (hi, t->v[j]);
  printf ("depolarisation block at %.0f uA/cm2: %zu spike(s), last 60 ms of the step in [%.2f, %.2f] mV\n",
          p.amplitude, t->n_spikes, lo, hi);
  ND_CHECK (t->n_spikes == 1, "only the onset spike");
  ND_CHECK (hi - lo < 2.0 && lo > -50.0, "settled depolarised");
  nd_explore_trace_free (t);
  p.amplitude = 40.0;
  ND_CHECK (spikes (&p) >= 10, "fires again at 40");
  /* The f-I curve of this preset rises and falls back to zero. */
  p.fi_points = 6;
  p.fi_lo = 0.0;
  p.fi_hi = 250.0;
  p.fi_duration = 200.0;
  double cur[6], rate[6];
  nd_explore_fi_curve (hh, &p, cur, rate, NULL, NULL);
  ND_CHECK (rate[0] == 0.0 && rate[1] > 50.0 && rate[5] == 0.0, "f-I %.0f %.0f %.0f", rate[0], rate[1], rate[5]);
}

static bool
cancel_at_half (void *data, double fraction)
{
  double *seen = data;
  *seen = fraction;
  return fraction < 0.5;
}

static void
test_curves_progress_cancel (void)
{
  nd_explore_params p = preset ("voltage-clamp");
  p.iv_points = 16;
  double v[16], late[16], peak[3 * 16], seen = -1.0;
  int n = nd_explore_iv_curve (hh, &p, v, late, peak, NULL, NULL);
  ND_CHECK (n == 16, "I-V points");
  /* Sodium peak: inward between -50 and +40 mV and reversing at E_Na; potassium: outward above E_K. */
  for (int i = 0; i < n; i++)
    {
      if (v[i] > -45.0 && v[i] < 40.0)
        ND_CHECK (peak[i] < -50.0, "Na peak at %.0f mV: %.1f", v[i], peak[i]);
      if (v[i] > 50.5)
        ND_CHECK (peak[i] > 0.0, "Na outward above E_Na");
      ND_CHECK ((peak[16 + i] > 0.0) == (v[i] > -77.0), "K sign at %.0f mV", v[i]);
    }
  n = nd_explore_iv_curve (hh, &p, v, late, peak, cancel_at_half, &seen);
  ND_CHECK (n == 8 && seen == 0.5, "cancelled after %d points (%.2f)", n, seen);
  double cur[20], rate[20];
  p = preset ("repetitive");
  p.fi_points = 20;
  p.fi_duration = 50.0;
  n = nd_explore_fi_curve (hh, &p, cur, rate, cancel_at_half, &seen);
  ND_CHECK (n == 10, "f-I cancelled after %d points", n);
}

/* Nullclines cross at the resting state, which is an equilibrium of the full model. */
static void
test_nullclines (void)
{
  nd_explore_params p;
  nd_explore_params_init (&p);
  nd_model *m = nd_explore_prepare (hh, &p);
  enum { N = 1501 };
  double *v = malloc (3 * N * sizeof *v), *xg = v + N, *xv = v + 2 * N;
  /* On the V nullcline (i_inj 10, m and h at steady state) the current balance is zero. */
  nd_explore_nullclines (m, 2, 10.0, -80.0, 40.0, N, v, xg, xv);
  int on_curve = 0;
  for (int i = 0; i < N; i += 50)
    if (isfinite (xv[i]))
      {
        double tm, th;
        double y[4] = { v[i], hh_rates ('m', v[i], &tm), hh_rates ('h', v[i], &th), xv[i] };
        ND_CHECK_CLOSE (nd_model_ionic_current (m, y), 10.0, 1e-9, 1e-9, "I_ion on the V nullcline");
        on_curve++;
      }
  ND_CHECK (on_curve >= 5, "V nullcline defined at %d of 31 potentials", on_curve);
  nd_explore_nullclines (m, 2, 0.0, -80.0, -50.0, N, v, xg, xv);
  double cross = NAN;
  for (int i = 1; i < N && isnan (cross); i++)
    if (isfinite (xv[i - 1]) && isfinite (xv[i]) && (xv[i - 1] - xg[i - 1]) * (xv[i] - xg[i]) <= 0.0)
      cross = v[i - 1] + (v[i] - v[i - 1]) * (xv[i - 1] - xg[i - 1]) / ((xv[i - 1] - xg[i - 1]) - (xv[i] - xg[i]));
  printf ("V-n nullclines cross at %.3f mV; resting potential %.3f mV\n", cross, m->v_init);
  ND_CHECK (fabs (cross - m->v_init) < 0.05, "crossing at rest");
  /* Kinetics of n at -65 mV against the formulas. */
  double tau_ref, vv = -65.0, xi, tau;
  double xi_ref = hh_rates ('n', vv, &tau_ref);
  nd_explore_kinetics (m, 2, &vv, 1, &xi, &tau);
  ND_CHECK_CLOSE (xi, xi_ref, 1e-12, 1e-9, "n_inf(-65)");
  ND_CHECK_CLOSE (tau, tau_ref, 1e-12, 1e-9, "tau_n(-65)");
  free (v);
  nd_model_free (m);
}

static void
test_protocols_and_modifiers (void)
{
  nd_explore_params p;
  nd_explore_params_init (&p);
  p.protocol = ND_PROTOCOL_TRAIN;
  p.n_pulses = 4;
  p.width = 2.0;
  p.interval = 30.0;
  size_t n = nd_explore_n_samples (&p);
  double *cmd = malloc (n * sizeof *cmd), *cmd2 = malloc (n * sizeof *cmd2);
  nd_explore_command (&p, n, cmd);
  int edges = 0, on = 0;
  for (size_t j = 1; j < n; j++)
    {
      edges += cmd[j] > cmd[j - 1];
      on += cmd[j] != 0.0;
    }
  ND_CHECK (edges == 4 && on == 4 * 80, "train: %d pulses, %d samples on", edges, on);
  p.protocol = ND_PROTOCOL_RAMP;
  nd_explore_command (&p, n, cmd);
  ND_CHECK_CLOSE (cmd[(size_t) ((p.delay + 0.5 * p.width) / p.dt)], 0.5 * p.amplitude, 1e-9, 0, "ramp midpoint");

  /* Noise: seeded, with the asked standard deviation. */
  p.protocol = ND_PROTOCOL_NOISE;
  p.amplitude = 0.0;
  p.noise_sd = 4.0;
  p.noise_tau = 1.0;
  p.delay = 0.0;
  p.width = p.t_stop = 4000.0;
  n = nd_explore_n_samples (&p);
  cmd = realloc (cmd, n * sizeof *cmd);
  cmd2 = realloc (cmd2, n * sizeof *cmd2);
  nd_explore_command (&p, n, cmd);
  nd_explore_command (&p, n, cmd2);
  ND_CHECK (memcmp (cmd, cmd2, (n - 1) * sizeof *cmd) == 0, "same seed, same noise");
  double s2 = 0.0;
  for (size_t j = 0; j + 1 < n; j++)
    s2 += cmd[j] * cmd[j];
  double sd = sqrt (s2 / (n - 1));
  printf ("noise: sd %.3f uA/cm2 (asked 4)\n", sd);
  ND_CHECK (fabs (sd - 4.0) < 0.4, "noise sd %.3f", sd);
  p.seed = 2;
  nd_explore_command (&p, n, cmd2);
  ND_CHECK (memcmp (cmd, cmd2, (n - 1) * sizeof *cmd) != 0, "another seed, other noise");
  free (cmd);
  free (cmd2);

  /* Drugs act on the channels that name them, and only there. */
  nd_explore_params_init (&p);
  p.drugs = ND_DRUG_TTX | ND_DRUG_ZD7288;
  ND_CHECK (nd_explore_blocked (hh, 0, &p) && !nd_explore_blocked (hh, 1, &p) && !nd_explore_blocked (hh, 2, &p),
            "TTX blocks Na only");
  ND_CHECK (spikes (&p) == 0, "no spikes under TTX");
  /* Nernst at 6.3 C from squid concentrations, and with the temperature. */
  p.nernst = true;
  double rt_f = 8.314462618 * (6.3 + 273.15) / 96485.33212 * 1e3;
  ND_CHECK_CLOSE (nd_explore_reversal (hh, 0, &p), rt_f * log (p.na_out / p.na_in), 1e-9, 0, "E_Na");
  ND_CHECK_CLOSE (nd_explore_reversal (hh, 1, &p), rt_f * log (p.k_out / p.k_in), 1e-9, 0, "E_K");
  ND_CHECK (fabs (nd_explore_reversal (hh, 0, &p) - 50.0) < 1.5 && fabs (nd_explore_reversal (hh, 1, &p) + 77.0) < 1.5,
            "squid values");
  ND_CHECK_CLOSE (nd_explore_reversal (hh, 2, &p), -54.387, 1e-12, 0, "leak untouched");
  p.nernst = false;
  p.e_rev[1] = -90.0;
  p.gbar_scale[0] = 0.5;
  nd_model *m = nd_explore_prepare (hh, &p);
  ND_CHECK (m->params[m->blocks[m->channels[1].block_e].offset] == -90.0, "E_K set");
  ND_CHECK (m->params[m->blocks[m->channels[0].block_gbar].offset] == 0.0, "TTX still on");
  nd_model_free (m);
  p.drugs = 0;
  m = nd_explore_prepare (hh, &p);
  ND_CHECK (m->params[m->blocks[m->channels[0].block_gbar].offset] == 60.0, "gNa halved");
  ND_CHECK (m->v_init < -65.5, "rest follows E_K: %.2f", m->v_init);
  nd_model_free (m);

  /* Warmer: faster gates, briefer spike (HH's q10 of 3). */
  nd_explore_params warm = preset ("threshold"), cold = warm;
  warm.amplitude = cold.amplitude = 40.0;
  warm.celsius = 16.3;
  nd_explore_trace *tc = nd_explore_run (hh, &cold), *tw = nd_explore_run (hh, &warm);
  size_t above_c = 0, above_w = 0;
  for (size_t j = 0; j < tc->n; j++)
    above_c += tc->v[j] > 0.0, above_w += tw->v[j] > 0.0;
  printf ("time above 0 mV: %.2f ms at 6.3 C, %.2f ms at 16.3 C\n", above_c * cold.dt, above_w * warm.dt);
  ND_CHECK (tw->n_spikes == 1 && above_w * 2 < above_c, "faster at 16.3 C");
  nd_explore_trace_free (tc);
  nd_explore_trace_free (tw);
}

/* A passive membrane (leak only, no gates): the step response is C dV/dt = I - g (V - E), an
 * exponential with tau = C/g, and the phase plane and kinetics have nothing to show. */
static void
test_passive (void)
{
  nd_model *m = nd_model_new (1.0, 1000.0, -60.0, 6.3);
  nd_model_add_known (m, nd_channel_lookup ("leak"), 0.3, -54.387);
  nd_explore_params p;
  nd_explore_params_init (&p);
  p.amplitude = 1.0;
  p.delay = 10.0;
  p.width = 150.0;
  nd_explore_trace *t = nd_explore_run (m, &p);
  ND_CHECK (t != NULL && t->gates.n == 0 && t->n_spikes == 0, "passive run");
  const double tau = 1.0 / 0.3, dv = 1.0 / 0.3;
  ND_CHECK_CLOSE (t->v[0], -54.387, 1e-9, 0, "rest at E_L");
  double worst = 0.0;
  for (double s = 0.5; s <= 40.0; s += 0.5)
    {
      size_t j = (size_t) ((p.delay + s) / p.dt + 0.5);
      worst = fmax (worst, fabs (t->v[j] - (-54.387 + dv * (1.0 - exp (-s / tau)))));
    }
  printf ("passive step response against C dV/dt = I - g (V - E): max error %.4f mV (dt %.3f ms)\n", worst, p.dt);
  ND_CHECK (worst < 0.01, "passive response error %.4f", worst);
  nd_explore_trace_free (t);
  nd_model_free (m);
}

static void
test_bad_input (void)
{
  nd_explore_params p;
  nd_explore_params_init (&p);
  p.dt = 0.0;
  ND_CHECK (nd_explore_params_check (&p) != NULL && nd_explore_run (hh, &p) == NULL, "dt 0");
  nd_explore_params_init (&p);
  p.t_stop = NAN;
  ND_CHECK (nd_explore_params_check (&p) != NULL, "NaN duration");
  nd_explore_params_init (&p);
  p.protocol = ND_PROTOCOL_PAIR;
  p.interval = 0.0;
  ND_CHECK (nd_explore_params_check (&p) != NULL, "interval 0");
  nd_explore_params_init (&p);
  p.gbar_scale[3] = -1.0;
  ND_CHECK (nd_explore_params_check (&p) != NULL, "negative scale");
  nd_explore_params_init (&p);
  p.nernst = true;
  p.k_in = 0.0;
  ND_CHECK (nd_explore_params_check (&p) != NULL, "zero concentration");
  nd_explore_params_init (&p);
  p.t_stop = 1e5;
  ND_CHECK (nd_explore_params_check (&p) != NULL, "too long");
}

int
main (void)
{
  hh = nd_test_classic_hh (-65.0);
  test_presets_listed ();
  test_threshold ();
  test_refractory ();
  test_anode_break ();
  test_accommodation ();
  test_fi_type2 ();
  test_voltage_clamp ();
  test_clamp_exact ();
  test_matches_integrator ();
  test_depolarisation_block ();
  test_curves_progress_cancel ();
  test_nullclines ();
  test_protocols_and_modifiers ();
  test_passive ();
  test_bad_input ();
  nd_model_free (hh);
  return nd_check_done ("test-presets");
}
