/* test-nmodl-export.c: the NMODL text reproduces the learned curves the engine uses.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The test reads the exported file back as NEURON would: it takes the grid constants and the node tables
 * out of the text and evaluates the mechanism's rates procedure (re-implemented here from the NMODL, not
 * from model.c), then compares with nd_model_gate_rates at voltages all over and beyond the grid.
 * (tests/tools/check-nmodl-neuron.py runs the same file in NEURON itself.)
 */
#include <glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fit.h"
#include "model.h"
#include "nd-error.h"
#include "nmodl-export.h"

typedef struct
{
  double lo, hi, grid_lo, grid_h;
  int kmax;
  GArray *a[2], *lt[2];
} Parsed;

static double
number_after (const char *text, const char *key)
{
  const char *p = strstr (text, key);
  g_assert_nonnull (p);
  return g_ascii_strtod (p + strlen (key), NULL);
}

static void
parse (const char *text, int n_gates, Parsed *p)
{
  p->lo = number_after (text, "  if (vc < ");
  p->hi = number_after (text, "  if (vc > ");
  p->grid_lo = number_after (text, "  u = (vc - (");
  const char *h = strstr (text, "  u = (vc - (");
  p->grid_h = number_after (h, ")) / ");
  p->kmax = (int) number_after (text, "  if (k > ");
  for (int g = 0; g < n_gates; g++)
    {
      p->a[g] = g_array_new (FALSE, TRUE, sizeof (double));
      p->lt[g] = g_array_new (FALSE, TRUE, sizeof (double));
      for (int j = 0;; j++)
        {
          g_autofree char *ka = g_strdup_printf ("\n  a%d[%d] = ", g, j);
          g_autofree char *kl = g_strdup_printf ("\n  lt%d[%d] = ", g, j);
          const char *pa = strstr (text, ka), *pl = strstr (text, kl);
          if (!pa || !pl)
            break;
          double va = g_ascii_strtod (pa + strlen (ka), NULL), vl = g_ascii_strtod (pl + strlen (kl), NULL);
          g_array_append_val (p->a[g], va);
          g_array_append_val (p->lt[g], vl);
        }
    }
}

/* The PROCEDURE rates(v) of the exported file, written out in C. */
static void
mod_rates (const Parsed *p, int g, double v, double *x_inf, double *tau)
{
  double vc = v;
  if (vc < p->lo)
    vc = p->lo;
  if (vc > p->hi)
    vc = p->hi;
  double u = (vc - p->grid_lo) / p->grid_h, k = floor (u);
  if (k > p->kmax)
    k = p->kmax;
  double t = u - k, t2 = t * t, t3 = t2 * t;
  double w[4] = { 0.5 * (-t3 + 2 * t2 - t), 0.5 * (3 * t3 - 5 * t2 + 2), 0.5 * (-3 * t3 + 4 * t2 + t),
                  0.5 * (t3 - t2) };
  const double *a = (const double *) p->a[g]->data, *lt = (const double *) p->lt[g]->data;
  int i = (int) k;
  double aa = 0, ll = 0;
  for (int q = 0; q < 4; q++)
    {
      aa += w[q] * a[i - 1 + q];
      ll += w[q] * lt[i - 1 + q];
    }
  *x_inf = aa >= 0 ? 1 / (1 + exp (-aa)) : exp (aa) / (1 + exp (aa));
  *tau = exp (ll);
}

static nd_model *
learned_model (const char *name, int n_gates, uint64_t seed)
{
  nd_model *m = nd_model_new (1.0, 62.83, -70.0, 6.3);
  nd_model_add_known (m, nd_channel_lookup ("hh_na"), 120.0, 50.0);
  nd_learned_gate net;
  nd_learned_gate_make (&net, 16, 2, ND_ACT_TANH, true);
  const char *names[] = { "m", "h" };
  const int powers[] = { 3, 1 };
  nd_model_add_learned (m, name, 20.0, -80.0, n_gates, names, powers, &net);
  nd_fit_init_networks (m, seed, 1.0);
  nd_model_params_changed (m);
  return m;
}

static void
check_model (int n_gates)
{
  nd_model *m = learned_model ("K", n_gates, 7 + n_gates);
  g_autoptr (GError) error = NULL;
  g_autofree char *text = nd_nmodl_export (m, -1, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (text, "SUFFIX nd_K"));
  g_assert_nonnull (strstr (text, "gbar = 0.02 (S/cm2)"));
  g_assert_nonnull (strstr (text, "e = -80 (mV)"));
  g_assert_nonnull (strstr (text, n_gates == 2 ? "g = gbar * m^3 * h^1" : "g = gbar * m^3\n"));
  /* NEURON's nocmodl takes ASCII only. */
  for (const char *c = text; *c; c++)
    g_assert_cmpint ((unsigned char) *c, <, 128);

  Parsed p = { 0 };
  parse (text, n_gates, &p);
  g_assert_cmpuint (p.a[0]->len, ==, (guint) m->grid_n);
  GRand *rng = g_rand_new_with_seed (3);
  double worst_x = 0, worst_t = 0;
  int c = m->n_channels - 1;
  for (int g = 0; g < n_gates; g++)
    for (int i = 0; i < 4000; i++)
      {
        /* Beyond both ends of the grid too, where the rates are held constant. */
        double v = i < 3990 ? g_rand_double_range (rng, -170.0, 120.0) : -300.0 + 60.0 * (i - 3990);
        double x, t;
        nd_gate_rates r;
        mod_rates (&p, g, v, &x, &t);
        nd_model_gate_rates (m, c, g, v, &r);
        worst_x = MAX (worst_x, fabs (x - r.x_inf));
        worst_t = MAX (worst_t, fabs (t - r.tau) / r.tau);
      }
  g_print ("%d gate(s): largest difference x_inf %.2e, tau (relative) %.2e\n", n_gates, worst_x, worst_t);
  g_assert_cmpfloat (worst_x, <, 1e-13);
  g_assert_cmpfloat (worst_t, <, 1e-12);
  g_rand_free (rng);
  for (int g = 0; g < n_gates; g++)
    {
      g_array_unref (p.a[g]);
      g_array_unref (p.lt[g]);
    }
  nd_model_free (m);
}

static void
test_one_gate (void)
{
  check_model (1);
}

static void
test_two_gates (void)
{
  check_model (2);
}

static void
test_names_and_errors (void)
{
  nd_model *m = learned_model ("Kv 1.2/β", 1, 1);
  g_autofree char *suffix = nd_nmodl_suffix (m, -1);
  g_assert_cmpstr (suffix, ==, "nd_Kv_1_2___");
  g_autofree char *text = nd_nmodl_export (m, -1, NULL);
  g_assert_nonnull (strstr (text, "SUFFIX nd_Kv_1_2___\n"));
  nd_model_free (m);

  /* A model without a learned channel, and a channel index that is not a learned one. */
  nd_model *known = nd_model_new (1.0, 100.0, -65.0, 6.3);
  nd_model_add_known (known, nd_channel_lookup ("hh_k"), 36.0, -77.0);
  g_autoptr (GError) error = NULL;
  g_assert_null (nd_nmodl_export (known, -1, &error));
  g_assert_error (error, ND_ERROR, ND_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (nd_nmodl_export (known, 0, &error));
  g_assert_error (error, ND_ERROR, ND_ERROR_INVALID);
  nd_model_free (known);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/nmodl/one-gate", test_one_gate);
  g_test_add_func ("/nmodl/two-gates", test_two_gates);
  g_test_add_func ("/nmodl/names-and-errors", test_names_and_errors);
  return g_test_run ();
}
