/* mlp.c: the flat-buffer multilayer perceptron of mlp.h.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Parameter layout, hidden layer l (input size k = n_in for l = 0, else width):
 *   W[width x k] row-major, b[width], then gain[width], beta[width] when
 *   layer_norm; output layer: W[n_out x width], b[n_out].
 * Cache layout for one sample: in[n_in], then per hidden layer
 *   u[width] (what enters the activation), h[width] (activation output),
 *   and with layer_norm xhat[width] (normalised Linear output) and rstd[1].
 */
#include "mlp.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "alloc.h"

/* Same epsilon as PyTorch and Equinox LayerNorm, so published networks load unchanged. */
#define LN_EPS 1e-5
/* Backward needs two width-sized scratch vectors; beyond this width they come from the heap. */
#define STACK_WIDTH 256

static size_t
hidden_layer_params (const nd_mlp_shape *s, int k)
{
  size_t w = (size_t) s->width;
  return w * (size_t) k + w + (s->layer_norm ? 2 * w : 0);
}

size_t
nd_mlp_n_params (const nd_mlp_shape *s)
{
  size_t n = 0;
  for (int l = 0; l < s->depth; l++)
    n += hidden_layer_params (s, l == 0 ? s->n_in : s->width);
  return n + (size_t) s->n_out * (size_t) s->width + (size_t) s->n_out;
}

static size_t
hidden_layer_cache (const nd_mlp_shape *s)
{
  size_t w = (size_t) s->width;
  return 2 * w + (s->layer_norm ? w + 1 : 0);
}

size_t
nd_mlp_cache_size (const nd_mlp_shape *s)
{
  return (size_t) s->n_in + (size_t) s->depth * hidden_layer_cache (s);
}

void
nd_mlp_init (const nd_mlp_shape *s, double *params, uint64_t seed, double scale)
{
  gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
  /* gsl_rng_set takes unsigned long; fold the high word in so 64-bit seeds stay distinct. */
  gsl_rng_set (rng, (unsigned long) (seed ^ (seed >> 32)));
  double *p = params;
  for (int l = 0; l <= s->depth; l++)
    {
      int k = l == 0 ? s->n_in : s->width;
      int m = l == s->depth ? s->n_out : s->width;
      double sd = scale / sqrt ((double) k);
      for (int i = 0; i < m * k; i++)
        *p++ = gsl_ran_gaussian (rng, sd);
      for (int i = 0; i < m; i++)
        *p++ = 0.0;
      if (l < s->depth && s->layer_norm)
        {
          for (int i = 0; i < m; i++)
            *p++ = 1.0;
          for (int i = 0; i < m; i++)
            *p++ = 0.0;
        }
    }
  gsl_rng_free (rng);
}

/* tanh through one exp: libm's tanh goes through expm1, which took a third
 * of a reduction fit's time (perf); this form is within a few ulp of it
 * away from 0 and within 1e-16 absolute near 0, where 1 - t cancels. */
static inline double
fast_tanh (double u)
{
  double t = exp (-2.0 * fabs (u));
  double r = (1.0 - t) / (1.0 + t);
  return u < 0.0 ? -r : r;
}

static inline double
activate (nd_activation act, double u)
{
  switch (act)
    {
    case ND_ACT_TANH:
      return fast_tanh (u);
    case ND_ACT_RELU:
      return u > 0.0 ? u : 0.0;
    case ND_ACT_SILU:
    default:
      return u / (1.0 + exp (-u));
    }
}

/* d activation / d u, from the input u and the output h. */
static inline double
activate_deriv (nd_activation act, double u, double h)
{
  switch (act)
    {
    case ND_ACT_TANH:
      return 1.0 - h * h;
    case ND_ACT_RELU:
      return u > 0.0 ? 1.0 : 0.0;
    case ND_ACT_SILU:
    default:
      {
        double sg = 1.0 / (1.0 + exp (-u));
        return sg * (1.0 + u * (1.0 - sg));
      }
    }
}

/* The MLP's loops, also built for AVX2 and picked at load time: twice the
 * doubles per instruction of the x86-64 baseline; no FMA, so the results
 * are the same on every machine. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__has_attribute)
#if __has_attribute(target_clones)
#define ND_MLP_CLONES __attribute__ ((target_clones ("avx2", "default")))
#endif
#endif
#ifndef ND_MLP_CLONES
#define ND_MLP_CLONES
#endif

/* y[m] = W[m x k] x[k] + b[m] */
ND_MLP_CLONES static void
linear_forward (int m, int k, const double *w, const double *b, const double *x, double *y)
{
  for (int i = 0; i < m; i++)
    {
      /* Four partial sums: independent chains the compiler can pipeline
       * (one chain serialised on the add latency in the reduction fits). */
      const double *row = w + (size_t) i * (size_t) k;
      double a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0;
      int j = 0;
      for (; j + 4 <= k; j += 4)
        {
          a0 += row[j] * x[j];
          a1 += row[j + 1] * x[j + 1];
          a2 += row[j + 2] * x[j + 2];
          a3 += row[j + 3] * x[j + 3];
        }
      for (; j < k; j++)
        a0 += row[j] * x[j];
      y[i] = b[i] + ((a0 + a1) + (a2 + a3));
    }
}

