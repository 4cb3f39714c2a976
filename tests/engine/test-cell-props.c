/* test-cell-props.c: cell properties recovered from synthetic RC cells with known R, tau and C.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each synthetic cell is a resistor and a capacitor (V = E + R I (1 - e^(-t/tau))
 * during a step, relaxing back after it), sampled at 20 kHz with Gaussian
 * recording noise; optional pieces: a slow sag current, spikes of a fixed
 * shape at known times, NaN samples. The expected values follow from the
 * construction, so every check can fail.
 */
#include <complex.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cell-props.h"
#include "cell-rc.h"
#include "cell-repeat.h"
#include "impedance.h"
#include "nd-check.h"
#include "spike-shape.h"

#define DT 0.05
#define N 20000          /* 1 s */
#define T_ON 200.0
#define T_OFF 700.0
#define MAX_SWEEPS 12

typedef struct {
  double e_mV, r_MOhm, tau_ms;
  double sag;            /* fraction of the deflection a slow current takes back (0: none) */
  double tau_sag_ms;
  double noise_mV, current_noise_pA;
  double holding_pA;
} rc_cell;

typedef struct {
  int n;
  double *v[MAX_SWEEPS], *i[MAX_SWEEPS];
  nd_cell_sweep sw[MAX_SWEEPS];
} sweep_set;

/* Deflection (mV) t ms into a step of i pA; the sag relaxes with tau_sag. */
static double
step_response (const rc_cell *c, double i_pA, double t)
{
  if (t <= 0.0)
    return 0.0;
  double full = c->r_MOhm * 1e-3 * i_pA;   /* MOhm pA = uV */
  double d = full * (1.0 - exp (-t / c->tau_ms));
  if (c->sag > 0.0)
    d -= full * c->sag * (1.0 - exp (-t / c->tau_sag_ms)) * (1.0 - exp (-t / c->tau_ms));
  return d;
}

static void
make_sweeps (sweep_set *set, const rc_cell *c, const double *steps, int n, gsl_rng *rng)
{
  memset (set, 0, sizeof *set);
  set->n = n;
  for (int s = 0; s < n; s++)
    {
      double *v = malloc (N * sizeof *v), *i = malloc (N * sizeof *i);
      for (size_t j = 0; j < N; j++)
        {
          double t = j * DT;
          /* On: the step's response; off: the same relaxing back (superposition of +I at T_ON, -I at T_OFF). */
          double dv = step_response (c, steps[s], t - T_ON) - step_response (c, steps[s], t - T_OFF);
          v[j] = c->e_mV + dv + (c->noise_mV > 0.0 ? gsl_ran_gaussian (rng, c->noise_mV) : 0.0);
          i[j] = c->holding_pA + (t >= T_ON && t < T_OFF ? steps[s] : 0.0) +
                 (c->current_noise_pA > 0.0 ? gsl_ran_gaussian (rng, c->current_noise_pA) : 0.0);
        }
      set->v[s] = v;
      set->i[s] = i;
      set->sw[s] = (nd_cell_sweep) { v, i, N, DT };
    }
}

static void
free_sweeps (sweep_set *set)
{
  for (int s = 0; s < set->n; s++)
    {
      free (set->v[s]);
      free (set->i[s]);
    }
}

static const double ladder[] = { -100.0, -50.0, 0.0, 50.0, 100.0, 150.0 };

