/* test-mlp.c: the flat-buffer MLP against an independent reference.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The reference forward pass is written the textbook way with GSL matrices,
 * BLAS and GSL statistics (one layer at a time, fresh vectors), sharing no code
 * with engine/mlp.c. Every gradient is checked against central differences.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_statistics_double.h>

#include "mlp.h"

static int failures;

#define CHECK(cond, ...) do { if (!(cond)) { failures++; fprintf (stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
      fprintf (stderr, __VA_ARGS__); fputc ('\n', stderr); } } while (0)

/* Reference: slices the flat buffer into gsl matrix views per layer. */
static void
reference_forward (const nd_mlp_shape *s, const double *params, const double *in, double *out)
{
  gsl_vector *x = gsl_vector_alloc ((size_t) s->n_in);
  for (int i = 0; i < s->n_in; i++)
    gsl_vector_set (x, (size_t) i, in[i]);
  size_t off = 0;
  for (int l = 0; l <= s->depth; l++)
    {
      size_t k = x->size;
      size_t m = (size_t) (l == s->depth ? s->n_out : s->width);
      gsl_matrix_const_view W = gsl_matrix_const_view_array (params + off, m, k);
      off += m * k;
      gsl_vector *y = gsl_vector_alloc (m);
      for (size_t i = 0; i < m; i++)
        gsl_vector_set (y, i, params[off + i]);
      off += m;
      gsl_blas_dgemv (CblasNoTrans, 1.0, &W.matrix, x, 1.0, y);
      if (l < s->depth)
        {
          if (s->layer_norm)
            {
              double mean = gsl_stats_mean (y->data, 1, m);
              double var = gsl_stats_variance_with_fixed_mean (y->data, 1, m, mean);
              for (size_t i = 0; i < m; i++)
                {
                  double z = (gsl_vector_get (y, i) - mean) / sqrt (var + 1e-5);
                  gsl_vector_set (y, i, params[off + i] * z + params[off + m + i]);
                }
              off += 2 * m;
            }
          for (size_t i = 0; i < m; i++)
            {
              double u = gsl_vector_get (y, i), h;
              switch (s->act)
                {
                case ND_ACT_TANH: h = tanh (u); break;
                case ND_ACT_RELU: h = fmax (u, 0.0); break;
                default: h = u * (0.5 + 0.5 * tanh (0.5 * u)); break;   /* u * sigmoid(u) */
                }
              gsl_vector_set (y, i, h);
            }
        }
      gsl_vector_free (x);
      x = y;
    }
  for (int i = 0; i < s->n_out; i++)
    out[i] = gsl_vector_get (x, (size_t) i);
  gsl_vector_free (x);
}

static const char *
act_name (nd_activation a)
{
  return a == ND_ACT_TANH ? "tanh" : a == ND_ACT_RELU ? "relu" : "silu";
}

/* Parameters with non-trivial LayerNorm gain/bias and output bias, so every
 * parameter block matters in the comparisons. */
static double *
random_params (const nd_mlp_shape *s, gsl_rng *rng)
{
  size_t np = nd_mlp_n_params (s);
  double *p = malloc (np * sizeof *p);
  nd_mlp_init (s, p, gsl_rng_get (rng), 1.5);
  for (size_t i = 0; i < np; i++)
    p[i] += 0.3 * gsl_ran_gaussian (rng, 1.0);
  return p;
}

/* Loss = sum_i c_i out_i for the gradient checks. */
static double
linear_loss (const nd_mlp_shape *s, const double *p, const double *in, const double *c)
{
  double out[8];
  nd_mlp_forward (s, p, in, out, NULL);
  double l = 0.0;
  for (int i = 0; i < s->n_out; i++)
    l += c[i] * out[i];
  return l;
}

/* Relative error of a gradient component, with a floor of 1e-3 times the
 * largest component so that entries that are zero up to roundoff pass. */
