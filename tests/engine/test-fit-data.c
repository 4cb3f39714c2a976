/* test-fit-data.c: a recording's sweeps as training and validation data.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "cell-recording.h"
#include "fit-data.h"
#include "units.h"
#include "nd-error.h"

static void
test_split (void)
{
  const char *dir = g_getenv ("ND_TEST_OUTPUT");
  g_mkdir_with_parents (dir, 0755);
  g_autofree char *path = g_build_filename (dir, "fit-data.csv", NULL);
  g_autoptr (GString) csv = g_string_new ("sweep,t_ms,v_mV,i_pA\n");
  for (int s = 0; s < 3; s++)
    for (int j = 0; j < 11; j++)
      g_string_append_printf (csv, "%d,%g,%g,%g\n", s, j * 0.1, -70.0 + s + 0.01 * j, 10.0 * s);
  g_assert_true (g_file_set_contents (path, csv->str, -1, NULL));
  g_autoptr (GError) error = NULL;
  NdRecording *rec = nd_recording_load (path, &error);
  g_assert_no_error (error);

  nd_model *m = nd_model_new (1.0, 50.0, -70.0, 6.3);
  nd_model_add_known (m, nd_channel_lookup ("leak"), 0.3, -70.0);
  const int val[] = { 1 };
  NdFitData *d = nd_fit_data_from_recording (rec, m, 0.025, val, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (d->n_train, ==, 2);
  g_assert_cmpint (d->n_val, ==, 1);
  g_assert_cmpint (d->train_sweeps[0], ==, 0);
  g_assert_cmpint (d->train_sweeps[1], ==, 2);
  g_assert_cmpint (d->val_sweeps[0], ==, 1);
  g_assert_cmpuint (d->train[1].drive.n, ==, 11);
  g_assert_cmpfloat_with_epsilon (d->train[1].drive.dt_sample, 0.1, 1e-12);
  g_assert_cmpint (d->train[1].drive.n_sub, ==, 4);
  /* 20 pA over 50 um2 = 0.4 pA/um2 = 40 uA/cm2. */
  g_assert_cmpfloat_with_epsilon (d->train[1].drive.i_inj[5], 40.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (d->val[0].v_obs[10], -68.9, 1e-9);
  nd_fit_data_free (d);

  d = nd_fit_data_from_recording (rec, m, 0.1, NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (d->n_train, ==, 3);
  g_assert_cmpint (d->train[0].drive.n_sub, ==, 1);
  nd_fit_data_free (d);

  /* A window: only it and a lead-in of up to 100 ms are simulated (the
   * sweeps here are 1 ms long, so the lead-in starts at the sweep's start). */
  const int train1[] = { 2 };
  NdFitDataSpec spec = { .train = train1, .n_train = 1, .val = val, .n_val = 1, .max_dt_ms = 0.025,
                         .window_start_ms = 0.3, .window_end_ms = 0.6 };
  d = nd_fit_data_new (rec, m, &spec, &error);
  g_assert_no_error (error);
  g_assert_cmpint (d->n_train, ==, 1);
  g_assert_cmpint (d->train_sweeps[0], ==, 2);
  g_assert_cmpuint (d->train[0].drive.n, ==, 8);   /* samples 0..7: the window ends at 0.6 ms, and one more */
  g_assert_cmpfloat (d->train[0].weight[2], ==, 0.0);
  g_assert_cmpfloat (d->train[0].weight[3], ==, 1.0);
  g_assert_cmpfloat (d->train[0].weight[6], ==, 1.0);
  g_assert_cmpfloat (d->train[0].weight[7], ==, 0.0);
  nd_fit_data_free (d);
  spec.window_start_ms = 5.0;
  spec.window_end_ms = 6.0;
  g_assert_null (nd_fit_data_new (rec, m, &spec, &error));
  g_assert_nonnull (strstr (error->message, "lies outside"));
  g_clear_error (&error);
  const int both[] = { 1 };
  spec = (NdFitDataSpec) { .train = both, .n_train = 1, .val = both, .n_val = 1, .max_dt_ms = 0.025 };
  g_assert_null (nd_fit_data_new (rec, m, &spec, &error));
  g_assert_nonnull (strstr (error->message, "both for training and for validation"));
  g_clear_error (&error);

  const int bad[] = { 3 };
  g_assert_null (nd_fit_data_from_recording (rec, m, 0.025, bad, 1, &error));
  g_assert_error (error, ND_ERROR, ND_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "no sweep 3"));
  g_clear_error (&error);
  const int all[] = { 0, 1, 2 };
  g_assert_null (nd_fit_data_from_recording (rec, m, 0.025, all, 3, &error));
  g_assert_nonnull (strstr (error->message, "nothing is left to fit"));
  g_clear_error (&error);
  nd_recording_free (rec);
  nd_model_free (m);
}

