/* curve-fit.c: a learned gate fitted to tabulated x_inf and tau (see curve-fit.h).
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The loss is written as a sum of squared residuals, r = (x̂ - x)/sqrt(n_inf)
 * for x_inf points and (τ̂ - τ)/(s sqrt(n_tau)) for tau points, so that
 * L = |r|^2 and Levenberg-Marquardt applies directly. Jacobian rows come from
 * one MLP backward pass each, scaled by the head derivative.
 */
#include "curve-fit.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_multifit_nlinear.h>
#include <gsl/gsl_multimin.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "alloc.h"

/* Tiny ridge rows sqrt(RIDGE) * theta, added only when there are fewer data
 * residuals than parameters (GSL's LM needs n >= p). They change the optimum
 * by far less than the 1e-4 target. */
#define RIDGE 1e-10

typedef struct {
  const nd_learned_gate *g;
  size_t np;
  int npts;          /* points with at least one usable value */
  double *v;         /* mV per point */
  double *yi, *yt;   /* targets, NAN where missing */
  int *row_i, *row_t;/* residual row of each point's x_inf / tau, -1 if none */
  int ni, nt, nres;  /* data residuals */
  int nridge;
  double wi, wt;     /* residual weights 1/sqrt(ni), 1/(s sqrt(nt)) */
  double scale;
  double floor_inf;  /* part of mse_inf no sigmoid can remove (x_inf outside 0..1) */
  double *cache;     /* one point's gate cache */
} problem;

void
nd_curve_fit_options_default (nd_curve_fit_options *o)
{
  memset (o, 0, sizeof *o);
  o->n_ladder = 4;
  nd_learned_gate_make (&o->ladder[0], 4, 2, ND_ACT_TANH, false);
  nd_learned_gate_make (&o->ladder[1], 6, 2, ND_ACT_TANH, false);
  nd_learned_gate_make (&o->ladder[2], 8, 2, ND_ACT_TANH, false);
  nd_learned_gate_make (&o->ladder[3], 12, 2, ND_ACT_TANH, false);
  o->method = ND_FIT_LM;
  o->attempts = 3;
  o->max_iter = 400;
  o->target = 1e-5;
  o->stop = 1e-6;
  o->seed = 1;
  o->init_scale = 1.0;
  o->adam_lr = 1e-2;
}

size_t
nd_curve_fit_max_params (const nd_curve_fit_options *o)
{
  size_t m = 0;
  for (int i = 0; i < o->n_ladder; i++)
    {
      size_t n = nd_learned_gate_n_params (&o->ladder[i]);
      m = n > m ? n : m;
    }
  return m;
}

double
nd_curve_tau_scale (const nd_curve_pair *c)
{
  double sum = 0.0, sum2 = 0.0;
  int n = 0;
  for (int i = 0; i < c->n; i++)
    if (isfinite (c->tau[i]))
      {
        sum += c->tau[i];
        n++;
      }
  if (n == 0)
    return 1.0;
  double mean = sum / n;
  for (int i = 0; i < c->n; i++)
    if (isfinite (c->tau[i]))
      sum2 += (c->tau[i] - mean) * (c->tau[i] - mean);
  double sd = sqrt (sum2 / n);
  return sd > 1.0 ? sd : 1.0;
}

void
nd_curve_fit_eval (const nd_learned_gate *g, const double *params, const nd_curve_pair *c,
                   double *mse_inf, double *mse_tau)
{
  double s = nd_curve_tau_scale (c);
  double si = 0.0, st = 0.0;
  int ni = 0, nt = 0;
  for (int i = 0; i < c->n; i++)
    {
      double x, t;
      nd_learned_gate_values (g, params, c->v[i], &x, &t, NULL);
      if (isfinite (c->x_inf[i]))
        {
          si += (x - c->x_inf[i]) * (x - c->x_inf[i]);
          ni++;
        }
      if (isfinite (c->tau[i]))
        {
          st += (t - c->tau[i]) * (t - c->tau[i]) / (s * s);
          nt++;
        }
    }
  *mse_inf = ni ? si / ni : NAN;
  *mse_tau = nt ? st / nt : NAN;
}

