/* test-icg-catalogue.c: catalogue channels against the tabulated ICGenealogy curves.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A Kv4-type A current (ModelDB 229585, Kv43.mod: a^3 b) is taken from the
 * catalogue and simulated in voltage clamp (steps from -100 mV, exponential
 * Euler on the gate ODEs with the kind's rates at every step). The simulated
 * steady-state current and the time constants read off the simulated traces
 * must match the raw table (tests/data/icg/curves-extract.csv, read
 * separately), at several voltages and temperatures.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "icg-catalogue.h"
#include "icg-curves.h"
#include "nd-error.h"

static int failures;

#define CHECK(cond, ...) do { if (!(cond)) { failures++; fprintf (stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
      fprintf (stderr, __VA_ARGS__); fputc ('\n', stderr); } } while (0)

static const NdIcgCurve *
table_curve (GPtrArray *curves, const char *channel, const char *gate, double temp)
{
  for (guint i = 0; i < curves->len; i++)
    {
      const NdIcgCurve *c = curves->pdata[i];
      if (strcmp (c->channel, channel) == 0 && strcmp (c->gate, gate) == 0 && fabs (c->temp_C - temp) < 0.01)
        return c;
    }
  return NULL;
}

static double
table_at (const NdIcgCurve *c, const double *col, double v)
{
  for (int i = 0; i < c->n; i++)
    if (c->v[i] == v)
      return col[i];
  return NAN;
}

/* Voltage clamp: hold at -100 mV (gates at steady state), step to v for t_end ms.
 * Records the open fraction a^3 b every step and each gate's trajectory. */
typedef struct {
  int n;
  double dt;
  double *open, *a, *b;
} Trace;

static void
clamp (const nd_channel_kind *k, double v, double celsius, double t_end, double dt, Trace *tr)
{
  tr->n = (int) (t_end / dt) + 1;
  tr->dt = dt;
  tr->open = malloc ((size_t) tr->n * sizeof (double));
  tr->a = malloc ((size_t) tr->n * sizeof (double));
  tr->b = malloc ((size_t) tr->n * sizeof (double));
  double x[ND_MAX_GATES];
  nd_gate_rates r;
  for (int g = 0; g < k->n_gates; g++)
    {
      k->gates[g].rates (k->data, -100.0, celsius, &r);
      x[g] = r.x_inf;
    }
  for (int i = 0; i < tr->n; i++)
    {
      double open = 1.0;
      for (int g = 0; g < k->n_gates; g++)
        open *= pow (x[g], k->gates[g].power);
      tr->open[i] = open;
      tr->a[i] = x[0];
      tr->b[i] = x[1];
      for (int g = 0; g < k->n_gates; g++)
        {
          k->gates[g].rates (k->data, v, celsius, &r);
          x[g] = r.x_inf + (x[g] - r.x_inf) * exp (-dt / r.tau);
        }
    }
}

static void
trace_free (Trace *tr)
{
  free (tr->open);
  free (tr->a);
  free (tr->b);
}

/* Time for a trajectory to cover 1 - 1/e of its way from x[0] to x_end. */
static double
time_to_63 (const double *x, int n, double dt, double x_end)
{
  double target = x_end + (x[0] - x_end) * exp (-1.0);
  for (int i = 1; i < n; i++)
    if ((x[i] - target) * (x[i - 1] - target) <= 0.0 && x[i] != x[i - 1])
      return dt * ((i - 1) + (target - x[i - 1]) / (x[i] - x[i - 1]));
  return NAN;
}