/* A plain RC cell: R, tau, C, area, resting potential and the step currents. */
static void
test_rc (gsl_rng *rng)
{
  rc_cell c = { .e_mV = -65.0, .r_MOhm = 200.0, .tau_ms = 20.0, .noise_mV = 0.2, .current_noise_pA = 0.0 };
  sweep_set set;
  make_sweeps (&set, &c, ladder, 6, rng);
  nd_cell_props p;
  nd_cell_status st = nd_cell_props_measure (set.sw, set.n, NULL, &p);
  ND_CHECK (st == ND_CELL_OK, "rc: status %d (%s)", st, nd_cell_status_text (st));
  ND_CHECK_CLOSE (p.v_rest_mV, -65.0, 0.05, 0.0, "rc: resting potential");
  ND_CHECK_CLOSE (p.r_in_MOhm, 200.0, 0.0, 0.01, "rc: input resistance");
  ND_CHECK_CLOSE (p.tau_m_ms, 20.0, 0.0, 0.02, "rc: time constant");
  ND_CHECK_CLOSE (p.c_m_pF, 100.0, 0.0, 0.02, "rc: capacitance (20 ms / 200 MOhm)");
  ND_CHECK_CLOSE (p.area_um2, 10000.0, 0.0, 0.02, "rc: area at 1 uF/cm2");
  ND_CHECK (!p.c_known, "rc: capacitance is fitted");
  ND_CHECK_CLOSE (p.step_start_ms, T_ON, DT, 0.0, "rc: step start");
  ND_CHECK_CLOSE (p.step_end_ms, T_OFF, DT, 0.0, "rc: step end");
  ND_CHECK (p.n_r_in_steps == 2, "rc: %d hyperpolarising steps", p.n_r_in_steps);
  ND_CHECK (isnan (p.rheobase_pA) && p.rheobase_sweep == -1, "rc: no spikes, no rheobase (%g)", p.rheobase_pA);
  ND_CHECK (p.sag_sweep == 0, "rc: sag measured on the -100 pA step (sweep %d)", p.sag_sweep);
  ND_CHECK (p.sag_ratio < 0.03, "rc: no sag (%g)", p.sag_ratio);
  for (int s = 0; s < 6; s++)
    {
      ND_CHECK_CLOSE (p.sweeps[s].stimulus_pA, ladder[s], 1e-9, 0.0, "rc: step current");
      ND_CHECK (p.sweeps[s].n_spikes == 0, "rc: sweep %d has %zu spikes", s, p.sweeps[s].n_spikes);
    }
  /* The drawn curve is a fit of a hyperpolarising sweep and follows it. */
  ND_CHECK (p.charge.sweep == 0 || p.charge.sweep == 1, "rc: curve on sweep %d", p.charge.sweep);
  if (p.charge.sweep >= 0)
    {
      double t = p.charge.t0_ms + 10.0;
      double want = c.e_mV + step_response (&c, ladder[p.charge.sweep], t - T_ON);
      ND_CHECK_CLOSE (nd_cell_charge_curve_at (&p.charge, t), want, 0.15, 0.0, "rc: curve 10 ms into the fit");
      ND_CHECK (p.charge.t0_ms >= T_ON && p.charge.t1_ms <= T_OFF && p.charge.t1_ms > p.charge.t0_ms + 40.0,
                "rc: curve spans %g..%g ms", p.charge.t0_ms, p.charge.t1_ms);
    }
  nd_cell_props_clear (&p);

  /* A known capacitance, another specific capacitance, a liquid-junction potential. */
  nd_cell_options o;
  nd_cell_options_default (&o);
  o.c_known_pF = 150.0;
  o.cm_uF_per_cm2 = 0.75;
  o.ljp_mV = 12.0;
  st = nd_cell_props_measure (set.sw, set.n, &o, &p);
  ND_CHECK (st == ND_CELL_OK, "known C: status %d", st);
  ND_CHECK (p.c_known && p.c_m_pF == 150.0, "known C: %g", p.c_m_pF);
  ND_CHECK_CLOSE (p.area_um2, 20000.0, 1e-6, 0.0, "known C: 150 pF at 0.75 uF/cm2");
  ND_CHECK_CLOSE (p.v_rest_mV, -77.0, 0.05, 0.0, "ljp: V - 12 mV");
  ND_CHECK_CLOSE (p.r_in_MOhm, 200.0, 0.0, 0.01, "ljp: R unchanged");
  nd_cell_props_clear (&p);

  /* A holding current and a noisy recorded current: steps are relative to the holding. */
  free_sweeps (&set);
  c.holding_pA = -30.0;
  c.current_noise_pA = 3.0;
  make_sweeps (&set, &c, ladder, 6, rng);
  st = nd_cell_props_measure (set.sw, set.n, NULL, &p);
  ND_CHECK (st == ND_CELL_OK, "holding: status %d", st);
  for (int s = 0; s < 6; s++)
    ND_CHECK_CLOSE (p.sweeps[s].stimulus_pA, ladder[s], 0.5, 0.0, "holding: step current");
  ND_CHECK_CLOSE (p.sweeps[0].holding_pA, -30.0, 0.5, 0.0, "holding: holding current");
  ND_CHECK_CLOSE (p.r_in_MOhm, 200.0, 0.0, 0.01, "holding: input resistance");
  ND_CHECK_CLOSE (p.step_start_ms, T_ON, 0.5, 0.0, "holding: step start");
  ND_CHECK_CLOSE (p.step_end_ms, T_OFF, 0.5, 0.0, "holding: step end");
  nd_cell_props_clear (&p);
  free_sweeps (&set);
}

/* A slow current that takes back 30 % of the deflection: sag ratio and the steady-state resistance. */
static void
test_sag (gsl_rng *rng)
{
  rc_cell c = { .e_mV = -70.0, .r_MOhm = 300.0, .tau_ms = 10.0, .sag = 0.3, .tau_sag_ms = 60.0,
                .noise_mV = 0.1 };
  sweep_set set;
  make_sweeps (&set, &c, ladder, 6, rng);
  /* Expected: from the noiseless curve. */
  double peak = 0.0;
  for (double t = 0.0; t < T_OFF - T_ON; t += DT)
    peak = fmin (peak, step_response (&c, -100.0, t));
  double steady = step_response (&c, -100.0, T_OFF - T_ON);
  double want_sag = (steady - peak) / (0.0 - peak);
  nd_cell_props p;
  nd_cell_status st = nd_cell_props_measure (set.sw, set.n, NULL, &p);
  ND_CHECK (st == ND_CELL_OK, "sag: status %d", st);
  ND_CHECK (want_sag > 0.15, "sag: the construction has sag (%g)", want_sag);
  ND_CHECK_CLOSE (p.sag_ratio, want_sag, 0.01, 0.0, "sag ratio");
  /* At the end of the step the slow current has settled: R_in is the steady-state one. */
  ND_CHECK_CLOSE (p.r_in_MOhm, 300.0 * 0.7, 0.0, 0.02, "sag: steady-state input resistance");
  ND_CHECK (p.sag_sweep == 0, "sag: on the most hyperpolarising step (%d)", p.sag_sweep);
  nd_cell_props_clear (&p);
  free_sweeps (&set);
}

