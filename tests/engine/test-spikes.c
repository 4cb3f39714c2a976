/* test-spikes.c: the spike detector on plateau spikes, bursts, doublets, noise and simulated HH.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The synthetic traces are a baseline plus spikes of a fixed shape (a
 * 0.4 ms rise, a 1 ms fall and an afterhyperpolarisation), placed at known
 * times, so the expected count and peak times are exact.
 */
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "channel.h"
#include "integrator.h"
#include "model.h"
#include "nd-check.h"
#include "spike-shape.h"
#include "spikes.h"

#define DT 0.05
#define N 20000   /* 1 s at 20 kHz */

static void
fill (double *v, double level)
{
  for (size_t j = 0; j < N; j++)
    v[j] = level;
}

static void
check_times (const double *v, const double *want, size_t n_want, double tol, const char *what)
{
  nd_spike s[64];
  size_t n = nd_spikes_find (v, N, DT, NULL, s, 64);
  ND_CHECK (n == n_want, "%s: %zu spikes, expected %zu", what, n, n_want);
  for (size_t i = 0; i < n && i < n_want; i++)
    ND_CHECK (fabs (s[i].t_ms - want[i]) <= tol, "%s: spike %zu at %.3f ms, expected %.3f", what, i, s[i].t_ms,
              want[i]);
  ND_CHECK (nd_spikes_count (v, N, DT) == n_want, "%s: count", what);
  double t[64];
  ND_CHECK (nd_spikes_times (v, N, DT, t, 64) == n_want, "%s: times count", what);
  for (size_t i = 0; i < n && i < n_want; i++)
    ND_CHECK (t[i] == s[i].t_ms, "%s: times agree", what);
  size_t k = 99;
  double *all = nd_spikes_times_new (v, N, DT, &k);
  ND_CHECK (k == n_want && (all != NULL) == (n_want > 0), "%s: times_new count %zu", what, k);
  for (size_t i = 0; all && i < k && i < n; i++)
    ND_CHECK (all[i] == s[i].t_ms, "%s: times_new agree", what);
  free (all);
}

static void
test_plateau (void)
{
  /* A cell driven to a -25 mV plateau fires small spikes (+35 mV high) that
   * never cross 0 mV: a 0 mV threshold counts none of them. */
  double *v = malloc (N * sizeof *v), want[12];
  fill (v, -70.0);
  for (size_t j = 4000; j < 16000; j++)
    v[j] = -25.0;
  for (int i = 0; i < 12; i++)
    {
      want[i] = 220.0 + 50.0 * i;
      add_spike (v, N, DT, want[i], 33.0);
    }
  check_times (v, want, 12, DT, "plateau");
  free (v);
}

static void
test_burst_and_doublet (void)
{
  /* A burst of four spikes 4 ms apart riding on a depolarisation (V falls
   * only to about -40 mV between them), then a doublet 3 ms apart, then a
   * single spike. */
  double *v = malloc (N * sizeof *v);
  fill (v, -65.0);
  for (size_t j = 2000; j < 3000; j++)
    v[j] = -45.0;
  double want[] = { 110.0, 114.0, 118.0, 122.0, 400.0, 403.0, 700.0 };
  for (int i = 0; i < 4; i++)
    add_spike (v, N, DT, want[i], 80.0);
  add_spike (v, N, DT, want[4], 95.0);
  add_spike (v, N, DT, want[5], 85.0);
  add_spike (v, N, DT, want[6], 95.0);
  check_times (v, want, 7, DT, "burst and doublet");
  free (v);
}

static void
test_noise (void)
{
  gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
  gsl_rng_set (rng, 7);
  double *v = malloc (N * sizeof *v);
  /* 1 mV white noise and slow 10 mV bumps (synaptic potentials): no spike. */
  for (size_t j = 0; j < N; j++)
    v[j] = -70.0 + gsl_ran_gaussian (rng, 1.0) + 10.0 * exp (-pow ((j * DT - 500.0) / 5.0, 2));
  ND_CHECK (nd_spikes_count (v, N, DT) == 0, "noise alone: %zu spikes", nd_spikes_count (v, N, DT));
  size_t k0 = 99;
  ND_CHECK (nd_spikes_times_new (v, N, DT, &k0) == NULL && k0 == 0, "no spikes: no times");
  /* The same noise on spikes: each counted once. */
  double want[] = { 100.0, 300.0, 301.5 + 2.0, 650.0, 900.0 };
  for (int i = 0; i < 5; i++)
    add_spike (v, N, DT, want[i], 90.0);
  check_times (v, want, 5, 0.2, "spikes in noise");
  gsl_rng_free (rng);
  free (v);
}

static void
test_small_events (void)
{
  /* A fast 10 mV spikelet (a failed spike or an oscillation on a plateau)
   * is not a spike; one of 16 mV peaking above -35 mV is. */
  double *v = malloc (N * sizeof *v);
  fill (v, -40.0);
  add_spike (v, N, DT, 200.0, 10.0);
  ND_CHECK (nd_spikes_count (v, N, DT) == 0, "spikelet: %zu", nd_spikes_count (v, N, DT));
  add_spike (v, N, DT, 600.0, 16.0);
  ND_CHECK (nd_spikes_count (v, N, DT) == 1, "small spike: %zu", nd_spikes_count (v, N, DT));
  /* Edge cases: too short, bad dt, a spike cut by the end of the trace. */
  ND_CHECK (nd_spikes_count (v, 1, DT) == 0, "one sample");
  ND_CHECK (nd_spikes_count (v, N, 0.0) == 0, "dt 0");
  ND_CHECK (nd_spikes_count (v, N, NAN) == 0, "dt NaN");
  fill (v, -70.0);
  add_spike (v, N, DT, N * DT - 0.1, 80.0);
  ND_CHECK (nd_spikes_count (v, N, DT) == 1, "spike at the end: %zu", nd_spikes_count (v, N, DT));
  free (v);
}

