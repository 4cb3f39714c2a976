/* test-learned-gate.c: the published gate head, its V-derivatives and its gradient.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "learned-gate.h"

static int failures;

#define CHECK(cond, ...) do { if (!(cond)) { failures++; fprintf (stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
      fprintf (stderr, __VA_ARGS__); fputc ('\n', stderr); } } while (0)

/* The head written out from the paper's description, on top of the (separately
 * tested) MLP: V in [-80, 60] -> [-1, 1], x_inf = 1/(1+e^-a), tau = e^min(b,85). */
static void
reference_rates (const nd_learned_gate *g, const double *p, double v, double *x_inf, double *tau)
{
  double in = -1.0 + 2.0 * (v + 80.0) / 140.0, ab[2];
  nd_mlp_forward (&g->shape, p, &in, ab, NULL);
  *x_inf = 1.0 / (1.0 + exp (-ab[0]));
  *tau = exp (fmin (ab[1], 85.0));
}

/* Loss used for gradient checks: c1 * x_inf + c2 * log-free tau term, summed over V. */
static double
loss (const nd_learned_gate *g, const double *p, int n, const double *v, const double *c1, const double *c2)
{
  double l = 0.0;
  for (int i = 0; i < n; i++)
    {
      double xi, t;
      nd_learned_gate_values (g, p, v[i], &xi, &t, NULL);
      l += c1[i] * xi + c2[i] * t;
    }
  return l;
}

static void
check_gate (const nd_learned_gate *g, gsl_rng *rng, const char *name)
{
  size_t np = nd_learned_gate_n_params (g);
  size_t cs = nd_learned_gate_cache_size (g);
  double *p = malloc (np * sizeof *p);
  nd_learned_gate_init (g, p, gsl_rng_get (rng), 1.0);
  for (size_t j = 0; j < np; j++)
    p[j] += 0.2 * gsl_ran_gaussian (rng, 1.0);
  enum { N = 9 };
  double v[N], c1[N], c2[N];
  for (int i = 0; i < N; i++)
    {
      v[i] = -100.0 + 25.0 * i + gsl_ran_flat (rng, -3, 3);   /* also outside [-80, 60] */
      c1[i] = gsl_ran_gaussian (rng, 1.0);
      c2[i] = gsl_ran_gaussian (rng, 1.0);
    }
  double *cache = malloc (N * cs * sizeof *cache);
  nd_gate_rates r[N];
  nd_learned_gate_eval_batch (g, p, N, v, r, cache);

  for (int i = 0; i < N; i++)
    {
      double xr, tr;
      reference_rates (g, p, v[i], &xr, &tr);
      CHECK (fabs (r[i].x_inf - xr) < 1e-14, "%s: x_inf at %g: %.17g vs %.17g", name, v[i], r[i].x_inf, xr);
      CHECK (fabs (r[i].tau - tr) < 1e-13 * tr, "%s: tau at %g: %.17g vs %.17g", name, v[i], r[i].tau, tr);
      nd_gate_rates one;
      nd_learned_gate_eval (g, p, v[i], &one, NULL);
      CHECK (memcmp (&one, &r[i], sizeof one) == 0, "%s: single and batch eval differ at %g", name, v[i]);
      nd_learned_gate_instance inst = { *g, p };
      nd_gate_rates_fn fn = nd_learned_gate_rates;
      fn (&inst, v[i], 6.3, &one);
      CHECK (memcmp (&one, &r[i], sizeof one) == 0, "%s: channel.h rates adapter differs at %g", name, v[i]);

      /* V-derivatives against central differences (h = 1e-4 mV). */
      const double h = 1e-4;
      double xp, tp, xm, tm;
      nd_learned_gate_values (g, p, v[i] + h, &xp, &tp, NULL);
      nd_learned_gate_values (g, p, v[i] - h, &xm, &tm, NULL);
      double dx = (xp - xm) / (2 * h), dt = (tp - tm) / (2 * h);
      CHECK (fabs (r[i].dx_inf - dx) <= 1e-6 * fmax (fabs (dx), 1e-6),
             "%s: dx_inf/dV at %g: %.10g vs fd %.10g", name, v[i], r[i].dx_inf, dx);
      CHECK (fabs (r[i].dtau - dt) <= 1e-6 * fmax (fabs (dt), 1e-6 * r[i].tau),
             "%s: dtau/dV at %g: %.10g vs fd %.10g", name, v[i], r[i].dtau, dt);
    }

  /* Parameter gradient of sum c1 x_inf + c2 tau against central differences. */
  double *grad = calloc (np, sizeof *grad);
  nd_learned_gate_backward_batch (g, p, N, cache, c1, c2, grad);
  double gmax = 0.0;
  for (size_t j = 0; j < np; j++)
    gmax = fmax (gmax, fabs (grad[j]));
  double worst = 0.0;
  for (size_t j = 0; j < np; j++)
    {
      const double h = 1e-5;
      double save = p[j];
      p[j] = save + h;
      double lp = loss (g, p, N, v, c1, c2);
      p[j] = save - h;
      double lm = loss (g, p, N, v, c1, c2);
      p[j] = save;
      double fd = (lp - lm) / (2 * h);
      worst = fmax (worst, fabs (grad[j] - fd) / fmax (fmax (fabs (fd), fabs (grad[j])), 1e-3 * gmax));
    }
  CHECK (worst < 1e-6, "%s: parameter gradient rel err %.3g", name, worst);
  printf ("%s: %zu params, worst gradient rel err %.2e\n", name, np, worst);
  free (grad);
  free (cache);
  free (p);
}