/* Spikes in the steps of +100 and +150 pA, and spontaneous ones before the steps. */
static void
test_spikes (gsl_rng *rng)
{
  rc_cell c = { .e_mV = -65.0, .r_MOhm = 200.0, .tau_ms = 20.0, .noise_mV = 0.2 };
  sweep_set set;
  make_sweeps (&set, &c, ladder, 6, rng);
  add_spike (set.v[4], N, DT, 350.0, 90.0);
  for (int k = 0; k < 4; k++)
    add_spike (set.v[5], N, DT, 250.0 + 100.0 * k, 90.0);
  /* A spontaneous burst before the step of the 0 pA and the -50 pA sweeps. */
  for (int k = 0; k < 3; k++)
    {
      add_spike (set.v[2], N, DT, 60.0 + 8.0 * k, 85.0);
      add_spike (set.v[1], N, DT, 100.0 + 8.0 * k, 85.0);
    }
  nd_cell_props p;
  nd_cell_status st = nd_cell_props_measure (set.sw, set.n, NULL, &p);
  ND_CHECK (st == ND_CELL_OK, "spikes: status %d", st);
  ND_CHECK (p.rheobase_sweep == 4, "rheobase sweep %d", p.rheobase_sweep);
  ND_CHECK_CLOSE (p.rheobase_pA, 100.0, 1e-9, 0.0, "rheobase");
  ND_CHECK (p.sweeps[4].n_spikes == 1 && p.sweeps[4].n_step_spikes == 1, "sweep 4: %zu spikes",
            p.sweeps[4].n_spikes);
  ND_CHECK (p.sweeps[5].n_spikes == 4 && p.sweeps[5].n_step_spikes == 4, "sweep 5: %zu spikes",
            p.sweeps[5].n_spikes);
  for (int k = 0; k < 4 && k < (int) p.sweeps[5].n_spikes; k++)
    ND_CHECK_CLOSE (p.sweeps[5].spike_times_ms[k], 250.0 + 100.0 * k, 0.1, 0.0, "spike time");
  ND_CHECK (p.sweeps[2].n_spikes == 3 && p.sweeps[2].n_step_spikes == 0, "sweep 2: %zu spikes, %zu in the step",
            p.sweeps[2].n_spikes, p.sweeps[2].n_step_spikes);
  /* Spikes before the step do not move the baseline, nor stop the -50 pA step counting for R_in. */
  ND_CHECK_CLOSE (p.sweeps[2].baseline_mV, -65.0, 0.1, 0.0, "baseline with a spontaneous burst");
  ND_CHECK_CLOSE (p.v_rest_mV, -65.0, 0.05, 0.0, "spikes: resting potential");
  ND_CHECK (p.n_r_in_steps == 2, "spikes: %d steps for R_in", p.n_r_in_steps);
  ND_CHECK_CLOSE (p.r_in_MOhm, 200.0, 0.0, 0.01, "spikes: input resistance");

  /* Default split: the most hyperpolarising, the rheobase sweep, the strongest; the rest validate. */
  int train[8];
  int k = nd_cell_props_default_split (&p, train, 3);
  ND_CHECK (k == 3 && train[0] == 0 && train[1] == 4 && train[2] == 5, "split: %d sweeps %d %d %d", k, train[0],
            train[1], train[2]);
  ND_CHECK (nd_cell_props_default_split (&p, train, 1) == 1 && train[0] == 0, "split: one sweep");
  nd_cell_props_clear (&p);

  /* The strongest sweep spiking first: rheobase is the smallest current, not the first sweep. */
  p.n_sweeps = 0;
  free_sweeps (&set);
  static const double descending[] = { 150.0, 100.0, 50.0, -50.0 };
  make_sweeps (&set, &c, descending, 4, rng);
  add_spike (set.v[0], N, DT, 300.0, 90.0);
  add_spike (set.v[1], N, DT, 400.0, 90.0);
  st = nd_cell_props_measure (set.sw, set.n, NULL, &p);
  ND_CHECK (st == ND_CELL_OK, "descending: status %d", st);
  ND_CHECK (p.rheobase_sweep == 1 && p.rheobase_pA == 100.0, "descending: rheobase %g (sweep %d)", p.rheobase_pA,
            p.rheobase_sweep);
  k = nd_cell_props_default_split (&p, train, 3);
  ND_CHECK (k == 3 && train[0] == 3 && train[1] == 1 && train[2] == 0, "descending split: %d %d %d", train[0],
            train[1], train[2]);
  nd_cell_props_clear (&p);
  free_sweeps (&set);

  /* Two sweeps: one trains, one validates. One sweep: it trains. */
  make_sweeps (&set, &c, ladder, 2, rng);
  st = nd_cell_props_measure (set.sw, set.n, NULL, &p);
  k = nd_cell_props_default_split (&p, train, 3);
  ND_CHECK (k == 1, "two sweeps: %d train", k);
  nd_cell_props_clear (&p);
  st = nd_cell_props_measure (set.sw, 1, NULL, &p);
  ND_CHECK (st == ND_CELL_OK, "one sweep: status %d", st);
  ND_CHECK_CLOSE (p.r_in_MOhm, 200.0, 0.0, 0.02, "one sweep: input resistance");
  ND_CHECK (nd_cell_props_default_split (&p, train, 3) == 1 && train[0] == 0, "one sweep trains");
  nd_cell_props_clear (&p);
  free_sweeps (&set);
}

/* A protocol with two varying steps and a fixed one (as 17o05028_ic_steps.abf): the first varying one counts. */
static void
test_two_steps (gsl_rng *rng)
{
  rc_cell c = { .e_mV = -60.0, .r_MOhm = 100.0, .tau_ms = 15.0, .noise_mV = 0.2 };
  sweep_set set;
  make_sweeps (&set, &c, ladder, 6, rng);
  for (int s = 0; s < 6; s++)
    for (size_t j = 0; j < N; j++)
      {
        double t = j * DT;
        /* A fixed -50 pA step at 750-800 ms and a second copy of the varying step at 850-950 ms. */
        double extra = (t >= 750.0 && t < 800.0 ? -50.0 : 0.0) + (t >= 850.0 && t < 950.0 ? ladder[s] : 0.0);
        set.i[s][j] += extra;
      }
  nd_cell_props p;
  nd_cell_status st = nd_cell_props_measure (set.sw, set.n, NULL, &p);
  ND_CHECK (st == ND_CELL_OK, "two steps: status %d", st);
  ND_CHECK_CLOSE (p.step_start_ms, T_ON, DT, 0.0, "two steps: the long varying step starts");
  ND_CHECK_CLOSE (p.step_end_ms, T_OFF, DT, 0.0, "two steps: and ends");
  ND_CHECK_CLOSE (p.r_in_MOhm, 100.0, 0.0, 0.01, "two steps: input resistance");
  nd_cell_props_clear (&p);
  free_sweeps (&set);
}