static void
test_hh (void)
{
  /* Classic HH at 10 uA/cm2 fires regularly at 68 Hz (docs/engine.md): the
   * detector agrees with the 0 mV crossings on every spike, at any dt. */
  nd_model *m = nd_model_new (1.0, 1e4 / 100.0, -65.0, 6.3);
  nd_model_add_known (m, nd_channel_lookup ("hh_na"), 120.0, 50.0);
  nd_model_add_known (m, nd_channel_lookup ("hh_k"), 36.0, -77.0);
  nd_model_add_known (m, nd_channel_lookup ("leak"), 0.3, -54.3);
  for (int r = 0; r < 2; r++)
    {
      double dt = r == 0 ? 0.01 : 0.1;
      size_t n = (size_t) (500.0 / dt);
      double *i = malloc (n * sizeof *i), *v = malloc (n * sizeof *v);
      for (size_t j = 0; j < n; j++)
        i[j] = j * dt > 50.0 ? 10.0 : 0.0;
      nd_drive d = { .n = n, .dt_sample = dt, .n_sub = 1, .i_inj = i };
      nd_simulate (m, &d, v, NULL);
      size_t crossings = 0;
      for (size_t j = 1; j < n; j++)
        crossings += v[j - 1] < 0.0 && v[j] >= 0.0;
      ND_CHECK (crossings > 20, "HH fires (%zu)", crossings);
      ND_CHECK (nd_spikes_count (v, n, dt) == crossings, "HH at dt %g: %zu spikes, %zu crossings", dt,
                nd_spikes_count (v, n, dt), crossings);
      free (i);
      free (v);
    }
  nd_model_free (m);
}

/* The coincidence factor on spike trains worked by hand. */
static void
test_coincidence (void)
{
  const double a[] = { 10.0, 20.0, 30.0, 40.0 };
  /* 10 <-> 11 and 40 <-> 39.5 within 2 ms, 20 and 30 unmatched (25 is 5 ms from both): N_coinc 2,
   * nu = 3 / 100 ms, chance 2 nu w = 0.12, Gamma = (2 - 0.12 * 4) / 3.5 / 0.88 = 0.493506... */
  const double b[] = { 11.0, 25.0, 39.5 };
  ND_CHECK_CLOSE (nd_spikes_coincidence (a, 4, b, 3, 2.0, 100.0), 1.52 / 3.5 / 0.88, 1e-12, 0, "hand example");
  /* Itself: 1 whatever the rate; shifted beyond the window: below 0 (fewer than chance). */
  ND_CHECK_CLOSE (nd_spikes_coincidence (a, 4, a, 4, 2.0, 100.0), 1.0, 1e-12, 0, "identical trains");
  const double late[] = { 13.0, 23.0, 33.0, 43.0 };
  double g = nd_spikes_coincidence (a, 4, late, 4, 2.0, 100.0);
  ND_CHECK_CLOSE (g, -0.16 / 0.84, 1e-12, 0, "every spike 3 ms late");
  ND_CHECK_CLOSE (nd_spikes_coincidence (a, 4, late, 4, 3.0, 100.0), 1.0, 1e-12, 0, "within a 3 ms window");
  /* A spike of b is matched once: two reference spikes 1 ms apart and one model spike between them. */
  const double pair[] = { 50.0, 51.0 }, one[] = { 50.5 };
  ND_CHECK_CLOSE (nd_spikes_coincidence (pair, 2, one, 1, 2.0, 100.0), (1.0 - 0.04 * 2) / 1.5 / 0.96, 1e-12, 0,
                  "one model spike, two reference spikes");
  ND_CHECK (nd_spikes_coincidence (a, 4, NULL, 0, 2.0, 100.0) == 0.0, "a silent model scores 0");
  ND_CHECK (isnan (nd_spikes_coincidence (NULL, 0, NULL, 0, 2.0, 100.0)), "no spikes at all: NAN");
  ND_CHECK (isnan (nd_spikes_coincidence (a, 4, a, 4, 20.0, 100.0)), "chance fills every window: NAN");
  /* From traces: the detector's peak times, the duration n dt. */
  double *v = malloc (N * sizeof *v), *w = malloc (N * sizeof *w);
  fill (v, -65.0);
  fill (w, -65.0);
  const double at[] = { 100.0, 300.0, 500.0 }, bt[] = { 101.0, 304.0, 500.5 };
  for (int k = 0; k < 3; k++)
    {
      add_spike (v, N, DT, at[k], 80.0);
      add_spike (w, N, DT, bt[k], 80.0);
    }
  double pa[3], pb[3];
  ND_CHECK (nd_spikes_times (v, N, DT, pa, 3) == 3 && nd_spikes_times (w, N, DT, pb, 3) == 3, "three spikes each");
  ND_CHECK_CLOSE (nd_spikes_coincidence_traces (v, w, N, DT, 2.0), nd_spikes_coincidence (pa, 3, pb, 3, 2.0, N * DT),
                  1e-12, 0, "traces");
  ND_CHECK_CLOSE (nd_spikes_coincidence_traces (v, w, N, DT, 2.0), (2.0 - 2.0 * 3.0 / 1000.0 * 2.0 * 3.0) / 3.0
                  / (1.0 - 2.0 * 3.0 / 1000.0 * 2.0), 1e-12, 0, "traces by hand (300 vs 304 ms unmatched)");
  free (v);
  free (w);
}

int
main (void)
{
  test_coincidence ();
  test_plateau ();
  test_burst_and_doublet ();
  test_noise ();
  test_small_events ();
  test_hh ();
  return nd_check_done ("test-spikes");
}