static void
check_voltage_clamp (const nd_channel_kind *k, GPtrArray *curves, double celsius)
{
  const NdIcgCurve *ca = table_curve (curves, "229585_Kv43.mod", "a", celsius);
  const NdIcgCurve *cb = table_curve (curves, "229585_Kv43.mod", "b", celsius);
  CHECK (ca && cb, "Kv43 tables at %g C missing from the extract", celsius);
  if (!ca || !cb)
    return;
  const double volts[] = { -60, -40, -20, 0, 20, 40 };
  for (size_t i = 0; i < G_N_ELEMENTS (volts); i++)
    {
      double v = volts[i];
      double a_inf = table_at (ca, ca->x_inf, v), tau_a = table_at (ca, ca->tau, v);
      double b_inf = table_at (cb, cb->x_inf, v), tau_b = table_at (cb, cb->tau, v);
      /* dt well under tau_a; 40 time constants of b, so that what is left of
       * the start (e^-40) is far below the smallest steady state (1e-6). */
      double dt = fmin (tau_a, tau_b) / 200.0;
      Trace tr;
      clamp (k, v, celsius, 40.0 * fmax (tau_a, tau_b), dt, &tr);

      /* Steady state of the simulated current (relative to gbar (V - E)). */
      double open_ss = pow (a_inf, 3) * b_inf;
      double open_end = tr.open[tr.n - 1];
      CHECK (fabs (open_end - open_ss) <= 1e-5 * open_ss + 1e-12,
             "%g C, %g mV: steady open fraction %.6g, table a^3 b %.6g", celsius, v, open_end, open_ss);

      /* Activation time constant from the simulated a(t); inactivation from
       * the current's tail, where a has settled: I - I_ss ~ exp(-t / tau_b). */
      double ta = time_to_63 (tr.a, tr.n, dt, a_inf);
      CHECK (fabs (ta - tau_a) <= 0.005 * tau_a + dt, "%g C, %g mV: simulated tau_a %.4g ms, table %.4g ms",
             celsius, v, ta, tau_a);
      int i1 = (int) (6.0 * tau_b / dt), i2 = (int) (8.0 * tau_b / dt);
      double e1 = tr.open[i1] - open_end, e2 = tr.open[i2] - open_end;
      double tb_tail = (i2 - i1) * dt / log (e1 / e2);
      double tb = time_to_63 (tr.b, tr.n, dt, b_inf);
      if (fabs (e1) > 1e-14 * open_ss && tau_b > 10 * tau_a)
        CHECK (fabs (tb_tail - tau_b) <= 0.005 * tau_b, "%g C, %g mV: tau_b from the current tail %.5g ms, table %.5g ms",
               celsius, v, tb_tail, tau_b);
      CHECK (fabs (tb - tau_b) <= 0.005 * tau_b + dt, "%g C, %g mV: simulated tau_b %.5g ms, table %.5g ms",
             celsius, v, tb, tau_b);
      trace_free (&tr);
    }
}

static void
check_interpolation (const nd_channel_kind *k, GPtrArray *curves)
{
  const NdIcgCurve *b23 = table_curve (curves, "229585_Kv43.mod", "b", 23.0);
  const NdIcgCurve *b37 = table_curve (curves, "229585_Kv43.mod", "b", 37.0);
  const NdIcgCurve *a6 = table_curve (curves, "229585_Kv43.mod", "a", 6.3);
  nd_gate_rates r, rp, rm;

  /* Between grid voltages: x_inf stays between its neighbours (monotone
   * data, Steffen's interpolant does not overshoot); the derivative matches
   * central differences of the kind's own values. */
  for (int i = 0; i + 1 < a6->n; i++)
    {
      double v = 0.5 * (a6->v[i] + a6->v[i + 1]);
      k->gates[0].rates (k->data, v, 6.3, &r);
      double lo = fmin (a6->x_inf[i], a6->x_inf[i + 1]), hi = fmax (a6->x_inf[i], a6->x_inf[i + 1]);
      CHECK (r.x_inf >= lo - 1e-15 && r.x_inf <= hi + 1e-15, "x_inf(%g) = %.8g outside [%.8g, %.8g]",
             v, r.x_inf, lo, hi);
      double tlo = fmin (a6->tau[i], a6->tau[i + 1]), thi = fmax (a6->tau[i], a6->tau[i + 1]);
      CHECK (r.tau >= tlo * (1 - 1e-12) && r.tau <= thi * (1 + 1e-12), "tau(%g) = %.8g outside [%.8g, %.8g]",
             v, r.tau, tlo, thi);
      double h = 1e-5;
      k->gates[0].rates (k->data, v + h, 6.3, &rp);
      k->gates[0].rates (k->data, v - h, 6.3, &rm);
      double dx = (rp.x_inf - rm.x_inf) / (2 * h), dt = (rp.tau - rm.tau) / (2 * h);
      CHECK (fabs (r.dx_inf - dx) <= 1e-6 * fmax (fabs (dx), 1e-6), "dx_inf/dV at %g: %.8g vs %.8g", v, r.dx_inf, dx);
      CHECK (fabs (r.dtau - dt) <= 1e-6 * fmax (fabs (dt), 1e-6 * r.tau), "dtau/dV at %g: %.8g vs %.8g", v, r.dtau, dt);
    }

  /* Between tabulated temperatures, log tau is linear in T: at 30 C, the
   * geometric mean of the 23 and 37 C values. */
  for (int i = 0; i < b23->n; i += 5)
    {
      k->gates[1].rates (k->data, b23->v[i], 30.0, &r);
      double want = sqrt (b23->tau[i] * b37->tau[i]);
      CHECK (fabs (r.tau - want) <= 1e-9 * want, "tau_b(%g mV, 30 C) %.8g vs %.8g", b23->v[i], r.tau, want);
    }

  /* Beyond the tables: the ICG Q10 of tau (2.94 for this channel) from 37 C. */
  k->gates[1].rates (k->data, 0.0, 47.0, &r);
  double tau37 = table_at (b37, b37->tau, 0.0);
  CHECK (r.tau < tau37 && r.tau > tau37 / 3.5, "tau_b at 47 C %.4g ms (37 C: %.4g)", r.tau, tau37);
  /* Clamped outside the voltage table. */
  nd_gate_rates r150;
  k->gates[0].rates (k->data, 150.0, 6.3, &r150);
  k->gates[0].rates (k->data, 100.0, 6.3, &r);
  CHECK (r150.x_inf == r.x_inf && r150.dx_inf == 0.0, "x_inf beyond 100 mV is not held");
}

