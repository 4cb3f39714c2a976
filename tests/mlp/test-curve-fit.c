/* test-curve-fit.c: the ICG curve reader and learned-gate curve fitting on real curves.
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

#include "curve-fit.h"
#include "icg-curves.h"

static int failures;

#define CHECK(cond, ...) do { if (!(cond)) { failures++; fprintf (stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
      fprintf (stderr, __VA_ARGS__); fputc ('\n', stderr); } } while (0)

static const NdIcgCurve *
find (GPtrArray *cs, const char *cls, const char *channel, const char *gate)
{
  for (guint i = 0; i < cs->len; i++)
    {
      const NdIcgCurve *c = cs->pdata[i];
      if (strcmp (c->icg_class, cls) == 0 && strcmp (c->channel, channel) == 0 && strcmp (c->gate, gate) == 0)
        return c;
    }
  return NULL;
}

static void
check_reader (const char *dir)
{
  g_autofree char *plain = g_build_filename (dir, "icg", "curves-extract.csv", NULL);
  g_autofree char *gz = g_build_filename (dir, "icg", "curves-extract.csv.gz", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) all = nd_icg_curves_load (plain, NAN, &error);
  g_assert_no_error (error);
  g_autoptr (GPtrArray) cold = nd_icg_curves_load (gz, 6.3, &error);
  g_assert_no_error (error);
  /* 3,080 rows of 56 points = 55 curves; at 6.3 C: 21 of them (see tests/data/icg/README.md). */
  CHECK (all->len == 55, "%u curves in the extract", all->len);
  CHECK (cold->len == 21, "%u curves at 6.3 C", cold->len);
  for (guint i = 0; i < all->len; i++)
    CHECK (((NdIcgCurve *) all->pdata[i])->n == 56, "curve %u has %d points", i, ((NdIcgCurve *) all->pdata[i])->n);

  /* gzip and plain give the same numbers. */
  const NdIcgCurve *p = find (all, "K", "101629_kaprox.mod", "n");
  const NdIcgCurve *z = find (cold, "K", "101629_kaprox.mod", "n");
  CHECK (p && z && p->temp_C == 6.3 && memcmp (p->x_inf, z->x_inf, 56 * sizeof (double)) == 0
         && memcmp (p->tau, z->tau, 56 * sizeof (double)) == 0, "plain and gzip differ");
  /* First row of the source: V -100, x_inf 1e-06, tau 0.64. */
  CHECK (p && p->v[0] == -100.0 && p->x_inf[0] == 1e-6 && p->tau[0] == 0.64, "first point");

  /* Same file name in two classes: two curves, told apart by class. */
  CHECK (find (cold, "K", "124394_hh3.mod", "s") && find (cold, "Na", "124394_hh3.mod", "s"), "hh3 in K and Na");
  /* Empty cells are NAN: no x_inf at all, no tau at all. */
  const NdIcgCurve *kdr = find (cold, "K", "217783_Kdr_iAMC_ChannelML.mod", "n");
  CHECK (kdr && nd_icg_curve_n_inf (kdr) == 0 && nd_icg_curve_n_tau (kdr) == 56, "Kdr_iAMC n: empty x_inf");
  const NdIcgCurve *l = find (cold, "K", "106551_kaprox.mod", "l");
  CHECK (l && nd_icg_curve_n_inf (l) == 56 && nd_icg_curve_n_tau (l) == 0, "106551 kaprox l: empty tau");

  /* Errors in the user's terms. */
  g_autoptr (GError) e1 = NULL;
  CHECK (!nd_icg_curves_load ("/nonexistent/curves.csv", NAN, &e1) && e1 && strstr (e1->message, "Cannot open"),
         "missing file");
  const char *out = g_getenv ("ND_TEST_OUTPUT");
  g_mkdir_with_parents (out, 0755);
  g_autofree char *bad = g_build_filename (out, "icg-bad.csv", NULL);
  g_file_set_contents (bad, "a,b,c\n1,2,3\n", -1, NULL);
  g_autoptr (GError) e2 = NULL;
  CHECK (!nd_icg_curves_load (bad, NAN, &e2) && e2 && strstr (e2->message, "not an ICGenealogy"), "wrong header");
  g_file_set_contents (bad, "icg_class,channel,gate,temp_C,V_mV,x_inf,tau_ms\nK,x.mod,n,6.3,-100,abc,1\n", -1, NULL);
  g_autoptr (GError) e3 = NULL;
  CHECK (!nd_icg_curves_load (bad, NAN, &e3) && e3 && strstr (e3->message, "line 2"), "bad number");
  /* A truncated gzip stream. */
  gchar *gzdata;
  gsize gzlen;
  g_file_get_contents (gz, &gzdata, &gzlen, NULL);
  g_file_set_contents (bad, gzdata, (gssize) (gzlen / 2), NULL);
  g_free (gzdata);
  g_autoptr (GError) e4 = NULL;
  GPtrArray *trunc = nd_icg_curves_load (bad, NAN, &e4);
  CHECK (!trunc && e4, "truncated gzip accepted");
  if (trunc)
    g_ptr_array_unref (trunc);
}

