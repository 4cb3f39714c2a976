/* test-integrator.c: the fixed-step scheme against GSL's rk8pd and classic HH facts.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gsl/gsl_errno.h>
#include <gsl/gsl_odeiv2.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hh-model.h"
#include "integrator.h"
#include "nd-check.h"

typedef struct {
  nd_model *m;
  double i_inj;
} rhs_ctx;

/* The continuous model: C dV/dt = I - I_ion, dx/dt = (x_inf - x)/tau. */
static int
rhs (double t, const double y[], double f[], void *data)
{
  rhs_ctx *ctx = data;
  nd_model *m = ctx->m;
  /* Instantaneous gates (tau = 0) are algebraic: x = x_inf(V). */
  double ya[64];
  memcpy (ya, y, m->n_state * sizeof *y);
  for (int c = 0; c < m->n_channels; c++)
    for (int g = 0; g < m->channels[c].n_gates; g++)
      {
        nd_gate_rates r;
        nd_model_gate_rates (m, c, g, y[0], &r);
        int s = m->channels[c].state_off + g;
        f[s] = r.tau > 0.0 ? (r.x_inf - y[s]) / r.tau : 0.0;
        if (r.tau == 0.0)
          ya[s] = r.x_inf;
      }
  f[0] = (ctx->i_inj - nd_model_ionic_current (m, ya)) / m->cm;
  return GSL_SUCCESS;
}

/* V at every sample by rk8pd, the current held over each sample interval. */
static void
reference_trace (nd_model *m, const double *i_inj, size_t n, double dt_sample, double *v)
{
  rhs_ctx ctx = { m, 0.0 };
  gsl_odeiv2_system sys = { rhs, NULL, (size_t) m->n_state, &ctx };
  gsl_odeiv2_driver *drv = gsl_odeiv2_driver_alloc_y_new (&sys, gsl_odeiv2_step_rk8pd, 1e-4, 1e-12, 1e-12);
  double *y = malloc (m->n_state * sizeof *y);
  nd_model_initial_state (m, y);
  double t = 0.0;
  v[0] = y[0];
  for (size_t j = 0; j + 1 < n; j++)
    {
      ctx.i_inj = i_inj[j];
      gsl_odeiv2_driver_reset (drv);
      int st = gsl_odeiv2_driver_apply (drv, &t, (j + 1) * dt_sample, y);
      ND_CHECK (st == GSL_SUCCESS, "rk8pd failed: %d", st);
      v[j + 1] = y[0];
    }
  free (y);
  gsl_odeiv2_driver_free (drv);
}

static double
max_err (const double *a, const double *b, size_t n)
{
  double e = 0.0;
  for (size_t j = 0; j < n; j++)
    e = fmax (e, fabs (a[j] - b[j]));
  return e;
}

/* Spikes (upward crossings of 0 mV) after t_from, with the peak voltage. */
static int
count_spikes (const double *v, size_t n, double dt, double t_from, double *peak, double *first, double *last)
{
  int k = 0;
  *peak = -1e9;
  for (size_t j = 1; j < n; j++)
    {
      if (j * dt < t_from)
        continue;
      *peak = fmax (*peak, v[j]);
      if (v[j - 1] < 0.0 && v[j] >= 0.0)
        {
          if (!k)
            *first = j * dt;
          *last = j * dt;
          k++;
        }
    }
  return k;
}