static double
rel_err (double g, double fd, double gmax)
{
  return fabs (g - fd) / fmax (fmax (fabs (fd), fabs (g)), 1e-3 * gmax);
}

static void
check_shape (const nd_mlp_shape *s, gsl_rng *rng)
{
  double *p = random_params (s, rng);
  size_t np = nd_mlp_n_params (s);
  size_t cs = nd_mlp_cache_size (s);
  double in[4], c[8], out[8], ref[8];
  for (int i = 0; i < s->n_in; i++)
    in[i] = gsl_ran_flat (rng, -1.5, 1.5);
  for (int i = 0; i < s->n_out; i++)
    c[i] = gsl_ran_gaussian (rng, 1.0);
  char name[96];
  snprintf (name, sizeof name, "%d-%dx%d-%d %s ln=%d", s->n_in, s->width, s->depth, s->n_out,
            act_name (s->act), s->layer_norm);

  /* Forward, with and without cache, against the reference. */
  double *cache = calloc (cs, sizeof *cache);
  reference_forward (s, p, in, ref);
  nd_mlp_forward (s, p, in, out, NULL);
  for (int i = 0; i < s->n_out; i++)
    CHECK (fabs (out[i] - ref[i]) <= 1e-12 * fmax (1.0, fabs (ref[i])),
           "%s: forward out[%d] %.17g vs reference %.17g", name, i, out[i], ref[i]);
  nd_mlp_forward (s, p, in, out, cache);
  for (int i = 0; i < s->n_out; i++)
    CHECK (fabs (out[i] - ref[i]) <= 1e-12 * fmax (1.0, fabs (ref[i])),
           "%s: cached forward out[%d] differs", name, i);

  /* Backward vs central differences, parameters and inputs. */
  double *g = calloc (np, sizeof *g);
  double din[4];
  nd_mlp_backward (s, p, cache, c, g, din);
  double gmax = 0.0;
  for (size_t j = 0; j < np; j++)
    gmax = fmax (gmax, fabs (g[j]));
  double worst = 0.0;
  const double h = 1e-5;
  for (size_t j = 0; j < np; j++)
    {
      double save = p[j];
      p[j] = save + h;
      double lp = linear_loss (s, p, in, c);
      p[j] = save - h;
      double lm = linear_loss (s, p, in, c);
      p[j] = save;
      worst = fmax (worst, rel_err (g[j], (lp - lm) / (2 * h), gmax));
    }
  /* ReLU has kinks; a central difference straddling one is not a derivative,
   * so its parameter check uses a looser bound (kinks are rare at random inputs). */
  CHECK (worst < (s->act == ND_ACT_RELU ? 1e-4 : 1e-6), "%s: param gradient rel err %.3g", name, worst);

  double tan_in[4], tan_out[8], out2[8];
  for (int i = 0; i < s->n_in; i++)
    tan_in[i] = gsl_ran_gaussian (rng, 1.0);
  nd_mlp_forward_tangent (s, p, in, tan_in, out2, tan_out, cache);
  double jvp_fd[8] = { 0 };
  for (int i = 0; i < s->n_in; i++)
    {
      double save = in[i];
      in[i] = save + h;
      double lp = linear_loss (s, p, in, c);
      in[i] = save - h;
      double lm = linear_loss (s, p, in, c);
      in[i] = save;
      double fd = (lp - lm) / (2 * h);
      CHECK (fabs (din[i] - fd) <= 1e-6 * fmax (fabs (fd), 1e-3),
             "%s: d/d in[%d] %.10g vs fd %.10g", name, i, din[i], fd);
    }
  /* Tangent: compare each output's directional derivative with differences along tan_in. */
  double ip[4], im[4], op[8], om[8];
  for (int i = 0; i < s->n_in; i++)
    {
      ip[i] = in[i] + h * tan_in[i];
      im[i] = in[i] - h * tan_in[i];
    }
  nd_mlp_forward (s, p, ip, op, NULL);
  nd_mlp_forward (s, p, im, om, NULL);
  for (int i = 0; i < s->n_out; i++)
    {
      jvp_fd[i] = (op[i] - om[i]) / (2 * h);
      CHECK (fabs (tan_out[i] - jvp_fd[i]) <= 1e-6 * fmax (fabs (jvp_fd[i]), 1e-3),
             "%s: tangent out[%d] %.10g vs fd %.10g", name, i, tan_out[i], jvp_fd[i]);
      CHECK (out2[i] == out[i], "%s: tangent pass changed the forward output", name);
    }

  /* Batch: equals per-sample calls, gradients accumulate over samples. */
  enum { NB = 5 };
  double bin[NB * 4], bout[NB * 8], bdout[NB * 8], bdin[NB * 4];
  for (int i = 0; i < NB * s->n_in; i++)
    bin[i] = gsl_ran_flat (rng, -1, 1);
  for (int i = 0; i < NB * s->n_out; i++)
    bdout[i] = gsl_ran_gaussian (rng, 1.0);
  double *bcache = calloc (NB * cs, sizeof *bcache);
  double *bg = calloc (np, sizeof *bg), *sg = calloc (np, sizeof *sg);
  nd_mlp_forward_batch (s, p, NB, bin, bout, bcache);
  nd_mlp_backward_batch (s, p, NB, bcache, bdout, bg, bdin);
  for (int n = 0; n < NB; n++)
    {
      double o[8], di[4];
      nd_mlp_forward (s, p, bin + n * s->n_in, o, cache);
      nd_mlp_backward (s, p, cache, bdout + n * s->n_out, sg, di);
      for (int i = 0; i < s->n_out; i++)
        CHECK (o[i] == bout[n * s->n_out + i], "%s: batch forward differs at sample %d", name, n);
      for (int i = 0; i < s->n_in; i++)
        CHECK (di[i] == bdin[n * s->n_in + i], "%s: batch din differs at sample %d", name, n);
    }
  for (size_t j = 0; j < np; j++)
    CHECK (fabs (bg[j] - sg[j]) <= 1e-12 * fmax (1.0, fabs (sg[j])), "%s: batch gradient differs", name);

  free (bcache);
  free (bg);
  free (sg);
  free (g);
  free (cache);
  free (p);
}