static void
problem_init (problem *pb, const nd_learned_gate *g, const nd_curve_pair *c)
{
  memset (pb, 0, sizeof *pb);
  pb->g = g;
  pb->np = nd_learned_gate_n_params (g);
  pb->v = nd_malloc ((size_t) c->n * sizeof *pb->v);
  pb->yi = nd_malloc ((size_t) c->n * sizeof *pb->yi);
  pb->yt = nd_malloc ((size_t) c->n * sizeof *pb->yt);
  pb->row_i = nd_malloc ((size_t) c->n * sizeof *pb->row_i);
  pb->row_t = nd_malloc ((size_t) c->n * sizeof *pb->row_t);
  pb->cache = nd_malloc (nd_learned_gate_cache_size (g) * sizeof *pb->cache);
  pb->scale = nd_curve_tau_scale (c);
  for (int i = 0; i < c->n; i++)
    {
      bool hi = isfinite (c->x_inf[i]), ht = isfinite (c->tau[i]);
      if (!hi && !ht)
        continue;
      int k = pb->npts++;
      pb->v[k] = c->v[i];
      pb->yi[k] = hi ? c->x_inf[i] : NAN;
      pb->yt[k] = ht ? c->tau[i] : NAN;
      pb->row_i[k] = hi ? pb->nres++ : -1;
      pb->row_t[k] = ht ? pb->nres++ : -1;
      if (hi)
        {
          double cl = fmin (fmax (c->x_inf[i], 0.0), 1.0);
          pb->floor_inf += (c->x_inf[i] - cl) * (c->x_inf[i] - cl);
        }
      pb->ni += hi;
      pb->nt += ht;
    }
  pb->wi = pb->ni ? 1.0 / sqrt (pb->ni) : 0.0;
  pb->floor_inf *= pb->wi * pb->wi;
  pb->wt = pb->nt ? 1.0 / (pb->scale * sqrt (pb->nt)) : 0.0;
  pb->nridge = (size_t) pb->nres < pb->np ? (int) pb->np : 0;
}

static void
problem_free (problem *pb)
{
  free (pb->v);
  free (pb->yi);
  free (pb->yt);
  free (pb->row_i);
  free (pb->row_t);
  free (pb->cache);
}

/* Residuals r (nres data rows, then nridge ridge rows); returns the loss terms. */
static void
residuals (const problem *pb, const double *theta, double *r, double *mse_inf, double *mse_tau)
{
  double si = 0.0, st = 0.0;
  for (int k = 0; k < pb->npts; k++)
    {
      double x, t;
      nd_learned_gate_values (pb->g, theta, pb->v[k], &x, &t, NULL);
      if (pb->row_i[k] >= 0)
        {
          double e = pb->wi * (x - pb->yi[k]);
          si += e * e;
          if (r)
            r[pb->row_i[k]] = e;
        }
      if (pb->row_t[k] >= 0)
        {
          double e = pb->wt * (t - pb->yt[k]);
          st += e * e;
          if (r)
            r[pb->row_t[k]] = e;
        }
    }
  if (r)
    for (int j = 0; j < pb->nridge; j++)
      r[pb->nres + j] = sqrt (RIDGE) * theta[j];
  *mse_inf = pb->ni ? si : NAN;
  *mse_tau = pb->nt ? st : NAN;
}

/* Jacobian, row-major with leading dimension ld (rows nres + nridge). */
static void
jacobian (const problem *pb, const double *theta, double *jac, size_t ld)
{
  size_t rows = (size_t) (pb->nres + pb->nridge);
  for (size_t i = 0; i < rows; i++)
    memset (jac + i * ld, 0, pb->np * sizeof *jac);
  for (int k = 0; k < pb->npts; k++)
    {
      double x, t;
      nd_learned_gate_values (pb->g, theta, pb->v[k], &x, &t, pb->cache);
      if (pb->row_i[k] >= 0)
        nd_learned_gate_backward (pb->g, theta, pb->cache, pb->wi, 0.0,
                                  jac + (size_t) pb->row_i[k] * ld);
      if (pb->row_t[k] >= 0)
        nd_learned_gate_backward (pb->g, theta, pb->cache, 0.0, pb->wt,
                                  jac + (size_t) pb->row_t[k] * ld);
    }
  for (int j = 0; j < pb->nridge; j++)
    jac[(size_t) (pb->nres + j) * ld + (size_t) j] = sqrt (RIDGE);
}

