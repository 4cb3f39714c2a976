/* test-icg-model.c: a published channel from the catalogue in a model.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Kv4-type A current of ModelDB 143100 (Kv4f.mod: m^4 h) is added to a model through the model
 * file, and a voltage-clamp experiment run with the engine's integrator (explore.h) from a holding
 * potential of -100 mV: at each step potential the simulated gates settle at the tabulated x_inf and
 * relax with the tabulated tau (log-linear fit of the trace), and the channel current settles at
 * gbar m_inf^4 h_inf (V - E) and inactivates with tau_h. The reference is the raw catalogue table,
 * read separately. Also: the model file round trip, simulation from the CLI and the user's errors.
 */
#include <gio/gio.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "explore.h"
#include "icg-registry.h"
#include "model-file.h"
#include "nd-error.h"

static const char model_json[] =
  "{\"membrane\": {\"area_um2\": 1000, \"v_init_mV\": -100, \"temperature_C\": 23},\n"
  " \"channels\": [{\"type\": \"icg\", \"icg_class\": \"K\", \"channel\": \"143100_Kv4f.mod\",\n"
  "                \"gbar_mS_per_cm2\": 5, \"e_rev_mV\": -85},\n"
  "              {\"type\": \"leak\", \"gbar_mS_per_cm2\": 0.1, \"e_rev_mV\": -70}]}";

/* Tabulated value at a table voltage at temperature T. */
static void
table_at (const NdIcgGate *g, double temp, double v, double *x_inf, double *tau)
{
  int t = -1;
  for (int i = 0; i < g->n_temps; i++)
    if (fabs (g->temps[i] - temp) < 1e-9)
      t = i;
  g_assert_cmpint (t, >=, 0);
  for (int j = 0; j < g->n; j++)
    if (fabs (g->v[j] - v) < 1e-9)
      {
        *x_inf = g->x_inf[t][j];
        *tau = g->tau[t][j];
        return;
      }
  g_assert_not_reached ();
}

/* Slope of ln y against t by least squares over samples [i0, i1). */
static double
log_slope (const double *y, double dt, size_t i0, size_t i1)
{
  double st = 0, sl = 0, stt = 0, stl = 0, n = 0;
  for (size_t i = i0; i < i1; i++)
    {
      g_assert_cmpfloat (y[i], >, 0);
      double t = i * dt, l = log (y[i]);
      st += t; sl += l; stt += t * t; stl += t * l; n++;
    }
  return (n * stl - st * sl) / (n * stt - st * st);
}