static void
check_layer_norm (void)
{
  /* The normalised Linear output in the cache has mean 0 and variance
   * var/(var+eps) even when the pre-activations carry a huge common offset
   * (a one-pass variance would lose every digit here). */
  nd_mlp_shape s = { .n_in = 1, .width = 16, .depth = 1, .n_out = 2, .act = ND_ACT_TANH, .layer_norm = true };
  size_t np = nd_mlp_n_params (&s);
  double *p = calloc (np, sizeof *p);
  nd_mlp_init (&s, p, 7, 1.0);
  /* b = 1e8 for every unit, weights spread over 1..16. */
  for (int i = 0; i < 16; i++)
    {
      p[i] = (i + 1);
      p[16 + i] = 1e8;
    }
  double cache[1 + 16 * 3 + 1], out[2], in = 0.5;
  nd_mlp_forward (&s, p, &in, out, cache);
  const double *xhat = cache + 1 + 32;
  double rstd = cache[1 + 48];
  double mean = gsl_stats_mean (xhat, 1, 16);
  double var = gsl_stats_variance_with_fixed_mean (xhat, 1, 16, 0.0);
  /* z_i = 0.5 (i+1) + 1e8: variance of 0.5*(1..16) = 0.25*(16^2-1)/12. */
  double true_var = 0.25 * (16.0 * 16.0 - 1.0) / 12.0;
  CHECK (fabs (mean) < 1e-9, "layer norm mean %.3g", mean);
  CHECK (fabs (var - true_var / (true_var + 1e-5)) < 1e-8, "layer norm variance %.12g", var);
  CHECK (fabs (rstd - 1.0 / sqrt (true_var + 1e-5)) < 1e-8 * rstd, "layer norm rstd %.12g", rstd);
  for (int i = 1; i < 16; i++)
    CHECK (xhat[i] > xhat[i - 1], "layer norm order lost at %d", i);

  /* All units equal: xhat = 0 (eps keeps it finite), output = output bias. */
  for (int i = 0; i < 16; i++)
    p[i] = 0.0;
  size_t out_b = np - 2;
  p[out_b] = 0.25;
  p[out_b + 1] = -0.5;
  nd_mlp_forward (&s, p, &in, out, cache);
  CHECK (out[0] == 0.25 && out[1] == -0.5, "constant layer: out %.17g %.17g", out[0], out[1]);
  double dout[2] = { 1.0, 1.0 }, din;
  double *g = calloc (np, sizeof *g);
  nd_mlp_backward (&s, p, cache, dout, g, &din);
  for (size_t j = 0; j < np; j++)
    CHECK (isfinite (g[j]), "constant layer: gradient %zu not finite", j);
  free (g);
  free (p);
}