/* Loss |r|^2 and its gradient 2 J^T r, without forming J. */
static double
loss_grad (const problem *pb, const double *theta, double *grad)
{
  double l = 0.0;
  if (grad)
    memset (grad, 0, pb->np * sizeof *grad);
  for (int k = 0; k < pb->npts; k++)
    {
      double x, t, gx = 0.0, gt = 0.0;
      nd_learned_gate_values (pb->g, theta, pb->v[k], &x, &t, grad ? pb->cache : NULL);
      if (pb->row_i[k] >= 0)
        {
          double e = pb->wi * (x - pb->yi[k]);
          l += e * e;
          gx = 2.0 * e * pb->wi;
        }
      if (pb->row_t[k] >= 0)
        {
          double e = pb->wt * (t - pb->yt[k]);
          l += e * e;
          gt = 2.0 * e * pb->wt;
        }
      if (grad)
        nd_learned_gate_backward (pb->g, theta, pb->cache, gx, gt, grad);
    }
  for (int j = 0; j < pb->nridge; j++)
    {
      l += RIDGE * theta[j] * theta[j];
      if (grad)
        grad[j] += 2.0 * RIDGE * theta[j];
    }
  return l;
}

/* Both terms under `level`, x_inf measured above its floor: a curve whose
 * source x_inf leaves 0..1 cannot do better, and more restarts would not help. */
size_t
nd_curve_fit_n_residuals (const nd_learned_gate *g, const nd_curve_pair *c)
{
  problem pb;
  problem_init (&pb, g, c);
  size_t n = (size_t) (pb.nres + pb.nridge);
  problem_free (&pb);
  return n;
}

void
nd_curve_fit_residuals (const nd_learned_gate *g, const double *params, const nd_curve_pair *c, double *r)
{
  problem pb;
  double mi, mt;
  problem_init (&pb, g, c);
  residuals (&pb, params, r, &mi, &mt);
  problem_free (&pb);
}

void
nd_curve_fit_jacobian (const nd_learned_gate *g, const double *params, const nd_curve_pair *c, double *jac)
{
  problem pb;
  problem_init (&pb, g, c);
  jacobian (&pb, params, jac, pb.np);
  problem_free (&pb);
}

double
nd_curve_fit_loss_grad (const nd_learned_gate *g, const double *params, const nd_curve_pair *c, double *grad)
{
  problem pb;
  problem_init (&pb, g, c);
  double l = loss_grad (&pb, params, grad);
  problem_free (&pb);
  return l;
}

static bool
good_enough (const problem *pb, double mi, double mt, double level)
{
  return (isnan (mi) || mi - pb->floor_inf < level) && (isnan (mt) || mt < level);
}

/* ---- Levenberg-Marquardt (GSL) ---- */

static int
lm_f (const gsl_vector *x, void *data, gsl_vector *f)
{
  const problem *pb = data;
  double mi, mt;
  residuals (pb, x->data, f->data, &mi, &mt);
  for (size_t i = 0; i < f->size; i++)
    if (!isfinite (f->data[i]))
      return GSL_EDOM;
  return GSL_SUCCESS;
}

static int
lm_df (const gsl_vector *x, void *data, gsl_matrix *J)
{
  jacobian (data, x->data, J->data, J->tda);
  return GSL_SUCCESS;
}