/* A sweep driven by a noisy current (as the demo's last one) among the steps: no step level, no rheobase. */
static void
test_noise_sweep (gsl_rng *rng)
{
  rc_cell c = { .e_mV = -65.0, .r_MOhm = 200.0, .tau_ms = 20.0, .noise_mV = 0.2 };
  sweep_set set;
  make_sweeps (&set, &c, ladder, 6, rng);
  for (size_t j = 0; j < N; j++)
    set.i[2][j] = 8.0 + gsl_ran_gaussian (rng, 6.0);
  add_spike (set.v[2], N, DT, 400.0, 90.0);
  add_spike (set.v[5], N, DT, 300.0, 90.0);
  nd_cell_props p;
  nd_cell_status st = nd_cell_props_measure (set.sw, set.n, NULL, &p);
  ND_CHECK (st == ND_CELL_OK, "noise: status %d", st);
  ND_CHECK (isnan (p.sweeps[2].stimulus_pA), "noise: the noisy sweep has no step (%g)", p.sweeps[2].stimulus_pA);
  ND_CHECK (p.sweeps[2].n_spikes == 1, "noise: its spike still counts (%zu)", p.sweeps[2].n_spikes);
  ND_CHECK (p.rheobase_sweep == 5 && p.rheobase_pA == 150.0, "noise: rheobase %g on sweep %d", p.rheobase_pA,
            p.rheobase_sweep);
  for (int s = 0; s < 6; s++)
    if (s != 2)
      ND_CHECK_CLOSE (p.sweeps[s].stimulus_pA, ladder[s], 1e-9, 0.0, "noise: the other steps");
  ND_CHECK_CLOSE (p.r_in_MOhm, 200.0, 0.0, 0.01, "noise: input resistance");
  int train[3];
  int k = nd_cell_props_default_split (&p, train, 3);
  ND_CHECK (k == 3 && train[0] == 0 && train[1] == 5 && train[2] != 2, "noise: split %d %d %d", train[0], train[1],
            train[2]);
  nd_cell_props_clear (&p);
  free_sweeps (&set);
}