/* In place: z becomes xhat; returns 1 / sqrt(var + eps). */
static double
layer_norm_forward (int m, double *z)
{
  double mean = 0.0;
  for (int i = 0; i < m; i++)
    mean += z[i];
  mean /= m;
  double var = 0.0;
  for (int i = 0; i < m; i++)
    {
      double d = z[i] - mean;
      var += d * d;
    }
  var /= m;
  double rstd = 1.0 / sqrt (var + LN_EPS);
  for (int i = 0; i < m; i++)
    z[i] = (z[i] - mean) * rstd;
  return rstd;
}

ND_MLP_CLONES void
nd_mlp_forward (const nd_mlp_shape *s, const double *params,
                const double *in, double *out, double *cache)
{
  const int w = s->width;
  double local[2 * STACK_WIDTH];
  double *heap = NULL;
  /* Without a cache, two ping-pong buffers hold the running layer. */
  double *ping = local, *pong = local + STACK_WIDTH;
  if (!cache && w > STACK_WIDTH)
    {
      heap = nd_malloc (2 * (size_t) w * sizeof *heap);
      ping = heap;
      pong = heap + w;
    }

  const double *p = params;
  const double *x = in;
  int k = s->n_in;
  double *c = cache;
  if (c)
    {
      memcpy (c, in, (size_t) s->n_in * sizeof *c);
      x = c;
      c += s->n_in;
    }
  for (int l = 0; l < s->depth; l++)
    {
      const double *wm = p, *b = p + (size_t) w * (size_t) k;
      p = b + w;
      /* Without a cache, one buffer (not the one holding x) serves u, xhat and h in place. */
      double *buf = x == ping ? pong : ping;
      double *u = c ? c : buf;
      double *h = c ? c + w : buf;
      double *xhat = !c ? buf : s->layer_norm ? c + 2 * w : c;
      linear_forward (w, k, wm, b, x, xhat);
      if (s->layer_norm)
        {
          double rstd = layer_norm_forward (w, xhat);
          if (c)
            c[3 * w] = rstd;
          const double *gain = p, *beta = p + w;
          p += 2 * w;
          for (int i = 0; i < w; i++)
            u[i] = gain[i] * xhat[i] + beta[i];
        }
      for (int i = 0; i < w; i++)
        h[i] = activate (s->act, u[i]);
      x = h;
      k = w;
      if (c)
        c += hidden_layer_cache (s);
    }
  linear_forward (s->n_out, w, p, p + (size_t) s->n_out * (size_t) w, x, out);
  free (heap);
}

/* The backward of linear_forward (llm.c's matmul_backward): gw += dy x^T,
 * gb += dy, and dx = W^T dy when dx is not NULL. */
ND_MLP_CLONES static void
linear_backward (int m, int k, const double *w, const double *x, const double *dy, double *gw, double *gb,
                 double *dx)
{
  if (dx)
    for (int j = 0; j < k; j++)
      dx[j] = 0.0;
  for (int i = 0; i < m; i++)
    {
      double g = dy[i];
      gb[i] += g;
      const double *row = w + (size_t) i * (size_t) k;
      double *grow = gw + (size_t) i * (size_t) k;
      for (int j = 0; j < k; j++)
        grow[j] += g * x[j];
      if (dx)
        for (int j = 0; j < k; j++)
          dx[j] += g * row[j];
    }
}

/* The backward of layer_norm_forward and its gain and bias (llm.c's
 * layernorm_backward): dz enters as d loss / d (gain xhat + beta) and
 * leaves as d loss / d z, z the Linear output; ggain and gbeta accumulate. */
ND_MLP_CLONES static void
layer_norm_backward (int m, const double *xhat, double rstd, const double *gain, double *dz, double *ggain,
                     double *gbeta)
{
  double m1 = 0.0, m2 = 0.0;
  for (int i = 0; i < m; i++)
    {
      ggain[i] += dz[i] * xhat[i];
      gbeta[i] += dz[i];
      dz[i] *= gain[i];   /* now d loss / d xhat */
      m1 += dz[i];
      m2 += dz[i] * xhat[i];
    }
  m1 /= m;
  m2 /= m;
  for (int i = 0; i < m; i++)
    dz[i] = rstd * (dz[i] - m1 - xhat[i] * m2);
}

/* The layers of nd_mlp_forward in reverse: the output Linear, then per
 * hidden layer the activation, the LayerNorm and the Linear. */