static void
check_init (void)
{
  nd_mlp_shape s = { .n_in = 1, .width = 64, .depth = 2, .n_out = 2, .act = ND_ACT_TANH, .layer_norm = true };
  size_t np = nd_mlp_n_params (&s);
  CHECK (np == (64 + 64 + 128) + (64 * 64 + 64 + 128) + (2 * 64 + 2), "n_params %zu", np);
  double *a = malloc (np * sizeof *a), *b = malloc (np * sizeof *b), *c = malloc (np * sizeof *c);
  nd_mlp_init (&s, a, 12345, 0.5);
  nd_mlp_init (&s, b, 12345, 0.5);
  nd_mlp_init (&s, c, 12346, 0.5);
  CHECK (memcmp (a, b, np * sizeof *a) == 0, "same seed gave different parameters");
  CHECK (memcmp (a, c, np * sizeof *a) != 0, "different seeds gave the same parameters");
  /* Second hidden layer weights: sd 0.5/sqrt(64); biases 0; LN gain 1, bias 0. */
  const double *w2 = a + 256;
  double sd = gsl_stats_sd_m (w2, 1, 64 * 64, 0.0);
  CHECK (fabs (sd - 0.0625) < 0.0625 * 0.05, "init sd %.4g vs 0.0625", sd);
  for (int i = 0; i < 64; i++)
    CHECK (a[64 + i] == 0.0 && a[128 + i] == 1.0 && a[192 + i] == 0.0, "layer 1 bias/gain/beta at %d", i);
  /* Seeds that differ only in the high 32 bits still give different draws. */
  nd_mlp_init (&s, b, 12345ull + (1ull << 40), 0.5);
  CHECK (memcmp (a, b, np * sizeof *a) != 0, "high seed bits ignored");
  free (a);
  free (b);
  free (c);
}

int
main (void)
{
  gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
  gsl_rng_set (rng, 42);
  const nd_activation acts[] = { ND_ACT_TANH, ND_ACT_RELU, ND_ACT_SILU };
  for (int a = 0; a < 3; a++)
    for (int ln = 0; ln < 2; ln++)
      {
        nd_mlp_shape s1 = { 1, 32, 2, 2, acts[a], ln };
        nd_mlp_shape s2 = { 3, 7, 3, 3, acts[a], ln };
        nd_mlp_shape s3 = { 2, 5, 1, 1, acts[a], ln };
        nd_mlp_shape s4 = { 1, 300, 1, 2, acts[a], ln };   /* wider than the stack scratch */
        check_shape (&s1, rng);
        check_shape (&s2, rng);
        check_shape (&s3, rng);
        check_shape (&s4, rng);
      }
  check_layer_norm ();
  check_init ();
  gsl_rng_free (rng);
  if (failures)
    fprintf (stderr, "%d failures\n", failures);
  else
    printf ("mlp: all checks passed\n");
  return failures ? 1 : 0;
}