static void
check_search (const NdIcgCatalogue *cat)
{
  g_autoptr (GPtrArray) kv4 = nd_icg_catalogue_search (cat, "KV4", NULL, 0);
  CHECK (kv4->len == 2, "search “KV4” found %u channels (want Kv43 and Kv4f)", kv4->len);
  g_autoptr (GPtrArray) hh3 = nd_icg_catalogue_search (cat, NULL, NULL, 124394);
  CHECK (hh3->len == 2, "ModelDB 124394 gave %u channels (K and Na entries of hh3.mod)", hh3->len);
  g_autoptr (GPtrArray) na = nd_icg_catalogue_search (cat, "hh3", "na", 0);
  CHECK (na->len == 1 && strcmp (((NdIcgChannel *) na->pdata[0])->icg_class, "Na") == 0, "class filter");
  g_autoptr (GPtrArray) kca = nd_icg_catalogue_search (cat, NULL, "KCa", 0);
  CHECK (kca->len == 1 && ((NdIcgChannel *) kca->pdata[0])->needs_calcium, "KCa channel not flagged");
  g_autoptr (GPtrArray) ih = nd_icg_catalogue_search (cat, NULL, "IH", 0);
  CHECK (ih->len == 0, "IH class");
  g_autoptr (GPtrArray) none = nd_icg_catalogue_search (cat, "no-such-channel", NULL, 0);
  CHECK (none->len == 0, "search for a missing name");

  /* Calcium-dependent: refused with a reason. */
  g_autoptr (GError) error = NULL;
  nd_channel_kind *k = nd_icg_channel_make_kind (kca->pdata[0], &error);
  CHECK (!k && error && strstr (error->message, "calcium"), "KCa channel made into a voltage-only kind");
  nd_icg_kind_free (k);

  /* A Na channel with three gates; exponents from the omnimodel fits (ICG
   * lists 1 for each of m, h, s of this file). */
  const NdIcgChannel *hh3na = nd_icg_catalogue_find (cat, "Na", "124394_hh3.mod");
  nd_channel_kind *kn = nd_icg_channel_make_kind (hh3na, NULL);
  CHECK (kn && kn->n_gates == 3 && strcmp (kn->ion, "na") == 0, "hh3 Na kind");
  if (kn)
    CHECK (kn->gates[0].power == 1 && strcmp (kn->gates[0].name, "m") == 0, "hh3 Na m^%d", kn->gates[0].power);
  nd_icg_kind_free (kn);
}

/* The catalogue shipped with the app: every voltage-only channel becomes a
 * kind whose rates are finite, x_inf within the range of its table, tau >= 0. */