ND_MLP_CLONES void
nd_mlp_backward (const nd_mlp_shape *s, const double *params,
                 const double *cache, const double *dout,
                 double *dparams, double *din)
{
  const int w = s->width;
  const size_t lc = hidden_layer_cache (s);
  double local[2 * STACK_WIDTH];
  double *heap = NULL;
  double *dh = local, *dz = local + STACK_WIDTH;
  if (w > STACK_WIDTH)
    {
      heap = nd_malloc (2 * (size_t) w * sizeof *heap);
      dh = heap;
      dz = heap + w;
    }

  /* Offsets of each layer's parameters, walked backwards. */
  size_t off = 0;
  for (int l = 0; l < s->depth; l++)
    off += hidden_layer_params (s, l == 0 ? s->n_in : s->width);

  /* Output layer: out = W h_last + b. */
  const double *h_last = cache + s->n_in + (size_t) (s->depth - 1) * lc + w;
  linear_backward (s->n_out, w, params + off, h_last, dout, dparams + off,
                   dparams + off + (size_t) s->n_out * (size_t) w, dh);

  for (int l = s->depth - 1; l >= 0; l--)
    {
      int k = l == 0 ? s->n_in : w;
      off -= hidden_layer_params (s, k);
      const double *c = cache + s->n_in + (size_t) l * lc;
      const double *u = c, *h = c + w;
      const double *x = l == 0 ? cache : cache + s->n_in + (size_t) (l - 1) * lc + w;
      double *gb = dparams + off + (size_t) w * (size_t) k;
      for (int i = 0; i < w; i++)
        dz[i] = dh[i] * activate_deriv (s->act, u[i], h[i]);
      if (s->layer_norm)
        layer_norm_backward (w, c + 2 * w, c[3 * w], params + off + (size_t) w * (size_t) k + w, dz, gb + w,
                             gb + 2 * w);
      /* dz is now d loss / d (W x + b). */
      linear_backward (w, k, params + off, x, dz, dparams + off, gb, l == 0 ? din : dh);
    }
  free (heap);
}

/* The tangent of linear_forward: dy[m] = W[m x k] dx[k] (the bias is constant). */
static void
linear_tangent (int m, int k, const double *w, const double *dx, double *dy)
{
  for (int i = 0; i < m; i++)
    {
      const double *row = w + (size_t) i * (size_t) k;
      double acc = 0.0;
      for (int j = 0; j < k; j++)
        acc += row[j] * dx[j];
      dy[i] = acc;
    }
}

/* The tangent of layer_norm_forward and its gain, in place: dz enters as
 * the tangent of the Linear output and leaves as that of gain xhat + beta. */
static void
layer_norm_tangent (int m, const double *xhat, double rstd, const double *gain, double *dz)
{
  double m1 = 0.0, m2 = 0.0;
  for (int i = 0; i < m; i++)
    m1 += dz[i];
  m1 /= m;
  for (int i = 0; i < m; i++)
    {
      dz[i] -= m1;
      m2 += xhat[i] * dz[i];
    }
  m2 /= m;
  for (int i = 0; i < m; i++)
    dz[i] = gain[i] * rstd * (dz[i] - xhat[i] * m2);
}

void
nd_mlp_forward_tangent (const nd_mlp_shape *s, const double *params,
                        const double *in, const double *din,
                        double *out, double *dout, double *cache)
{
  const int w = s->width;
  const size_t lc = hidden_layer_cache (s);
  nd_mlp_forward (s, params, in, out, cache);

  double local[2 * STACK_WIDTH];
  double *heap = NULL;
  double *t = local, *tz = local + STACK_WIDTH;
  int big = w > s->n_in ? w : s->n_in;
  if (big > STACK_WIDTH)
    {
      heap = nd_malloc (2 * (size_t) big * sizeof *heap);
      t = heap;
      tz = heap + big;
    }
  /* t holds the tangent of the running layer's input, then of its output. */
  const double *p = params;
  int k = s->n_in;
  for (int j = 0; j < k; j++)
    t[j] = din[j];
  for (int l = 0; l < s->depth; l++)
    {
      const double *c = cache + s->n_in + (size_t) l * lc;
      const double *u = c, *h = c + w;
      const double *wm = p;
      p += (size_t) w * (size_t) k + w;
      linear_tangent (w, k, wm, t, tz);
      if (s->layer_norm)
        {
          layer_norm_tangent (w, c + 2 * w, c[3 * w], p, tz);
          p += 2 * w;
        }
      for (int i = 0; i < w; i++)
        t[i] = activate_deriv (s->act, u[i], h[i]) * tz[i];
      k = w;
    }
  linear_tangent (s->n_out, w, p, t, dout);
  free (heap);
}

void
nd_mlp_forward_batch (const nd_mlp_shape *s, const double *params, size_t n,
                      const double *in, double *out, double *cache)
{
  size_t cs = nd_mlp_cache_size (s);
  for (size_t i = 0; i < n; i++)
    nd_mlp_forward (s, params, in + i * (size_t) s->n_in, out + i * (size_t) s->n_out,
                    cache ? cache + i * cs : NULL);
}

void
nd_mlp_backward_batch (const nd_mlp_shape *s, const double *params, size_t n,
                       const double *cache, const double *dout,
                       double *dparams, double *din)
{
  size_t cs = nd_mlp_cache_size (s);
  for (size_t i = 0; i < n; i++)
    nd_mlp_backward (s, params, cache + i * cs, dout + i * (size_t) s->n_out, dparams,
                     din ? din + i * (size_t) s->n_in : NULL);
}