static nd_curve_pair
pair_of (const NdIcgCurve *c)
{
  return (nd_curve_pair) { c->n, c->v, c->x_inf, c->tau };
}

static void
check_fits (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "icg", "curves-extract.csv", NULL);
  g_autoptr (GPtrArray) cs = nd_icg_curves_load (path, 6.3, NULL);
  nd_curve_fit_options o;
  nd_curve_fit_options_default (&o);
  double *params = malloc (nd_curve_fit_max_params (&o) * sizeof (double));
  double *again = malloc (nd_curve_fit_max_params (&o) * sizeof (double));
  nd_curve_fit_result r, r2;

  /* Every fittable curve of the extract at 6.3 C reaches both 1e-4 targets. */
  int fitted = 0;
  for (guint i = 0; i < cs->len; i++)
    {
      const NdIcgCurve *c = cs->pdata[i];
      if (strcmp (c->channel, "180789_kpkj.mod") == 0 || nd_icg_curve_n_inf (c) == 0)
        continue;
      nd_curve_pair pr = pair_of (c);
      CHECK (nd_curve_fit (&o, &pr, params, &r) == 0, "%s %s: fit failed", c->channel, c->gate);
      CHECK (r.mse_inf < 1e-4, "%s %s: mse_inf %.3g", c->channel, c->gate, r.mse_inf);
      CHECK (isnan (r.mse_tau) ? r.n_tau == 0 : r.mse_tau < 1e-4, "%s %s: mse_tau %.3g", c->channel, c->gate, r.mse_tau);
      /* What is reported is what the returned network does. */
      double mi, mt;
      nd_curve_fit_eval (&o.ladder[r.rung], params, &pr, &mi, &mt);
      CHECK (fabs (mi - r.mse_inf) <= 1e-12 + 1e-9 * mi, "%s %s: reported mse_inf differs", c->channel, c->gate);
      fitted++;
    }
  CHECK (fitted >= 15, "only %d curves fitted", fitted);

  /* A gate without tau: fitted on x_inf alone, reported as such. */
  const NdIcgCurve *l = find (cs, "K", "106551_kaprox.mod", "l");
  nd_curve_pair pl = pair_of (l);
  nd_curve_fit (&o, &pl, params, &r);
  CHECK (r.n_tau == 0 && isnan (r.mse_tau) && r.mse_inf < 1e-5 && r.tau_scale == 1.0, "no-tau curve");

  /* No usable point at all. */
  double v[3] = { -10, 0, 10 }, nan3[3] = { NAN, NAN, NAN };
  nd_curve_pair empty = { 3, v, nan3, nan3 };
  CHECK (nd_curve_fit (&o, &empty, params, &r) == -1 && r.n_inf == 0, "empty curve");

  /* x_inf above 1 in the source (kpkj h): the sigmoid's floor is reached and
   * the fit stops there instead of restarting to no avail. */
  const NdIcgCurve *kp = find (cs, "K", "180789_kpkj.mod", "h");
  double floor_ = 0.0;
  for (int i = 0; i < kp->n; i++)
    if (kp->x_inf[i] > 1.0)
      floor_ += (kp->x_inf[i] - 1.0) * (kp->x_inf[i] - 1.0);
  floor_ /= kp->n;
  nd_curve_pair pk = pair_of (kp);
  nd_curve_fit (&o, &pk, params, &r);
  CHECK (floor_ > 1e-4 && r.mse_inf >= floor_, "kpkj h: mse_inf %.4g, floor %.4g", r.mse_inf, floor_);
  CHECK (r.reached_target && r.mse_inf - floor_ < o.target, "kpkj h: %.3g above the floor after %d attempts",
         r.mse_inf - floor_, r.attempts);

  /* Deterministic for a seed. */
  const NdIcgCurve *a = find (cs, "K", "229585_Kv43.mod", "b");
  nd_curve_pair pa = pair_of (a);
  nd_curve_fit (&o, &pa, params, &r);
  nd_curve_fit (&o, &pa, again, &r2);
  CHECK (r.rung == r2.rung && memcmp (params, again, nd_learned_gate_n_params (&o.ladder[r.rung]) * sizeof (double)) == 0,
         "same seed, different networks");

  /* The tau scale is the population std, floored at 1. */
  double s = nd_curve_tau_scale (&pa);
  double m = 0, q = 0;
  for (int i = 0; i < a->n; i++)
    m += a->tau[i] / a->n;
  for (int i = 0; i < a->n; i++)
    q += (a->tau[i] - m) * (a->tau[i] - m) / a->n;
  CHECK (fabs (s - sqrt (q)) < 1e-9 * s && s > 1.0, "tau scale %.6g vs %.6g", s, sqrt (q));

  /* The other optimisers reach the target on an easy curve too. */
  const NdIcgCurve *n = find (cs, "K", "101629_kaprox.mod", "n");
  nd_curve_pair pn = pair_of (n);
  o.method = ND_FIT_BFGS;
  o.max_iter = 3000;
  nd_curve_fit (&o, &pn, params, &r);
  CHECK (r.mse_inf < 1e-4 && r.mse_tau < 1e-4, "BFGS: %.3g %.3g", r.mse_inf, r.mse_tau);
  o.method = ND_FIT_ADAM;
  o.max_iter = 40000;
  o.n_ladder = 1;
  o.attempts = 1;
  nd_curve_fit (&o, &pn, params, &r);
  CHECK (r.mse_inf < 1e-4 && r.mse_tau < 1e-4, "Adam: %.3g %.3g", r.mse_inf, r.mse_tau);
  free (params);
  free (again);
}