static int
run_lm (const nd_curve_fit_options *o, const problem *pb, double *theta, int *iters)
{
  size_t n = (size_t) (pb->nres + pb->nridge);
  gsl_multifit_nlinear_fdf fdf = { .f = lm_f, .df = lm_df, .fvv = NULL,
                                   .n = n, .p = pb->np, .params = (void *) pb };
  gsl_multifit_nlinear_parameters fp = gsl_multifit_nlinear_default_parameters ();
  fp.trs = gsl_multifit_nlinear_trs_lm;
  fp.solver = gsl_multifit_nlinear_solver_cholesky;
  fp.scale = gsl_multifit_nlinear_scale_levenberg;
  gsl_multifit_nlinear_workspace *w =
    gsl_multifit_nlinear_alloc (gsl_multifit_nlinear_trust, &fp, n, pb->np);
  gsl_vector_view x0 = gsl_vector_view_array (theta, pb->np);
  int it = 0;
  if (gsl_multifit_nlinear_init (&x0.vector, &fdf, w) == GSL_SUCCESS)
    {
      double prev = INFINITY;
      int stalled = 0;
      for (it = 0; it < o->max_iter; it++)
        {
          int status = gsl_multifit_nlinear_iterate (w);
          if (status != GSL_SUCCESS)
            break;
          double mi, mt;
          const gsl_vector *x = gsl_multifit_nlinear_position (w);
          residuals (pb, x->data, NULL, &mi, &mt);
          if (good_enough (pb, mi, mt, o->stop))
            break;
          /* Stalled: under 0.1% progress in 20 consecutive iterations. */
          double l = (isnan (mi) ? 0 : mi) + (isnan (mt) ? 0 : mt);
          stalled = l > 0.999 * prev ? stalled + 1 : 0;
          prev = fmin (prev, l);
          if (stalled >= 20)
            break;
        }
      memcpy (theta, gsl_multifit_nlinear_position (w)->data, pb->np * sizeof *theta);
    }
  gsl_multifit_nlinear_free (w);
  *iters = it;
  return 0;
}

/* ---- BFGS (GSL) ---- */

static double
mm_f (const gsl_vector *x, void *data)
{
  double l = loss_grad (data, x->data, NULL);
  return isfinite (l) ? l : GSL_POSINF;
}

static void
mm_df (const gsl_vector *x, void *data, gsl_vector *g)
{
  loss_grad (data, x->data, g->data);
}

static void
mm_fdf (const gsl_vector *x, void *data, double *f, gsl_vector *g)
{
  *f = loss_grad (data, x->data, g->data);
}

static int
run_bfgs (const nd_curve_fit_options *o, const problem *pb, double *theta, int *iters)
{
  gsl_multimin_function_fdf fn = { .f = mm_f, .df = mm_df, .fdf = mm_fdf, .n = pb->np,
                                   .params = (void *) pb };
  gsl_multimin_fdfminimizer *m =
    gsl_multimin_fdfminimizer_alloc (gsl_multimin_fdfminimizer_vector_bfgs2, pb->np);
  gsl_vector_view x0 = gsl_vector_view_array (theta, pb->np);
  gsl_multimin_fdfminimizer_set (m, &fn, &x0.vector, 0.01, 0.1);
  int it;
  for (it = 0; it < o->max_iter; it++)
    {
      if (gsl_multimin_fdfminimizer_iterate (m) != GSL_SUCCESS)
        break;
      double mi, mt;
      residuals (pb, m->x->data, NULL, &mi, &mt);
      if (good_enough (pb, mi, mt, o->stop))
        break;
      if (gsl_multimin_test_gradient (m->gradient, 1e-12) == GSL_SUCCESS)
        break;
    }
  memcpy (theta, m->x->data, pb->np * sizeof *theta);
  gsl_multimin_fdfminimizer_free (m);
  *iters = it;
  return 0;
}

/* ---- Adam (full batch) ---- */