/* NaN samples, missing hyperpolarising steps, no step, no sweeps, no baseline. */
static void
test_degenerate (gsl_rng *rng)
{
  rc_cell c = { .e_mV = -65.0, .r_MOhm = 200.0, .tau_ms = 20.0, .noise_mV = 0.2 };
  sweep_set set;
  make_sweeps (&set, &c, ladder, 6, rng);
  /* 1 % NaN samples at random and a 5 ms gap in every sweep's step. */
  for (int s = 0; s < 6; s++)
    {
      for (size_t j = 0; j < N / 100; j++)
        set.v[s][gsl_rng_uniform_int (rng, N)] = NAN;
      for (size_t j = 0; j < 100; j++)
        set.v[s][(size_t) (400.0 / DT) + j] = NAN;
    }
  nd_cell_props p;
  nd_cell_status st = nd_cell_props_measure (set.sw, set.n, NULL, &p);
  ND_CHECK (st == ND_CELL_OK, "nan: status %d", st);
  ND_CHECK_CLOSE (p.v_rest_mV, -65.0, 0.05, 0.0, "nan: resting potential");
  ND_CHECK_CLOSE (p.r_in_MOhm, 200.0, 0.0, 0.01, "nan: input resistance");
  ND_CHECK_CLOSE (p.tau_m_ms, 20.0, 0.0, 0.03, "nan: time constant");
  nd_cell_props_clear (&p);

  /* Only depolarising steps: resting potential, spikes and steps, but no R_in, tau, C or sag. */
  st = nd_cell_props_measure (set.sw + 2, 4, NULL, &p);
  ND_CHECK (st == ND_CELL_NO_HYPERPOLARISING, "depolarising only: status %d", st);
  ND_CHECK (strstr (nd_cell_status_text (st), "hyperpolarising") != NULL, "message: %s", nd_cell_status_text (st));
  ND_CHECK_CLOSE (p.v_rest_mV, -65.0, 0.05, 0.0, "depolarising only: resting potential still measured");
  ND_CHECK (p.n_sweeps == 4 && p.sweeps[3].stimulus_pA == 150.0, "depolarising only: steps still measured");
  ND_CHECK (isnan (p.r_in_MOhm) && isnan (p.tau_m_ms) && isnan (p.c_m_pF) && isnan (p.area_um2) &&
            isnan (p.sag_ratio), "depolarising only: nothing passive");
  nd_cell_props_clear (&p);
  free_sweeps (&set);

  /* The same current in every sweep, no step: nothing to measure against. */
  static const double zeros[] = { 0.0, 0.0, 0.0 };
  make_sweeps (&set, &c, zeros, 3, rng);
  st = nd_cell_props_measure (set.sw, set.n, NULL, &p);
  ND_CHECK (st == ND_CELL_NO_STEP, "no step: status %d", st);
  ND_CHECK_CLOSE (p.v_rest_mV, -65.0, 0.05, 0.0, "no step: the level is still the resting potential");
  int train[3];
  ND_CHECK (nd_cell_props_default_split (&p, train, 3) == 2, "no step: two of three sweeps train");
  nd_cell_props_clear (&p);
  free_sweeps (&set);

  /* A recorded current that is only noise (gap-free recordings), in one sweep or several: no step. */
  c.current_noise_pA = 3.0;
  make_sweeps (&set, &c, zeros, 3, rng);
  st = nd_cell_props_measure (set.sw, 1, NULL, &p);
  ND_CHECK (st == ND_CELL_NO_STEP, "noise only, one sweep: status %d", st);
  nd_cell_props_clear (&p);
  st = nd_cell_props_measure (set.sw, 3, NULL, &p);
  ND_CHECK (st == ND_CELL_NO_STEP, "noise only, three sweeps: status %d", st);
  nd_cell_props_clear (&p);
  free_sweeps (&set);
  /* ... but a 20 pA step in that noise is one. */
  static const double small[] = { -20.0 };
  make_sweeps (&set, &c, small, 1, rng);
  st = nd_cell_props_measure (set.sw, 1, NULL, &p);
  ND_CHECK (st == ND_CELL_OK, "noisy -20 pA step: status %d", st);
  ND_CHECK_CLOSE (p.sweeps[0].stimulus_pA, -20.0, 0.5, 0.0, "noisy -20 pA step");
  ND_CHECK_CLOSE (p.r_in_MOhm, 200.0, 0.0, 0.03, "noisy -20 pA step: input resistance");
  nd_cell_props_clear (&p);
  free_sweeps (&set);
  c.current_noise_pA = 0.0;

  /* The step from the first sample: no baseline. */
  make_sweeps (&set, &c, ladder, 3, rng);
  for (int s = 0; s < 3; s++)
    for (size_t j = 0; j < (size_t) (T_ON / DT); j++)
      set.i[s][j] = ladder[s];
  st = nd_cell_props_measure (set.sw, set.n, NULL, &p);
  ND_CHECK (st == ND_CELL_NO_BASELINE, "no baseline: status %d", st);
  nd_cell_props_clear (&p);

  /* All samples NaN. */
  for (int s = 0; s < 3; s++)
    for (size_t j = 0; j < N; j++)
      set.v[s][j] = set.i[s][j] = NAN;
  st = nd_cell_props_measure (set.sw, set.n, NULL, &p);
  ND_CHECK (st != ND_CELL_OK && isnan (p.v_rest_mV) && isnan (p.r_in_MOhm), "all NaN: status %d", st);
  nd_cell_props_clear (&p);
  free_sweeps (&set);

  /* No sweeps, empty sweeps. */
  st = nd_cell_props_measure (NULL, 0, NULL, &p);
  ND_CHECK (st == ND_CELL_NO_SWEEPS && p.n_sweeps == 0, "no sweeps: status %d", st);
  ND_CHECK (nd_cell_props_default_split (&p, train, 3) == 0, "no sweeps: no split");
  nd_cell_props_clear (&p);
  nd_cell_sweep empty[2] = { { NULL, NULL, 0, DT }, { NULL, NULL, 0, DT } };
  st = nd_cell_props_measure (empty, 2, NULL, &p);
  ND_CHECK (st == ND_CELL_NO_STEP && isnan (p.v_rest_mV), "empty sweeps: status %d", st);
  nd_cell_props_clear (&p);
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* Sweep to sweep (cell-repeat.h): independent recording noise of s.d. sigma makes neighbouring sweeps
 * differ by sigma sqrt(2); a sweep's own offset adds in quadrature; spikes at different times are cut
 * out; samples under different currents, or too soon after them, are not compared. */
static void
test_repeat (gsl_rng *rng)
{
  const double sigma = 0.2;
  rc_cell c = { .e_mV = -65.0, .r_MOhm = 200.0, .tau_ms = 20.0, .noise_mV = sigma };
  sweep_set set;
  make_sweeps (&set, &c, ladder, 6, rng);
  nd_cell_repeat r;
  ND_CHECK (nd_cell_repeat_measure (set.sw, set.n, 20.0, 0.0, &r), "repeat: memory");
  ND_CHECK (r.n_pairs == 5, "repeat: %d pairs", r.n_pairs);
  ND_CHECK_CLOSE (r.rmse_mV, sigma * sqrt (2.0), 0.0, 0.05, "repeat: noise alone");
  /* Compared: the 200 ms before the step and what follows 3 tau = 60 ms after it, per pair. */
  ND_CHECK_CLOSE (r.shared_ms, 5 * (T_ON + (N * DT - T_OFF - 60.0)), 5 * 2 * DT, 0.0, "repeat: samples compared");
  /* Spontaneous spikes at other times on every sweep are cut out, as in the fit's reports. */
  for (int s = 0; s < 6; s++)
    add_spike (set.v[s], N, DT, 40.0 + 25.0 * s, 90.0);
  nd_cell_repeat spk;
  nd_cell_repeat_measure (set.sw, set.n, 20.0, 0.0, &spk);
  ND_CHECK_CLOSE (spk.rmse_mV, sigma * sqrt (2.0), 0.0, 0.08, "repeat: spikes cut");
  ND_CHECK (spk.n_pairs == 5, "repeat: spikes, %d pairs", spk.n_pairs);
  free_sweeps (&set);

  /* Each sweep at its own level (a wandering potential): each pair's figure is sqrt(d^2 + 2 sigma^2). */
  make_sweeps (&set, &c, ladder, 6, rng);
  double off[6], expect[5];
  for (int s = 0; s < 6; s++)
    {
      off[s] = gsl_ran_gaussian (rng, 2.0);
      for (size_t j = 0; j < N; j++)
        set.v[s][j] += off[s];
    }
  for (int s = 0; s < 5; s++)
    expect[s] = sqrt ((off[s + 1] - off[s]) * (off[s + 1] - off[s]) + 2.0 * sigma * sigma);
  qsort (expect, 5, sizeof *expect, cmp_double);
  ND_CHECK (nd_cell_repeat_measure (set.sw, set.n, 20.0, 0.0, &r), "repeat: memory");
  ND_CHECK_CLOSE (r.rmse_mV, expect[2], 0.0, 0.05, "repeat: offsets, median pair");
  ND_CHECK_CLOSE (r.lo_mV, expect[0], 0.0, 0.1, "repeat: offsets, smallest pair");
  ND_CHECK_CLOSE (r.hi_mV, expect[4], 0.0, 0.05, "repeat: offsets, largest pair");
  /* cell-props reports the same, with its own time constant. */
  nd_cell_props p;
  nd_cell_props_measure (set.sw, set.n, NULL, &p);
  ND_CHECK_CLOSE (p.repeat_rmse_mV, r.rmse_mV, 0.0, 0.02, "repeat: in the cell's properties");
  ND_CHECK (p.repeat_pairs == 5, "repeat: cell-props pairs %d", p.repeat_pairs);
  nd_cell_props_clear (&p);
  free_sweeps (&set);

  /* Without noise only the step's after-effect differs: settled after 3 tau it is small (e^-3 of the
   * steps' 10 mV difference, decaying), unsettled it is not. */
  c.noise_mV = 0.0;
  make_sweeps (&set, &c, ladder, 6, rng);
  nd_cell_repeat settled, raw;
  nd_cell_repeat_measure (set.sw, set.n, 20.0, 0.0, &settled);
  nd_cell_repeat_measure (set.sw, set.n, 1e-3, 0.0, &raw);
  ND_CHECK (settled.rmse_mV < 0.25, "repeat: settled after-effect %g mV", settled.rmse_mV);
  ND_CHECK (raw.rmse_mV > 1.0, "repeat: unsettled after-effect %g mV", raw.rmse_mV);
  free_sweeps (&set);

  /* A recorded current with noise: the same current still counts as the same. */
  c.noise_mV = sigma;
  c.current_noise_pA = 3.0;
  make_sweeps (&set, &c, ladder, 6, rng);
  nd_cell_repeat_measure (set.sw, set.n, 20.0, 0.0, &r);
  ND_CHECK (r.n_pairs == 5, "repeat: noisy current, %d pairs", r.n_pairs);
  ND_CHECK_CLOSE (r.shared_ms, 5 * (T_ON + (N * DT - T_OFF - 60.0)), 5 * 40 * DT, 0.0, "repeat: noisy current, samples");
  ND_CHECK_CLOSE (r.rmse_mV, sigma * sqrt (2.0), 0.0, 0.05, "repeat: noisy current");
  free_sweeps (&set);

  /* Nothing shared: one sweep; every sample under another current; different sample intervals. */
  c.current_noise_pA = 0.0;
  make_sweeps (&set, &c, ladder, 2, rng);
  nd_cell_repeat_measure (set.sw, 1, 20.0, 0.0, &r);
  ND_CHECK (r.n_pairs == 0 && isnan (r.rmse_mV), "repeat: one sweep");
  for (size_t j = 0; j < N; j++)
    set.i[1][j] = set.i[0][j] + 50.0;
  nd_cell_repeat_measure (set.sw, 2, 20.0, 0.0, &r);
  ND_CHECK (r.n_pairs == 0 && isnan (r.rmse_mV), "repeat: no common current");
  nd_cell_sweep other[2] = { set.sw[0], set.sw[0] };
  other[1].dt_ms = 2.0 * DT;
  nd_cell_repeat_measure (other, 2, 20.0, 0.0, &r);
  ND_CHECK (r.n_pairs == 0, "repeat: other sample interval");
  free_sweeps (&set);
}

/* An RC cell (E, R, tau) driven by a +-20 pA chirp of 1-40 Hz, integrated independently of cell-rc.c: RK4 at a
 * twentieth of the sample interval on the continuous current (cell-rc.c holds each sample's current). */
static void
chirp_sweep_w (double *v, double *i, size_t n, double e, double r_MOhm, double tau, double g, double tau_w,
               double noise, gsl_rng *rng);

static void
chirp_sweep (double *v, double *i, double e, double r_MOhm, double tau, double noise, gsl_rng *rng)
{
  chirp_sweep_w (v, i, N, e, r_MOhm, tau, 0.0, 100.0, noise, rng);
}

/* The same with a slow negative feedback w (an h- or M-current's part in resonance): tau dV/dt = -(V - E) - w
 * + R I, tau_w dw/dt = -w + g (V - E); impedance R / (1 + i w tau + g / (1 + i w tau_w)). */
static void
chirp_sweep_w (double *v, double *i, size_t n, double e, double r_MOhm, double tau, double g, double tau_w,
               double noise, gsl_rng *rng)
{
  const double h = DT / 20.0;
  double x = e, y = 0.0;
  for (size_t j = 0; j < n; j++)
    {
      double t = j * DT;
      i[j] = 20.0 * sin (2.0 * M_PI * (1.0 + 39.0 * t / (2.0 * n * DT)) * t / 1000.0);
      v[j] = x + (noise > 0.0 ? gsl_ran_gaussian (rng, noise) : 0.0);
      for (int q = 0; q < 20; q++)
        {
          double tq = t + q * h;
#define CHIRP_I(tt) (20.0 * sin (2.0 * M_PI * (1.0 + 39.0 * (tt) / (2.0 * n * DT)) * (tt) / 1000.0))
#define DVDT(vv, ww, tt) ((-((vv) - e) - (ww) + r_MOhm * 1e-3 * CHIRP_I (tt)) / tau)
#define DWDT(vv, ww) ((-(ww) + g * ((vv) - e)) / tau_w)
          double k1 = DVDT (x, y, tq), l1 = DWDT (x, y);
          double k2 = DVDT (x + 0.5 * h * k1, y + 0.5 * h * l1, tq + 0.5 * h), l2 = DWDT (x + 0.5 * h * k1, y + 0.5 * h * l1);
          double k3 = DVDT (x + 0.5 * h * k2, y + 0.5 * h * l2, tq + 0.5 * h), l3 = DWDT (x + 0.5 * h * k2, y + 0.5 * h * l2);
          double k4 = DVDT (x + h * k3, y + h * l3, tq + h), l4 = DWDT (x + h * k3, y + h * l3);
#undef DWDT
#undef DVDT
#undef CHIRP_I
          x += h / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4);
          y += h / 6.0 * (l1 + 2.0 * l2 + 2.0 * l3 + l4);
        }
    }
}