/* A voltage-clamp table: 10 pF charged through 0.2 ms after each jump of
 * the command, a leak of 1 nS to 0 mV; the sweeps become clamp sweeps. */
static void
test_clamp_table (void)
{
  const char *dir = g_getenv ("ND_TEST_OUTPUT");
  g_mkdir_with_parents (dir, 0755);
  g_autofree char *path = g_build_filename (dir, "fit-data-vc.csv", NULL);
  g_autoptr (GString) csv = g_string_new ("sweep,t_ms,v_cmd_mV,i_pA\n");
  for (int s = 0; s < 2; s++)
    for (int j = 0; j < 400; j++)
      {
        /* 1 nS: the leak in pA is V in mV; 10 pF dV / 0.2 ms e^(-t / 0.2 ms). */
        double t = j * 0.05, dv = 30.0 - 20.0 * s, v = t >= 5.0 && t < 15.0 ? -70.0 + dv : -70.0, i = v;
        if (t >= 5.0 - 1e-9)
          i += 10.0 * (t < 15.0 - 1e-9 ? dv : -dv) / 0.2 * exp (-(t < 15.0 - 1e-9 ? t - 5.0 : t - 15.0) / 0.2);
        g_string_append_printf (csv, "%d,%.2f,%g,%.6f\n", s, t, v, i);
      }
  g_assert_true (g_file_set_contents (path, csv->str, -1, NULL));
  g_autoptr (GError) error = NULL;
  g_autoptr (NdRecording) rec = nd_recording_load (path, &error);
  g_assert_no_error (error);
  g_assert_true (nd_recording_is_voltage_clamp (rec));
  g_assert_cmpfloat_with_epsilon (nd_cell_capacitance_from_clamp (rec, &error), 10.0, 0.3);
  g_assert_no_error (error);

  nd_model *m = nd_model_new (1.0, 1000.0, -70.0, 22.0);
  nd_model_add_known (m, nd_channel_lookup ("leak"), 0.1, -70.0);
  const int val[] = { 1 };
  NdFitDataSpec spec = { .val = val, .n_val = 1, .max_dt_ms = 0.025 };
  NdFitData *d = nd_fit_data_new (rec, m, &spec, &error);
  g_assert_no_error (error);
  g_assert_true (d->voltage_clamp);
  const nd_fit_sweep *f = &d->train[0];
  g_assert_nonnull (f->drive.v_clamp);
  g_assert_null (f->v_obs);
  g_assert_cmpfloat (f->drive.v_clamp[150], ==, -40.0);
  /* -40 pA (+ what is left of the transient) over 1000 um2 = 0.04 pA/um2 = 4 uA/cm2. */
  g_assert_cmpfloat_with_epsilon (f->i_obs[299], -4.0, 1e-6);
  /* 0.2 ms transients: gone to 1 % in 0.9 ms; the window leaves about that out after both jumps. */
  g_assert_cmpfloat (d->clamp_skip_ms, >, 0.6);
  g_assert_cmpfloat (d->clamp_skip_ms, <, 1.5);
  g_assert_cmpfloat (f->weight[99], ==, 1.0);
  g_assert_cmpfloat (f->weight[100], ==, 0.0);
  g_assert_cmpfloat (f->weight[100 + (int) (d->clamp_skip_ms / 0.05)], ==, 0.0);
  g_assert_cmpfloat (f->weight[100 + (int) (d->clamp_skip_ms / 0.05) + 2], ==, 1.0);
  g_assert_cmpfloat (f->weight[300], ==, 0.0);
  /* The unit of the loss: 1 % of the kept current's range (-70 to -40 pA,
   * and the little left of the transients at the window's start). */
  g_assert_cmpfloat_with_epsilon (d->i_unit_pA, 0.31, 0.03);
  g_assert_cmpfloat_with_epsilon (f->i_unit, nd_pA_to_density (d->i_unit_pA, 1000.0), 1e-9);
  nd_fit_data_free (d);

  /* A given skip; none. */
  spec.clamp_skip_ms = 2.0;
  d = nd_fit_data_new (rec, m, &spec, &error);
  g_assert_cmpfloat (d->clamp_skip_ms, ==, 2.0);
  g_assert_cmpfloat (d->train[0].weight[139], ==, 0.0);
  g_assert_cmpfloat (d->train[0].weight[141], ==, 1.0);
  nd_fit_data_free (d);
  spec.clamp_skip_ms = -1.0;
  d = nd_fit_data_new (rec, m, &spec, &error);
  g_assert_cmpfloat (d->clamp_skip_ms, ==, 0.0);
  g_assert_cmpfloat (d->train[0].weight[100], ==, 0.0);   /* the jump's own sample */
  g_assert_cmpfloat (d->train[0].weight[101], ==, 1.0);
  nd_fit_data_free (d);
  nd_model_free (m);
}

