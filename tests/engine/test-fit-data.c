/* test-fit-data.c: a recording's sweeps as training and validation data.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "fit-data.h"
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

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/fit-data/split", test_split);
  return g_test_run ();
}