/* |Z| (MOhm) of chirp_sweep_w's cell at f Hz. */
static double
z_abs (double f, double r_MOhm, double tau, double g, double tau_w)
{
  double complex iw = I * 2.0 * M_PI * f / 1000.0;
  return cabs (r_MOhm / (1.0 + iw * tau + g / (1.0 + iw * tau_w)));
}

/* The impedance of a sine sweep (impedance.h), against the cells' own: a passive membrane answers the slowest
 * cycles most (no resonance); one with a slow negative feedback resonates where its impedance peaks. */
static void
test_impedance (gsl_rng *rng)
{
  struct { double g, tau_w; } cells[] = { { 0.0, 100.0 }, { 3.0, 80.0 } };
  for (int c = 0; c < 2; c++)
    {
      /* 20 s sweeps, as experimenters' sine sweeps are (each cycle nearly a steady sine). */
      const size_t n = 20 * N;
      sweep_set set = { .n = 2 };
      for (int s = 0; s < 2; s++)
        {
          set.v[s] = malloc (n * sizeof (double));
          set.i[s] = malloc (n * sizeof (double));
          chirp_sweep_w (set.v[s], set.i[s], n, -65.0, 150.0, 20.0, cells[c].g, cells[c].tau_w, 0.1, rng);
          set.sw[s] = (nd_cell_sweep) { set.v[s], set.i[s], n, DT };
        }
      nd_impedance z;
      ND_CHECK (nd_impedance_measure (set.sw, 2, 0.0, &z), "impedance %d: measured", c);
      /* Every band within 5 % of the cell's |Z| at its centre (its cycles' median). */
      double peak = 0.0, f_peak = 0.0;
      for (int b = 0; b < z.n_bands; b++)
        {
          double want = z_abs (z.f_Hz[b], 150.0, 20.0, cells[c].g, cells[c].tau_w);
          ND_CHECK_CLOSE (z.z_MOhm[b], want, 0.0, 0.05, "impedance: band");
        }
      for (double f = z.f_lo_Hz; f <= z.f_hi_Hz; f *= 1.01)
        if (z_abs (f, 150.0, 20.0, cells[c].g, cells[c].tau_w) > peak)
          peak = z_abs (f, 150.0, 20.0, cells[c].g, cells[c].tau_w), f_peak = f;
      if (cells[c].g == 0.0)
        ND_CHECK (z.resonance_Hz == 0.0 && z.q == 1.0, "passive: no resonance (%g Hz, Q %g)", z.resonance_Hz, z.q);
      else
        {
          /* Within a band's width (12 bands over 1-40 Hz: a factor 1.36). */
          ND_CHECK (z.resonance_Hz > f_peak / 1.36 && z.resonance_Hz < f_peak * 1.36, "resonance %g Hz, the cell's %g Hz",
                    z.resonance_Hz, f_peak);
          ND_CHECK_CLOSE (z.q, peak / z_abs (z.f_Hz[0], 150.0, 20.0, cells[c].g, cells[c].tau_w), 0.0, 0.1, "Q");
          ND_CHECK (z.q > 1.2, "resonant: Q %g", z.q);
        }
      free_sweeps (&set);
    }
  /* A noise current is no sine sweep; nor a train of equal pulses. */
  rc_cell c = { .e_mV = -65.0, .r_MOhm = 200.0, .tau_ms = 20.0, .noise_mV = 0.2, .current_noise_pA = 5.0 };
  static const double zeros[] = { 0.0, 0.0 };
  sweep_set set;
  make_sweeps (&set, &c, zeros, 2, rng);
  nd_impedance z;
  ND_CHECK (!nd_impedance_measure (set.sw, 2, 0.0, &z) && isnan (z.resonance_Hz), "noise: no impedance");
  for (int s = 0; s < 2; s++)
    for (size_t j = 0; j < N; j++)
      set.i[s][j] = fmod (j * DT, 10.0) < 2.0 ? 100.0 : 0.0;
  ND_CHECK (!nd_impedance_measure (set.sw, 2, 0.0, &z), "pulses: no impedance");
  free_sweeps (&set);
}