/* The LM residuals, Jacobian and the BFGS/Adam gradient against central
 * differences, on real curves: a full one, one without tau (ridge rows) and
 * one with missing x_inf cells. */
static void
check_jacobian (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "icg", "curves-extract.csv", NULL);
  g_autoptr (GPtrArray) cs = nd_icg_curves_load (path, 6.3, NULL);
  const NdIcgCurve *pick[3] = { find (cs, "K", "229585_Kv43.mod", "b"), find (cs, "K", "106551_kaprox.mod", "l"),
                                find (cs, "K", "101629_kaprox.mod", "n") };
  /* A copy of the last curve with every third x_inf and every fifth tau removed. */
  NdIcgCurve holes = *pick[2];
  double xh[56], th[56];
  for (int i = 0; i < 56; i++)
    {
      xh[i] = i % 3 == 0 ? NAN : pick[2]->x_inf[i];
      th[i] = i % 5 == 0 ? NAN : pick[2]->tau[i];
    }
  holes.x_inf = xh;
  holes.tau = th;
  pick[2] = &holes;
  nd_learned_gate g;
  nd_learned_gate_make (&g, 6, 2, ND_ACT_TANH, true);
  size_t np = nd_learned_gate_n_params (&g);
  double *p = malloc (np * sizeof *p), *grad = malloc (np * sizeof *grad);
  for (int k = 0; k < 3; k++)
    {
      nd_curve_pair c = pair_of (pick[k]);
      /* Random biases too: with zero first-layer biases and a scalar input, the
       * LayerNorm output is nearly sign(V + 10 mV), a cliff no difference
       * quotient can follow. */
      nd_learned_gate_init (&g, p, 100 + (uint64_t) k, 1.0);
      gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
      gsl_rng_set (rng, 7 + (unsigned long) k);
      for (size_t j = 0; j < np; j++)
        p[j] += 0.3 * gsl_ran_gaussian (rng, 1.0);
      gsl_rng_free (rng);
      p[np - 1] = log (nd_curve_tau_scale (&c));   /* tau near the scale of the data */
      size_t n = nd_curve_fit_n_residuals (&g, &c);
      double *r = malloc (n * sizeof *r), *rp = malloc (n * sizeof *r), *rm = malloc (n * sizeof *r);
      double *jac = malloc (n * np * sizeof *jac);
      nd_curve_fit_residuals (&g, p, &c, r);
      nd_curve_fit_jacobian (&g, p, &c, jac);
      double l = nd_curve_fit_loss_grad (&g, p, &c, grad);
      double rr = 0.0, mi, mt;
      for (size_t i = 0; i < n; i++)
        rr += r[i] * r[i];
      nd_curve_fit_eval (&g, p, &c, &mi, &mt);
      double ridge = n > (size_t) (nd_icg_curve_n_inf (pick[k]) + nd_icg_curve_n_tau (pick[k])) ? 1 : 0;
      CHECK (fabs (l - rr) <= 1e-12 * rr, "curve %d: loss %.10g vs |r|^2 %.10g", k, l, rr);
      CHECK (ridge || fabs (rr - ((isnan (mi) ? 0 : mi) + (isnan (mt) ? 0 : mt))) <= 1e-12 * rr,
             "curve %d: |r|^2 is not mse_inf + mse_tau", k);
      double jmax = 0.0, worst = 0.0, gworst = 0.0, gmax = 0.0;
      for (size_t i = 0; i < n * np; i++)
        jmax = fmax (jmax, fabs (jac[i]));
      for (size_t j = 0; j < np; j++)
        gmax = fmax (gmax, fabs (grad[j]));
      /* Five-point central differences: tau = exp(b) makes the tau rows strongly
       * curved, and the O(h^2) error of the three-point rule would dominate. */
      double *r2p = malloc (n * sizeof *r), *r2m = malloc (n * sizeof *r);
      for (size_t j = 0; j < np; j++)
        {
          const double h = 1e-5;
          double save = p[j], l1p, l1m, l2p, l2m;
          p[j] = save + h;
          nd_curve_fit_residuals (&g, p, &c, rp);
          l1p = nd_curve_fit_loss_grad (&g, p, &c, NULL);
          p[j] = save - h;
          nd_curve_fit_residuals (&g, p, &c, rm);
          l1m = nd_curve_fit_loss_grad (&g, p, &c, NULL);
          p[j] = save + 2 * h;
          nd_curve_fit_residuals (&g, p, &c, r2p);
          l2p = nd_curve_fit_loss_grad (&g, p, &c, NULL);
          p[j] = save - 2 * h;
          nd_curve_fit_residuals (&g, p, &c, r2m);
          l2m = nd_curve_fit_loss_grad (&g, p, &c, NULL);
          p[j] = save;
          for (size_t i = 0; i < n; i++)
            {
              double fd = (8 * (rp[i] - rm[i]) - (r2p[i] - r2m[i])) / (12 * h), an = jac[i * np + j];
              worst = fmax (worst, fabs (an - fd) / fmax (fmax (fabs (fd), fabs (an)), 1e-3 * jmax));
            }
          double fd = (8 * (l1p - l1m) - (l2p - l2m)) / (12 * h);
          gworst = fmax (gworst, fabs (grad[j] - fd) / fmax (fmax (fabs (fd), fabs (grad[j])), 1e-3 * gmax));
        }
      free (r2p);
      free (r2m);
      CHECK (worst < 1e-6, "curve %d: Jacobian rel err %.3g", k, worst);
      CHECK (gworst < 1e-6, "curve %d: gradient rel err %.3g", k, gworst);
      printf ("curve %d: %zu residual rows, Jacobian rel err %.2e, gradient rel err %.2e\n", k, n, worst, gworst);
      free (r);
      free (rp);
      free (rm);
      free (jac);
    }
  free (p);
  free (grad);
}

int
main (void)
{
  const char *dir = g_getenv ("ND_TEST_DATA");
  g_assert (dir);
  check_reader (dir);
  check_jacobian (dir);
  check_fits (dir);
  if (failures)
    fprintf (stderr, "%d failures\n", failures);
  return failures ? 1 : 0;
}