static void
test_kv4_voltage_clamp (void)
{
  g_autoptr (GError) error = NULL;
  nd_model *m = nd_model_file_parse (model_json, -1, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (m->n_channels, ==, 2);
  g_assert_cmpint (m->channels[0].n_gates, ==, 2);

  /* Independent reference: the raw catalogue entry. */
  g_autofree char *path = g_build_filename (g_getenv ("ND_SOURCE_ROOT"), "data", "icg", "icg-catalogue.csv.gz", NULL);
  g_autoptr (NdIcgCatalogue) cat = nd_icg_catalogue_load (path, &error);
  g_assert_no_error (error);
  const NdIcgChannel *ch = nd_icg_catalogue_find (cat, "K", "143100_Kv4f.mod");
  g_assert_nonnull (ch);
  const NdIcgGate *gm = NULL, *gh = NULL;
  for (int i = 0; i < ch->n_gates; i++)
    {
      if (!strcmp (ch->gates[i].name, "m"))
        gm = &ch->gates[i];
      if (!strcmp (ch->gates[i].name, "h"))
        gh = &ch->gates[i];
    }
  g_assert_nonnull (gm);
  g_assert_nonnull (gh);
  g_assert_cmpint (gm->exponent, ==, 4);
  g_assert_cmpint (gh->exponent, ==, 1);
  g_assert_cmpint (nd_model_gate_power (m, 0, 0) + nd_model_gate_power (m, 0, 1), ==, 5);

  const double gbar = 5, e_k = -85, v_hold = -100;
  const double steps[] = { -60, -40, -20, 0, 20 };
  g_print ("# V_mV  m_inf(sim/table)  tau_m_ms(sim/table)  h_inf(sim/table)  tau_h_ms(sim/table)  tau_h from I  I_ss(sim/expected) uA/cm2\n");
  for (guint s = 0; s < G_N_ELEMENTS (steps); s++)
    {
      double v = steps[s];
      nd_explore_params p;
      nd_explore_params_init (&p);
      p.clamp = ND_EXPLORE_VOLTAGE_CLAMP;
      p.celsius = 23;
      p.dt = 0.01;
      p.v_hold = v_hold;
      p.v_step = v;
      p.delay = 10;
      p.width = 150;        /* > 20 tau of either gate */
      p.t_stop = 160;
      nd_explore_trace *tr = nd_explore_run (m, &p);
      g_assert_nonnull (tr);
      int km = -1, kh = -1;
      for (int k = 0; k < tr->gates.n; k++)
        if (tr->gates.channel[k] == 0)
          {
            const char *name = m->channels[0].kind->gates[tr->gates.gate[k]].name;
            if (!strcmp (name, "m"))
              km = k;
            else if (!strcmp (name, "h"))
              kh = k;
          }
      g_assert_cmpint (km, >=, 0);
      g_assert_cmpint (kh, >=, 0);

      double mi, tm, hi, th, m0, h0, tau_at_hold;
      table_at (gm, 23, v, &mi, &tm);
      table_at (gh, 23, v, &hi, &th);
      table_at (gm, 23, v_hold, &m0, &tau_at_hold);
      table_at (gh, 23, v_hold, &h0, &tau_at_hold);
      size_t on = (size_t) llround (p.delay / tr->dt), end = (size_t) llround ((p.delay + p.width) / tr->dt) - 1;
      /* Held at -100 mV from the model's steady state: the gates start at the table's values there. */
      g_assert_cmpfloat_with_epsilon (tr->gate[km][on - 1], m0, 1e-4);
      g_assert_cmpfloat_with_epsilon (tr->gate[kh][on - 1], h0, 1e-4);

      double m_ss = tr->gate[km][end], h_ss = tr->gate[kh][end];
      /* Time constants from the relaxation |x(t) - x_ss| over the first ~3 tau of the step. */
      g_autofree double *dm = g_new (double, tr->n), *dh = g_new (double, tr->n), *di = g_new (double, tr->n);
      for (size_t i = 0; i < tr->n; i++)
        {
          dm[i] = fabs (tr->gate[km][i] - m_ss);
          dh[i] = fabs (tr->gate[kh][i] - h_ss);
        }
      double tau_m = -1 / log_slope (dm, tr->dt, on + 1, on + 1 + (size_t) (3 * tm / tr->dt));
      double tau_h = -1 / log_slope (dh, tr->dt, on + 1, on + 1 + (size_t) (3 * th / tr->dt));
      /* The current, as an experimenter sees it: steady value, and its inactivation once m has
       * settled (after 8 tau_m) over the next 2 tau_h. */
      double i_ss = tr->current[0][end];
      double i_expected = gbar * pow (mi, 4) * hi * (v - e_k);
      for (size_t i = 0; i < tr->n; i++)
        di[i] = tr->current[0][i] - i_ss;
      size_t i0 = on + (size_t) (8 * tm / tr->dt);
      double tau_h_current = -1 / log_slope (di, tr->dt, i0, i0 + (size_t) (2 * th / tr->dt));
      g_print ("%6.0f  %.5f/%.5f  %.3f/%.3f  %.6f/%.6f  %.3f/%.3f  %.3f  %.5f/%.5f\n", v, m_ss, mi, tau_m, tm,
               h_ss, hi, tau_h, th, tau_h_current, i_ss, i_expected);

      g_assert_cmpfloat (fabs (m_ss - mi), <, 1e-4);
      g_assert_cmpfloat (fabs (h_ss - hi), <, 1e-5);
      g_assert_cmpfloat (fabs (tau_m / tm - 1), <, 0.005);
      g_assert_cmpfloat (fabs (tau_h / th - 1), <, 0.005);
      g_assert_cmpfloat (fabs (tau_h_current / th - 1), <, 0.03);
      g_assert_cmpfloat (fabs (i_ss - i_expected), <, 1e-3 * fabs (i_expected) + 1e-6);
      nd_explore_trace_free (tr);
    }
  nd_model_free (m);
}

/* Between tabulated temperatures log tau is linear in T (icg-catalogue.h): at 30 °C the Na channel
 * na3n (ModelDB 101629), whose tables at 23 and 37 °C differ, gives the geometric mean of the two. */
static void
test_temperature_between_tables (void)
{
  g_autoptr (GError) error = NULL;
  const char *json =
    "{\"membrane\": {\"area_um2\": 1000, \"temperature_C\": 30},"
    " \"channels\": [{\"type\": \"icg\", \"icg_class\": \"Na\", \"channel\": \"101629_na3n.mod\"}]}";
  nd_model *m = nd_model_file_parse (json, -1, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (m);
  const NdIcgChannel *entry = NULL;
  g_assert_true (nd_icg_kind_source (m->channels[0].kind, NULL, NULL, &entry));
  const NdIcgGate *g = &entry->gates[0];
  g_assert_cmpint (g->exponent, >, 0);
  int checked = 0;
  for (int j = 0; j < g->n; j++)
    {
      if (!isfinite (g->tau[1][j]) || !isfinite (g->tau[2][j]) || g->tau[1][j] < 1e-2 || g->tau[2][j] < 1e-2)
        continue;
      nd_gate_rates r;
      nd_model_gate_rates (m, 0, 0, g->v[j], &r);
      double expect = sqrt (g->tau[1][j] * g->tau[2][j]);
      g_assert_cmpfloat (fabs (r.tau / expect - 1), <, 1e-6);
      g_assert_cmpfloat (fabs (r.x_inf - 0.5 * (g->x_inf[1][j] + g->x_inf[2][j])), <, 1e-9);
      checked++;
    }
  g_print ("# %s gate %s at 30 C: %d table voltages match the log-linear temperature interpolation\n",
           entry->channel, g->name, checked);
  g_assert_cmpint (checked, >, 20);
  nd_model_free (m);
}

static void
test_round_trip (void)
{
  g_autoptr (GError) error = NULL;
  nd_model *m = nd_model_file_parse (model_json, -1, NULL, &error);
  g_assert_no_error (error);
  g_autofree char *text = nd_model_file_to_string (m);
  g_assert_nonnull (strstr (text, "\"type\" : \"icg\""));
  g_assert_nonnull (strstr (text, "\"icg_class\" : \"K\""));
  g_assert_nonnull (strstr (text, "\"channel\" : \"143100_Kv4f.mod\""));
  nd_model *m2 = nd_model_file_parse (text, -1, NULL, &error);
  g_assert_no_error (error);
  g_autofree char *text2 = nd_model_file_to_string (m2);
  g_assert_cmpstr (text, ==, text2);
  /* Same kind object (one per process) and same parameters. */
  g_assert_true (m2->channels[0].kind == m->channels[0].kind);
  g_assert_cmpint (m2->n_params, ==, m->n_params);
  for (size_t i = 0; i < m->n_params; i++)
    g_assert_cmpfloat (m2->params[i], ==, m->params[i]);
  nd_model_free (m);
  nd_model_free (m2);
}

static void
expect_error (const char *cls, const char *channel, int code, const char *words)
{
  g_autofree char *json = g_strdup_printf (
    "{\"membrane\": {\"area_um2\": 1000}, \"channels\": [{\"type\": \"icg\", \"icg_class\": \"%s\", \"channel\": \"%s\"}]}",
    cls, channel);
  g_autoptr (GError) error = NULL;
  nd_model *m = nd_model_file_parse (json, -1, NULL, &error);
  g_assert_null (m);
  g_assert_error (error, ND_ERROR, code);
  g_print ("# %s\n", error->message);
  g_assert_nonnull (strstr (error->message, words));
}

static void
test_errors (void)
{
  expect_error ("K", "1_nowhere.mod", ND_ERROR_NOT_FOUND, "is not in the ICGenealogy catalogue");
  expect_error ("Na", "143100_Kv4f.mod", ND_ERROR_NOT_FOUND, "(class Na)");
  expect_error ("KCa", "101629_cagk.mod", ND_ERROR_UNSUPPORTED, "needs intracellular calcium dynamics");
  expect_error ("", "143100_Kv4f.mod", ND_ERROR_INVALID, "icg_class");
}

/* `neurode-cli kinetics` and `simulate` on a model file with a catalogue channel. */
static void
test_cli (void)
{
  g_autofree char *dir = g_build_filename (g_getenv ("ND_TEST_OUTPUT"), "icg-model", NULL);
  g_mkdir_with_parents (dir, 0755);
  g_autofree char *model = g_build_filename (dir, "kv4.json", NULL);
  g_autoptr (GError) error = NULL;
  g_assert_true (g_file_set_contents (model, model_json, -1, &error));
  g_autofree char *stim = g_build_filename (g_getenv ("ND_TEST_DATA"), "engine", "step-15pA.csv", NULL);
  const char *cli = g_getenv ("NEURODE_CLI");
  g_autofree char *out = NULL, *err = NULL;
  int status = 0;
  const char *argv1[] = { cli, "kinetics", model, NULL };
  g_assert_true (g_spawn_sync (NULL, (char **) argv1, NULL, 0, NULL, NULL, &out, &err, &status, &error));
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_nonnull (strstr (out, "icg:K:143100_Kv4f.mod,m,-40,0.672606,3.47\n"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  const char *argv2[] = { cli, "simulate", model, "--stimulus", stim, NULL };
  g_assert_true (g_spawn_sync (NULL, (char **) argv2, NULL, 0, NULL, NULL, &out, &err, &status, &error));
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_auto (GStrv) lines = g_strsplit (out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), >, 100);
  /* Rest with this leak and a closed A current is near -70..-100 mV; the 15 pA step depolarises. */
  double vmax = -1000;
  for (guint i = 1; lines[i] && *lines[i]; i++)
    {
      g_auto (GStrv) f = g_strsplit (lines[i], ",", -1);
      vmax = MAX (vmax, g_ascii_strtod (f[2], NULL));
    }
  g_print ("# neurode-cli simulate: %u samples, highest V %.2f mV\n", g_strv_length (lines) - 2, vmax);
  g_assert_cmpfloat (vmax, >, -99);
  g_assert_cmpfloat (vmax, <, 60);
}

/* Where the catalogue is found: ND_DATA_DIR first, else the installed or source-tree data. */
static void
test_data_dir (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_build_filename (g_getenv ("ND_TEST_OUTPUT"), "icg-data-dir", NULL);
  g_autofree char *icg = g_build_filename (dir, "icg", NULL);
  g_mkdir_with_parents (icg, 0755);
  g_autofree char *copy = g_build_filename (icg, "icg-catalogue.csv.gz", NULL);
  g_autofree char *src = g_build_filename (g_getenv ("ND_SOURCE_ROOT"), "data", "icg", "icg-catalogue.csv.gz", NULL);
  g_autoptr (GFile) fs = g_file_new_for_path (src), fc = g_file_new_for_path (copy);
  g_assert_true (g_file_copy (fs, fc, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &error));
  g_autofree char *old = g_strdup (g_getenv ("ND_DATA_DIR"));
  g_setenv ("ND_DATA_DIR", dir, TRUE);
  g_autofree char *found = nd_icg_catalogue_path (&error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, copy);
  /* A folder without the catalogue: the next place that has it. */
  g_autofree char *empty = g_build_filename (g_getenv ("ND_TEST_OUTPUT"), "icg-data-empty", NULL);
  g_mkdir_with_parents (empty, 0755);
  g_setenv ("ND_DATA_DIR", empty, TRUE);
  g_autofree char *fallback = nd_icg_catalogue_path (&error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_suffix (fallback, "/icg/icg-catalogue.csv.gz"));
  g_assert_false (g_str_has_prefix (fallback, empty));
  g_print ("# ND_DATA_DIR -> %s; without it -> %s\n", found, fallback);
  if (old)
    g_setenv ("ND_DATA_DIR", old, TRUE);
  else
    g_unsetenv ("ND_DATA_DIR");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/icg-model/kv4-voltage-clamp", test_kv4_voltage_clamp);
  g_test_add_func ("/icg-model/temperature", test_temperature_between_tables);
  g_test_add_func ("/icg-model/round-trip", test_round_trip);
  g_test_add_func ("/icg-model/errors", test_errors);
  g_test_add_func ("/icg-model/cli", test_cli);
  g_test_add_func ("/icg-model/data-dir", test_data_dir);
  return g_test_run ();
}