static int
run_adam (const nd_curve_fit_options *o, const problem *pb, double *theta, int *iters)
{
  double *g = nd_malloc (pb->np * sizeof *g);
  double *m1 = nd_calloc (pb->np, sizeof *m1), *m2 = nd_calloc (pb->np, sizeof *m2);
  const double b1 = 0.9, b2 = 0.999, eps = 1e-8;
  double p1 = 1.0, p2 = 1.0;
  int it;
  for (it = 0; it < o->max_iter; it++)
    {
      loss_grad (pb, theta, g);
      p1 *= b1;
      p2 *= b2;
      for (size_t j = 0; j < pb->np; j++)
        {
          double gj = isfinite (g[j]) ? g[j] : 0.0;
          m1[j] = b1 * m1[j] + (1 - b1) * gj;
          m2[j] = b2 * m2[j] + (1 - b2) * gj * gj;
          theta[j] -= o->adam_lr * (m1[j] / (1 - p1)) / (sqrt (m2[j] / (1 - p2)) + eps);
        }
      if (it % 50 == 49)
        {
          double mi, mt;
          residuals (pb, theta, NULL, &mi, &mt);
          if (good_enough (pb, mi, mt, o->stop))
            break;
        }
    }
  free (g);
  free (m1);
  free (m2);
  *iters = it;
  return 0;
}

/* Start: small normal weights, tau head bias at log(median tau) so the first
 * steps fit shape rather than magnitude (tau spans 0.01 to 38,000 ms). */
static void
initial_params (const problem *pb, const nd_curve_fit_options *o, uint64_t seed, double *theta)
{
  nd_learned_gate_init (pb->g, theta, seed, o->init_scale);
  if (pb->nt > 0)
    {
      double *t = nd_malloc ((size_t) pb->nt * sizeof *t);
      int n = 0;
      for (int k = 0; k < pb->npts; k++)
        if (pb->row_t[k] >= 0)
          t[n++] = pb->yt[k];
      gsl_sort (t, 1, (size_t) n);
      double med = gsl_stats_median_from_sorted_data (t, 1, (size_t) n);
      theta[pb->np - 1] = log (fmax (med, 1e-3));
      free (t);
    }
}

int
nd_curve_fit (const nd_curve_fit_options *o, const nd_curve_pair *c,
              double *params, nd_curve_fit_result *r)
{
  /* GSL's default handler aborts on e.g. a singular Cholesky factor; here that
   * only means "this attempt failed". (Process-wide; every caller wants it off.) */
  gsl_set_error_handler_off ();
  memset (r, 0, sizeof *r);
  r->mse_inf = r->mse_tau = NAN;
  r->tau_scale = nd_curve_tau_scale (c);
  size_t pmax = nd_curve_fit_max_params (o);
  double *theta = nd_malloc (pmax * sizeof *theta);
  double best = INFINITY;
  int status = -1;

  for (int rung = 0; rung < o->n_ladder && !r->reached_target; rung++)
    {
      problem pb;
      problem_init (&pb, &o->ladder[rung], c);
      r->n_inf = pb.ni;
      r->n_tau = pb.nt;
      if (pb.npts == 0)
        {
          problem_free (&pb);
          break;
        }
      status = 0;
      for (int a = 0; a < o->attempts && !r->reached_target; a++)
        {
          uint64_t seed = o->seed * 1000003u + (uint64_t) rung * 7919u + (uint64_t) a;
          initial_params (&pb, o, seed, theta);
          int it = 0;
          switch (o->method)
            {
            case ND_FIT_LM: run_lm (o, &pb, theta, &it); break;
            case ND_FIT_BFGS: run_bfgs (o, &pb, theta, &it); break;
            case ND_FIT_ADAM: default: run_adam (o, &pb, theta, &it); break;
            }
          r->attempts++;
          r->iterations += it;
          double mi, mt;
          residuals (&pb, theta, NULL, &mi, &mt);
          double l = (isnan (mi) ? 0 : mi) + (isnan (mt) ? 0 : mt);
          if (isfinite (l) && l < best)
            {
              best = l;
              r->mse_inf = mi;
              r->mse_tau = mt;
              r->rung = rung;
              memcpy (params, theta, pb.np * sizeof *theta);
              r->reached_target = good_enough (&pb, mi, mt, o->target);
            }
        }
      problem_free (&pb);
    }
  if (status == 0 && !isfinite (best))
    {
      /* Every attempt diverged: report the first network at its start. */
      problem pb;
      problem_init (&pb, &o->ladder[0], c);
      initial_params (&pb, o, o->seed, params);
      residuals (&pb, params, NULL, &r->mse_inf, &r->mse_tau);
      r->rung = 0;
      problem_free (&pb);
    }
  free (theta);
  return status;
}