static void
test_convergence (void)
{
  nd_model *m = nd_test_classic_hh (-65.0);
  /* 30 ms sampled every 0.1 ms: 10 uA/cm2 from 2 ms on (two spikes). */
  const size_t n = 301;
  const double dts = 0.1;
  double *i_inj = calloc (n, sizeof *i_inj), *ref = malloc (n * sizeof *ref), *v = malloc (n * sizeof *v);
  for (size_t j = 20; j < n; j++)
    i_inj[j] = 10.0;
  reference_trace (m, i_inj, n, dts, ref);
  double err[4];
  for (int k = 0; k < 4; k++)
    {
      nd_drive d = { .n = n, .dt_sample = dts, .n_sub = 10 << k, .i_inj = i_inj };
      nd_simulate (m, &d, v, NULL);
      err[k] = max_err (v, ref, n);
      printf ("dt %.5f ms: max |V - V_rk8pd| = %.5f mV\n", dts / d.n_sub, err[k]);
    }
  /* First order: halving dt halves the error. */
  for (int k = 1; k < 4; k++)
    {
      double ratio = err[k - 1] / err[k];
      ND_CHECK (ratio > 1.8 && ratio < 2.2, "error ratio %g at refinement %d (first order)", ratio, k);
    }
  /* Spike timing dominates: ~0.9 mV at dt 1.25 us during the upstroke. */
  ND_CHECK (err[3] < 1.0, "finest error %g mV", err[3]);

  /* A model with every known kind (Pospischil, A-type, Ih) converges too. */
  nd_model *p = nd_model_new (1.0, 1000.0, -70.0, 36.0);
  const char *types[] = { "pospischil_na", "pospischil_kd", "pospischil_m", "pospischil_cal",
                          "pospischil_cat", "a_type", "ih", "leak" };
  const double gbar[] = { 50.0, 5.0, 0.5, 0.1, 0.4, 5.0, 0.5, 0.1 };
  const double erev[] = { 50.0, -90.0, -90.0, 120.0, 120.0, -75.0, -45.0, -70.0 };
  for (int i = 0; i < 8; i++)
    ND_CHECK (nd_model_add_known (p, nd_channel_lookup (types[i]), gbar[i], erev[i]) == i, "add %s", types[i]);
  for (size_t j = 20; j < n; j++)
    i_inj[j] = 10.0;
  reference_trace (p, i_inj, n, dts, ref);
  for (int k = 0; k < 3; k++)
    {
      nd_drive d = { .n = n, .dt_sample = dts, .n_sub = 10 << k, .i_inj = i_inj };
      nd_simulate (p, &d, v, NULL);
      err[k] = max_err (v, ref, n);
      printf ("full library, dt %.5f ms: max error %.5f mV\n", dts / d.n_sub, err[k]);
    }
  for (int k = 1; k < 3; k++)
    ND_CHECK (err[k - 1] / err[k] > 1.7 && err[k - 1] / err[k] < 2.3, "library model order: %g",
              err[k - 1] / err[k]);
  double peak, first, last;
  int k = count_spikes (v, n, dts, 0.0, &peak, &first, &last);
  ND_CHECK (k >= 1, "the library model spikes (%d, peak %g)", k, peak);
  nd_model_free (p);
  nd_model_free (m);
  free (i_inj);
  free (ref);
  free (v);
}

static void
test_classic_hh (void)
{
  nd_model *m = nd_test_classic_hh (-65.0);
  const double dts = 0.01;
  const size_t n = 100001; /* 1 s */
  double *i_inj = calloc (n, sizeof *i_inj), *v = malloc (n * sizeof *v);
  nd_drive d = { .n = n, .dt_sample = dts, .n_sub = 1, .i_inj = i_inj };

  nd_simulate (m, &d, v, NULL);
  ND_CHECK_CLOSE (v[n - 1], -65.0, 0.1, 0, "resting potential");

  const double amps[] = { 6.2, 6.3, 10.0 };
  double rate[3], peak[3];
  for (int a = 0; a < 3; a++)
    {
      for (size_t j = 0; j < n; j++)
        i_inj[j] = amps[a];
      nd_simulate (m, &d, v, NULL);
      double first = 0, last = 0;
      /* Rate from the spikes after the first 200 ms (steady state). */
      int k = count_spikes (v, n, dts, 200.0, &peak[a], &first, &last);
      rate[a] = k > 1 ? (k - 1) / (last - first) * 1000.0 : 0.0;
      /* The classic figure is the peak of the first spike from rest. */
      double p0 = -1e9;
      for (size_t j = 0; j < 1000; j++)
        p0 = fmax (p0, v[j]);
      peak[a] = p0;
      printf ("%.1f uA/cm2: %d spikes after 200 ms, %.2f Hz, first peak %.2f mV\n", amps[a], k, rate[a], peak[a]);
    }
  ND_CHECK (rate[0] == 0.0, "6.2 uA/cm2 must not fire repetitively (%.2f Hz)", rate[0]);
  ND_CHECK (rate[1] >= 50.0 && rate[1] <= 55.0, "6.3 uA/cm2: %.2f Hz, want 50-55", rate[1]);
  ND_CHECK (fabs (rate[2] - 68.0) <= 2.0, "10 uA/cm2: %.2f Hz, want 68 +- 2", rate[2]);
  ND_CHECK (peak[2] >= 38.0 && peak[2] <= 42.0, "first spike peak %.2f mV, want +38..+42", peak[2]);
  nd_model_free (m);
  free (i_inj);
  free (v);
}

int
main (void)
{
  gsl_set_error_handler_off ();
  test_convergence ();
  test_classic_hh ();
  return nd_check_done ("integrator");
}