/* A gate whose b output is a chosen constant: all weights 0, output bias set. */
static void
constant_gate (const nd_learned_gate *g, double *p, double a, double b)
{
  size_t np = nd_learned_gate_n_params (g);
  memset (p, 0, np * sizeof *p);
  p[np - 2] = a;
  p[np - 1] = b;
}

static void
check_bounds (void)
{
  nd_learned_gate g;
  nd_learned_gate_make (&g, 4, 1, ND_ACT_TANH, false);
  size_t np = nd_learned_gate_n_params (&g);
  double *p = malloc (np * sizeof *p), *grad = calloc (np, sizeof *grad);
  double cache[64];
  double x, t;

  /* Ordinary tau: smooth and hard bounds agree to the last digit. */
  constant_gate (&g, p, 0.3, log (38000.0));
  nd_learned_gate_values (&g, p, 0.0, &x, &t, cache);
  CHECK (fabs (t - 38000.0) < 1e-9 * 38000.0, "smooth bound changed tau = 38000 ms to %.17g", t);
  CHECK (fabs (x - 1.0 / (1.0 + exp (-0.3))) < 1e-15, "x_inf of a = 0.3: %.17g", x);

  /* Beyond the bound: finite tau below e^85, and a gradient that still points back. */
  constant_gate (&g, p, 0.0, 300.0);
  nd_learned_gate_values (&g, p, 0.0, &x, &t, cache);
  CHECK (isfinite (t) && t <= exp (85.0), "smooth bound at b = 300: tau %.3g", t);
  nd_learned_gate_backward (&g, p, cache, 0.0, 1.0, grad);
  CHECK (grad[np - 1] > 0.0, "smooth bound: d tau / d b vanished at b = 300 (%.3g)", grad[np - 1]);
  constant_gate (&g, p, 0.0, 100.0);
  memset (grad, 0, np * sizeof *grad);
  nd_learned_gate_values (&g, p, 0.0, &x, &t, cache);
  nd_learned_gate_backward (&g, p, cache, 0.0, 1.0, grad);
  CHECK (grad[np - 1] > 0.0 && isfinite (grad[np - 1]), "smooth bound: slope at b = 100 is %.3g", grad[np - 1]);

  g.tau_bound = ND_TAU_BOUND_HARD;
  memset (grad, 0, np * sizeof *grad);
  nd_learned_gate_values (&g, p, 0.0, &x, &t, cache);
  nd_learned_gate_backward (&g, p, cache, 0.0, 1.0, grad);
  CHECK (t == exp (85.0) && grad[np - 1] == 0.0, "hard bound: tau %.3g, slope %.3g", t, grad[np - 1]);

  /* Saturated sigmoid stays finite and exact at both ends. */
  constant_gate (&g, p, -800.0, 0.0);
  nd_learned_gate_values (&g, p, 0.0, &x, &t, cache);
  CHECK (x == 0.0 && t == 1.0, "a = -800: x_inf %.3g tau %.3g", x, t);
  constant_gate (&g, p, 800.0, 0.0);
  nd_learned_gate_values (&g, p, 0.0, &x, &t, cache);
  CHECK (x == 1.0, "a = 800: x_inf %.17g", x);

  /* Input scaling: -80 -> -1, 60 -> 1. */
  CHECK (nd_learned_gate_scale_v (-80.0) == -1.0 && fabs (nd_learned_gate_scale_v (60.0) - 1.0) < 1e-15,
         "voltage scaling");
  free (grad);
  free (p);
}

/* A freshly initialised published gate is smooth in V: no step at -10 mV
 * (where the scaled input is 0) from LayerNorm acting on bias-free units. */
static void
check_init_smooth (void)
{
  nd_learned_gate g;
  nd_learned_gate_default (&g);
  size_t np = nd_learned_gate_n_params (&g);
  double *p = malloc (np * sizeof *p), *q = malloc (np * sizeof *q);
  for (uint64_t seed = 1; seed <= 5; seed++)
    {
      nd_learned_gate_init (&g, p, seed, 1.0);
      double worst = 0.0;
      for (double v = -100.0; v <= 100.0; v += 0.05)
        {
          nd_gate_rates r;
          nd_learned_gate_eval (&g, p, v, &r, NULL);
          worst = fmax (worst, fmax (fabs (r.dx_inf), fabs (r.dtau / r.tau)));
        }
      CHECK (worst < 0.1, "seed %llu: initial gate has slope %.3g per mV (a step)", (unsigned long long) seed, worst);
      nd_learned_gate_init (&g, q, seed, 1.0);
      CHECK (memcmp (p, q, np * sizeof *p) == 0, "seed %llu: init not deterministic", (unsigned long long) seed);
    }
  free (p);
  free (q);
}

int
main (void)
{
  gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
  gsl_rng_set (rng, 2017);
  nd_learned_gate g;
  nd_learned_gate_default (&g);
  check_gate (&g, rng, "published 1-32-32-2 tanh LN");
  nd_learned_gate_make (&g, 8, 2, ND_ACT_SILU, false);
  check_gate (&g, rng, "1-8-8-2 silu");
  nd_learned_gate_make (&g, 12, 3, ND_ACT_TANH, true);
  g.tau_bound = ND_TAU_BOUND_HARD;
  check_gate (&g, rng, "1-12x3-2 tanh LN hard bound");
  check_bounds ();
  check_init_smooth ();
  gsl_rng_free (rng);
  if (failures)
    fprintf (stderr, "%d failures\n", failures);
  return failures ? 1 : 0;
}