static void
check_shipped_catalogue (void)
{
  const char *root = g_getenv ("ND_SOURCE_ROOT");
  g_assert (root);
  g_autofree char *path = g_build_filename (root, "data", "icg", "icg-catalogue.csv.gz", NULL);
  g_autoptr (GError) error = NULL;
  gint64 t0 = g_get_monotonic_time ();
  g_autoptr (NdIcgCatalogue) cat = nd_icg_catalogue_load (path, &error);
  g_assert_no_error (error);
  double load_s = (double) (g_get_monotonic_time () - t0) * 1e-6;
  guint n = nd_icg_catalogue_n_channels (cat);
  CHECK (n == 2329, "%u channel entries in the shipped catalogue (want 2,329 = 2,269 files, 60 in two classes)", n);
  int kinds = 0, kca = 0, too_many = 0, no_inf = 0;
  for (guint i = 0; i < n; i++)
    {
      const NdIcgChannel *ch = nd_icg_catalogue_get (cat, i);
      g_autoptr (GError) e = NULL;
      nd_channel_kind *k = nd_icg_channel_make_kind (ch, &e);
      if (!k)
        {
          CHECK (e && e->domain == ND_ERROR, "%s: no kind and no error", ch->channel);
          kca += ch->needs_calcium;
          too_many += !ch->needs_calcium && strstr (e->message, "gates in its conductance") != NULL;
          no_inf += !ch->needs_calcium && strstr (e->message, "no steady-state") != NULL;
          continue;
        }
      kinds++;
      for (int g = 0; g < k->n_gates; g++)
        for (double v = -120; v <= 120; v += 7.3)
          for (double t = 0; t <= 40; t += 13.1)
            {
              nd_gate_rates r;
              k->gates[g].rates (k->data, v, t, &r);
              if (!(isfinite (r.x_inf) && isfinite (r.tau) && r.tau >= 0 && isfinite (r.dx_inf) && isfinite (r.dtau)))
                {
                  CHECK (FALSE, "%s gate %s at %g mV, %g C: x_inf %g tau %g", ch->channel, k->gates[g].name, v, t,
                         r.x_inf, r.tau);
                  goto next;
                }
            }
    next:
      nd_icg_kind_free (k);
    }
  printf ("shipped catalogue: %u entries loaded in %.2f s; %d voltage-only kinds, %d KCa refused, "
          "%d with more than %d gates, %d without x_inf\n", n, load_s, kinds, kca, too_many, ND_MAX_GATES, no_inf);
  CHECK (kinds > 2000, "only %d kinds", kinds);
}

int
main (void)
{
  const char *dir = g_getenv ("ND_TEST_DATA");
  g_assert (dir);
  g_autofree char *cat_path = g_build_filename (dir, "icg", "catalogue-extract.csv.gz", NULL);
  g_autofree char *curves_path = g_build_filename (dir, "icg", "curves-extract.csv", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (NdIcgCatalogue) cat = nd_icg_catalogue_load (cat_path, &error);
  g_assert_no_error (error);
  g_autoptr (GPtrArray) curves = nd_icg_curves_load (curves_path, NAN, &error);
  g_assert_no_error (error);

  const NdIcgChannel *kv43 = nd_icg_catalogue_find (cat, "K", "229585_Kv43.mod");
  CHECK (kv43 && kv43->modeldb_id == 229585 && kv43->n_gates == 2 && !kv43->needs_calcium, "Kv43 entry");
  nd_channel_kind *k = nd_icg_channel_make_kind (kv43, &error);
  g_assert_no_error (error);
  CHECK (k->n_gates == 2 && k->gates[0].power == 3 && k->gates[1].power == 1, "Kv43 is a^3 b");
  CHECK (strstr (k->citation, "229585") && strstr (k->citation, "Podlaski"), "citation: %s", k->citation);
  CHECK (strcmp (k->ion, "k") == 0, "ion %s", k->ion);
  check_voltage_clamp (k, curves, 6.3);
  check_voltage_clamp (k, curves, 23.0);
  check_voltage_clamp (k, curves, 37.0);
  check_interpolation (k, curves);
  nd_icg_kind_free (k);
  check_search (cat);
  check_shipped_catalogue ();

  /* Errors in the reader's terms. */
  g_autoptr (GError) e1 = NULL;
  CHECK (!nd_icg_catalogue_load ("/nonexistent/catalogue.csv.gz", &e1) && e1, "missing file accepted");
  g_autoptr (GError) e2 = NULL;
  CHECK (!nd_icg_catalogue_load (curves_path, &e2) && e2 && strstr (e2->message, "not a Neurode channel catalogue"),
         "curve table taken for a catalogue");
  if (failures)
    fprintf (stderr, "%d failures\n", failures);
  return failures ? 1 : 0;
}