/* A recorded current with mains hum (50 Hz, 3 pA) and a little noise moves slowly within a step, as a sine
 * sweep does, but by little beside the step: the steps stay steps. */
static void
test_current_hum (gsl_rng *rng)
{
  rc_cell c = { .e_mV = -65.0, .r_MOhm = 200.0, .tau_ms = 20.0, .noise_mV = 0.2 };
  sweep_set set;
  make_sweeps (&set, &c, ladder, 6, rng);
  for (int s = 0; s < 6; s++)
    {
      double phase = gsl_rng_uniform (rng) * 2.0 * M_PI;
      for (size_t j = 0; j < N; j++)
        set.i[s][j] += 3.0 * sin (2.0 * M_PI * 0.05 * j * DT + phase) + gsl_ran_gaussian (rng, 0.5);
    }
  nd_cell_props p;
  nd_cell_status st = nd_cell_props_measure (set.sw, set.n, NULL, &p);
  ND_CHECK (st == ND_CELL_OK && !p.rc_fit, "hum: status %d", st);
  for (int s = 0; s < 6; s++)
    ND_CHECK_CLOSE (p.sweeps[s].stimulus_pA, ladder[s], 1.0, 0.0, "hum: the step");
  ND_CHECK_CLOSE (p.r_in_MOhm, 200.0, 0.0, 0.02, "hum: input resistance");
  nd_cell_props_clear (&p);
  free_sweeps (&set);
}

/* One sweep that opens with a hyperpolarising test step and then drives the cell with brief large pulses (as
 * pyABF's 18425108: -50 pA for 250 ms, then 2 ms pulses of 2.5 nA every 10 ms): the test step is the step,
 * though the pulses deviate fifty times further. */