/* The real voltage-clamp ABF: the command rebuilt from its epochs, the
 * current in pA, slow transients (a cell with dendrites). */
static void
test_clamp_abf (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("ND_TEST_DATA"), "abf", "17o05024_vc_steps.abf", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (NdRecording) rec = nd_recording_load (path, &error);
  g_assert_no_error (error);
  g_assert_true (nd_recording_is_voltage_clamp (rec));
  NdClampTrace tr;
  g_assert_true (nd_recording_get_vc_sweep (rec, 0, &tr, &error));
  g_assert_cmpuint (tr.n, ==, 70000);
  g_assert_cmpfloat (tr.v_cmd_mV[0], ==, -70.0);
  g_assert_cmpfloat (tr.v_cmd_mV[12000], ==, -110.0);
  g_assert_cmpfloat (fabs (tr.i_pA[0] + 21.36), <, 0.01);   /* pyABF's first value */
  nd_clamp_trace_clear (&tr);
  /* The command is corrected for the junction potential as V is in current clamp. */
  nd_recording_set_ljp (rec, 10.0);
  g_assert_true (nd_recording_get_vc_sweep (rec, 0, &tr, &error));
  g_assert_cmpfloat (tr.v_cmd_mV[12000], ==, -120.0);
  nd_clamp_trace_clear (&tr);
  nd_recording_set_ljp (rec, 0.0);
  double c = nd_cell_capacitance_from_clamp (rec, &error);
  g_assert_no_error (error);
  g_test_message ("17o05024: %.1f pF", c);
  g_assert_cmpfloat (c, >, 10.0);
  g_assert_cmpfloat (c, <, 50.0);

  nd_model *m = nd_model_new (1.0, 2000.0, -70.0, 22.0);
  nd_model_add_known (m, nd_channel_lookup ("leak"), 0.05, -60.0);
  const int train[] = { 0 };
  NdFitDataSpec spec = { .train = train, .n_train = 1, .max_dt_ms = 0.05, .window_start_ms = 500,
                         .window_end_ms = 1100 };
  NdFitData *d = nd_fit_data_new (rec, m, &spec, &error);
  g_assert_no_error (error);
  g_test_message ("17o05024: %.2f ms left out after every jump, loss unit %.3f pA", d->clamp_skip_ms, d->i_unit_pA);
  /* Its transients last milliseconds (dendrites): measured, within the cap. */
  g_assert_cmpfloat (d->clamp_skip_ms, >, 1.0);
  g_assert_cmpfloat (d->clamp_skip_ms, <=, 10.0);
  g_assert_cmpfloat (d->i_unit_pA, >, 0.1);
  g_assert_cmpfloat (d->i_unit_pA, <, 2.0);
  nd_fit_data_free (d);
  nd_model_free (m);
  /* A current-clamp view of it fails and says why; so does a clamp view of a current-clamp file. */
  NdSweepTrace cc;
  g_assert_false (nd_recording_get_cc_sweep (rec, 0, &cc, &error));
  g_clear_error (&error);
  g_autofree char *ic = g_build_filename (g_getenv ("ND_TEST_DATA"), "abf", "17o05028_ic_steps.abf", NULL);
  g_autoptr (NdRecording) cc_rec = nd_recording_load (ic, &error);
  g_assert_no_error (error);
  g_assert_false (nd_recording_is_voltage_clamp (cc_rec));
  g_assert_false (nd_recording_get_vc_sweep (cc_rec, 0, &tr, &error));
  g_assert_nonnull (strstr (error->message, "command potential"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/fit-data/split", test_split);
  g_test_add_func ("/engine/fit-data/clamp-table", test_clamp_table);
  g_test_add_func ("/engine/fit-data/clamp-abf", test_clamp_abf);
  return g_test_run ();
}