static void
test_test_step_and_pulses (gsl_rng *rng)
{
  rc_cell c = { .e_mV = -70.0, .r_MOhm = 100.0, .tau_ms = 20.0, .noise_mV = 0.2 };
  static const double step[] = { -50.0 };
  sweep_set set;
  make_sweeps (&set, &c, step, 1, rng);
  for (size_t j = 0; j < N; j++)
    {
      double t = j * DT;
      if (t >= 750.0 && t < 950.0 && fmod (t - 750.0, 10.0) < 2.0)
        set.i[0][j] = 2500.0;
    }
  nd_cell_props p;
  nd_cell_status st = nd_cell_props_measure (set.sw, 1, NULL, &p);
  ND_CHECK (st == ND_CELL_OK, "test step: status %d", st);
  ND_CHECK_CLOSE (p.step_start_ms, T_ON, 1.0, 0.0, "test step: starts");
  ND_CHECK_CLOSE (p.step_end_ms, T_OFF, 1.0, 0.0, "test step: ends");
  ND_CHECK_CLOSE (p.sweeps[0].stimulus_pA, -50.0, 1e-9, 0.0, "test step: level");
  ND_CHECK_CLOSE (p.r_in_MOhm, 100.0, 0.0, 0.01, "test step: input resistance");
  ND_CHECK_CLOSE (p.tau_m_ms, 20.0, 0.0, 0.03, "test step: time constant");
  ND_CHECK (!p.rc_fit, "test step: measured on the step");
  nd_cell_props_clear (&p);
  free_sweeps (&set);
}

/* A recording whose current is no step (a chirp, as pyABF's 171116sh_0017): R_in and tau from a passive
 * membrane fitted to it; a voltage the current does not explain is refused. */
static void
test_rc_fit (gsl_rng *rng)
{
  sweep_set set = { .n = 3 };
  const double e[3] = { -61.0, -61.5, -60.2 };   /* each sweep at its own rest */
  for (int s = 0; s < 3; s++)
    {
      set.v[s] = malloc (N * sizeof (double));
      set.i[s] = malloc (N * sizeof (double));
      chirp_sweep (set.v[s], set.i[s], e[s], 150.0, 35.0, 0.3, rng);
      set.sw[s] = (nd_cell_sweep) { set.v[s], set.i[s], N, DT };
    }
  nd_cell_rc rc;
  ND_CHECK (nd_cell_rc_fit (set.sw, 3, 0.0, &rc), "chirp: accepted (r2 %g)", rc.r2);
  ND_CHECK_CLOSE (rc.r_MOhm, 150.0, 0.0, 0.01, "chirp: R");
  ND_CHECK_CLOSE (rc.tau_ms, 35.0, 0.0, 0.02, "chirp: tau");
  ND_CHECK_CLOSE (rc.e_mV, -61.0, 0.05, 0.0, "chirp: the median sweep's rest");
  ND_CHECK (rc.r2 > 0.8 && rc.n_sweeps == 3, "chirp: r2 %g, %d sweeps", rc.r2, rc.n_sweeps);
  nd_cell_props p;
  nd_cell_status st = nd_cell_props_measure (set.sw, 3, NULL, &p);
  ND_CHECK (st == ND_CELL_OK && p.rc_fit, "chirp: status %d, rc %d", st, p.rc_fit);
  ND_CHECK_CLOSE (p.r_in_MOhm, 150.0, 0.0, 0.01, "chirp: cell R_in");
  ND_CHECK_CLOSE (p.c_m_pF, 35.0 / 150.0 * 1000.0, 0.0, 0.03, "chirp: capacitance");
  ND_CHECK (isnan (p.step_start_ms) && isnan (p.rheobase_pA) && isnan (p.sag_ratio) && p.charge.sweep < 0,
            "chirp: no step, rheobase, sag or curve");
  for (int s = 0; s < 3; s++)
    ND_CHECK (isnan (p.sweeps[s].stimulus_pA), "chirp: sweep %d has no step level (%g)", s, p.sweeps[s].stimulus_pA);
  nd_cell_props_clear (&p);
  /* A cell that fires is no passive membrane: the card does not fit one to it. */
  add_spike (set.v[1], N, DT, 500.0, 90.0);
  st = nd_cell_props_measure (set.sw, 3, NULL, &p);
  ND_CHECK (st != ND_CELL_OK && !p.rc_fit && isnan (p.r_in_MOhm), "chirp with a spike: status %d", st);
  nd_cell_props_clear (&p);

  /* The potential wandering on its own, 3 mV, much more than the current moves it: refused. */
  for (int s = 0; s < 3; s++)
    {
      double walk = 0.0;
      for (size_t j = 0; j < N; j++)
        {
          walk += gsl_ran_gaussian (rng, 0.2);
          walk *= 0.9995;
          set.v[s][j] = e[s] + 0.02 * (set.v[s][j] - e[s]) + walk;
        }
    }
  ND_CHECK (!nd_cell_rc_fit (set.sw, 3, 0.0, &rc), "wander: refused (r2 %g)", rc.r2);
  st = nd_cell_props_measure (set.sw, 3, NULL, &p);
  ND_CHECK (st != ND_CELL_OK && !p.rc_fit && isnan (p.r_in_MOhm), "wander: status %d, R_in %g", st, p.r_in_MOhm);
  nd_cell_props_clear (&p);
  /* A current that never changes: nothing to fit. */
  for (int s = 0; s < 3; s++)
    for (size_t j = 0; j < N; j++)
      set.i[s][j] = 5.0;
  ND_CHECK (!nd_cell_rc_fit (set.sw, 3, 0.0, &rc) && isnan (rc.r_MOhm), "flat current: refused");
  free_sweeps (&set);
}

int
main (void)
{
  gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
  gsl_rng_set (rng, 7);
  test_rc (rng);
  test_sag (rng);
  test_spikes (rng);
  test_two_steps (rng);
  test_noise_sweep (rng);
  test_degenerate (rng);
  test_repeat (rng);
  test_rc_fit (rng);
  test_impedance (rng);
  test_test_step_and_pulses (rng);
  test_current_hum (rng);
  gsl_rng_free (rng);
  return nd_check_done ("test-cell-props");
}
