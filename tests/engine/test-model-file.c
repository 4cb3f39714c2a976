/* test-model-file.c: the example loads; save/load round trip with weights; bad files.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fit.h"
#include "gate-band.h"
#include "integrator.h"
#include "model-file.h"
#include "nd-error.h"
#include "templates.h"

static void
trace (nd_model *m, double *v, size_t n)
{
  double *i = g_new0 (double, n);
  for (size_t j = 50; j < 450 && j < n; j++)
    i[j] = 15.0 / m->area_um2 * 100.0;
  nd_drive d = { .n = n, .dt_sample = 0.1, .n_sub = 4, .i_inj = i };
  nd_simulate (m, &d, v, NULL);
  g_free (i);
}

static void
test_example (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("ND_TEST_DATA"), "engine", "k-hybrid.json", NULL);
  g_autoptr (GError) error = NULL;
  gboolean weights = TRUE;
  nd_model *m = nd_model_file_load (path, &weights, &error);
  g_assert_no_error (error);
  g_assert_nonnull (m);
  g_assert_false (weights);
  g_assert_cmpint (m->n_channels, ==, 3);
  g_assert_cmpfloat (m->area_um2, ==, 62.832);
  g_assert_cmpfloat (m->v_init, ==, -70.0);
  g_assert_cmpint (m->channels[2].slot, ==, ND_CHANNEL_LEARNED);
  g_assert_cmpstr (m->channels[2].name, ==, "K");
  g_assert_cmpint (m->channels[2].learned[0].power, ==, 4);
  g_assert_cmpint (m->channels[2].learned[0].net.shape.width, ==, 32);
  g_assert_true (m->blocks[m->channels[2].learned[0].block].trainable);
  g_assert_false (m->blocks[m->channels[2].block_gbar].trainable);
  /* Gates start at steady state at v_init. */
  double y[8];
  nd_model_initial_state (m, y);
  nd_gate_rates r;
  nd_model_gate_rates (m, 0, 0, -70.0, &r);
  g_assert_cmpfloat (y[1], ==, r.x_inf);

  /* Give the networks weights, add a free current, and round-trip. */
  nd_mlp_shape fs = { .n_in = 3, .width = 5, .depth = 2, .n_out = 3, .act = ND_ACT_SILU, .layer_norm = TRUE };
  const double zm[2] = { 0.5, -1.0 }, zs[2] = { 2.0, 0.25 };
  g_assert_cmpint (nd_model_add_free (m, "axial", 2, &fs, -60.0, 15.0, zm, zs, 0.7), ==, 3);
  nd_fit_init_networks (m, 42, 1.0);
  /* The latents' initial state is a parameter and starts the simulation. */
  const nd_param_block *zb = &m->blocks[m->channels[3].block_z0];
  g_assert_cmpint (zb->count, ==, 2);
  g_assert_cmpfloat (m->params[zb->offset], ==, 0.5);
  m->params[zb->offset + 1] = -0.375;
  double y0[16];
  nd_model_initial_state (m, y0);
  g_assert_cmpfloat (y0[m->channels[3].state_off + 1], ==, -0.375);
  m->channels[3].z_leak_ms = 12.5;
  m->blocks[m->channels[0].block_gbar].trainable = TRUE;
  /* A real exponent, fitted. */
  nd_param_block *pb = &m->blocks[m->channels[2].learned[0].block_power];
  g_assert_cmpfloat (m->params[pb->offset], ==, 4.0);
  m->params[pb->offset] = 3.25;
  pb->trainable = TRUE;
  nd_model_params_changed (m);
  g_autofree char *text = nd_model_file_to_string (m);
  nd_model *back = nd_model_file_parse (text, -1, &weights, &error);
  g_assert_no_error (error);
  g_assert_true (weights);
  g_assert_cmpint (back->n_params, ==, m->n_params);
  g_assert_cmpmem (back->params, back->n_params * sizeof (double), m->params, m->n_params * sizeof (double));
  g_assert_true (back->blocks[back->channels[0].block_gbar].trainable);
  g_assert_true (back->blocks[back->channels[2].learned[0].block_power].trainable);
  g_assert_false (back->blocks[back->channels[2].block_e].trainable);
  g_assert_cmpint (back->channels[3].free_shape.act, ==, ND_ACT_SILU);
  g_assert_cmpfloat (back->channels[3].z_std[1], ==, 0.25);
  g_assert_cmpfloat (back->channels[3].z_leak_ms, ==, 12.5);
  g_assert_false (back->channels[3].anchored);
  double va[501], vb[501];
  trace (m, va, 501);
  trace (back, vb, 501);
  g_assert_cmpmem (va, sizeof va, vb, sizeof vb);
  double lo = 1e9, hi = -1e9;
  for (int j = 0; j < 501; j++)
    lo = fmin (lo, va[j]), hi = fmax (hi, va[j]);
  g_assert_true (isfinite (lo) && isfinite (hi));

  /* A rest anchor survives the round trip; the initial latents are then z_mean. */
  {
    nd_model *an = nd_model_copy (m);
    g_assert_true (nd_model_anchor_free (an, 3, -67.5));
    g_autofree char *atext = nd_model_file_to_string (an);
    g_assert_nonnull (strstr (atext, "\"rest_anchor_mV\""));
    nd_model *aback = nd_model_file_parse (atext, -1, &weights, &error);
    g_assert_no_error (error);
    g_assert_true (aback->channels[3].anchored);
    g_assert_cmpfloat (aback->channels[3].v_anchor, ==, -67.5);
    g_assert_false (aback->blocks[aback->channels[3].block_z0].trainable);
    g_assert_cmpfloat (aback->params[aback->blocks[aback->channels[3].block_z0].offset + 1], ==, zm[1]);
    double wa[501], wb[501];
    trace (an, wa, 501);
    trace (aback, wb, 501);
    g_assert_cmpmem (wa, sizeof wa, wb, sizeof wb);
    nd_model_free (aback);
    nd_model_free (an);
  }

  /* Through a file too. */
  g_autofree char *out = g_build_filename (g_getenv ("ND_TEST_OUTPUT"), "model-roundtrip.json", NULL);
  g_mkdir_with_parents (g_getenv ("ND_TEST_OUTPUT"), 0755);
  g_assert_true (nd_model_file_save (back, out, &error));
  nd_model *again = nd_model_file_load (out, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (again->params, again->n_params * sizeof (double), m->params, m->n_params * sizeof (double));
  nd_model_free (again);
  nd_model_free (back);
  nd_model_free (m);
}

static void
expect_error (const char *json, const char *fragment)
{
  g_autoptr (GError) error = NULL;
  nd_model *m = nd_model_file_parse (json, -1, NULL, &error);
  g_assert_null (m);
  g_assert_nonnull (error);
  g_assert_true (error->domain == ND_ERROR);
  if (!strstr (error->message, fragment))
    g_error ("message “%s” lacks “%s”", error->message, fragment);
}

/* A real cell's fitted model: known conductances within ranges, Na's
 * kinetics offset, a learned gate's prior; all survive a save and a load
 * exactly, with their trainable flags, and the traces agree. */
static void
test_fit_extras (void)
{
  nd_model *m = nd_template_model (ND_TEMPLATE_CORTICAL, NULL, true);
  g_assert_nonnull (m);
  m->params[m->blocks[m->channels[0].block_vshift].offset] = 4.25;
  /* Sodium inactivation's own offset: the template leaves it, a user may fit it. */
  g_assert_false (m->blocks[m->channels[0].block_hshift].trainable);
  m->blocks[m->channels[0].block_hshift].trainable = true;
  g_assert_cmpint (m->channels[1].block_hshift, ==, -1);   /* Kd has no inactivation gate */
  m->params[m->blocks[m->channels[0].block_hshift].offset] = -7.5;
  double *pr = nd_model_gate_prior (m, 4, 0);
  pr[ND_PRIOR_SLOPE] = 0.125;
  pr[ND_PRIOR_V_HALF] = -35.5;
  pr[ND_PRIOR_LOG_TAU] = log (80.0);
  m->blocks[m->channels[4].learned[0].block_prior].trainable = true;
  nd_model_params_changed (m);
  g_autofree char *dir = g_dir_make_tmp ("nd-model-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "m.json", NULL);
  g_autoptr (GError) error = NULL;
  g_assert_true (nd_model_file_save (m, path, &error));
  gboolean weights = FALSE;
  nd_model *b = nd_model_file_load (path, &weights, &error);
  g_assert_no_error (error);
  g_assert_true (weights);
  g_assert_cmpuint (b->n_params, ==, m->n_params);
  for (int k = 0; k < m->n_blocks; k++)
    {
      g_assert_cmpint (b->blocks[k].trainable, ==, m->blocks[k].trainable);
      g_assert_cmpfloat_with_epsilon (b->blocks[k].lo, m->blocks[k].lo, 1e-12 * fabs (m->blocks[k].lo) + 1e-300);
      g_assert_cmpfloat_with_epsilon (b->blocks[k].hi, m->blocks[k].hi, 1e-12 * fabs (m->blocks[k].hi) + 1e-300);
    }
  for (size_t i = 0; i < m->n_params; i++)
    g_assert_cmpfloat_with_epsilon (b->params[i], m->params[i], 1e-12 * fabs (m->params[i]) + 1e-300);
  g_assert_cmpfloat (nd_model_v_shift (b, 0), ==, 4.25);
  g_assert_cmpfloat (nd_model_inact_shift (b, 0), ==, -7.5);
  /* h sees V - 4.25 - (-7.5), m only V - 4.25. */
  g_assert_cmpfloat (nd_model_gate_v (b, 0, 0, -50.0), ==, -54.25);
  g_assert_cmpfloat (nd_model_gate_v (b, 0, 1, -50.0), ==, -46.75);
  double va[500], vb[500];
  trace (m, va, 500);
  trace (b, vb, 500);
  for (int j = 0; j < 500; j++)
    g_assert_cmpfloat_with_epsilon (va[j], vb[j], 1e-9);
  nd_model_free (b);
  /* Out of range: an offset of 40 mV, a range that excludes the conductance. */
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_autofree char *bad_shift = g_strdup (text);
  char *at = strstr (bad_shift, "\"v_shift_mV\" : 4.25");
  g_assert_nonnull (at);
  memcpy (at, "\"v_shift_mV\" : 40.0", strlen ("\"v_shift_mV\" : 40.0"));
  g_assert_null (nd_model_file_parse (bad_shift, -1, NULL, &error));
  g_assert_nonnull (strstr (error->message, "v_shift_mV"));
  g_clear_error (&error);
  g_autofree char *bad_inact = g_strdup (text);
  at = strstr (bad_inact, "\"v_shift_inact_mV\" : -7.5");
  g_assert_nonnull (at);
  memcpy (at, "\"v_shift_inact_mV\" : 99.", strlen ("\"v_shift_inact_mV\" : 99."));
  g_assert_null (nd_model_file_parse (bad_inact, -1, NULL, &error));
  g_assert_nonnull (strstr (error->message, "v_shift_inact_mV"));
  g_clear_error (&error);
  g_unlink (path);
  g_rmdir (dir);
  nd_model_free (m);
}

static void
test_bad_files (void)
{
  expect_error ("{", "");
  expect_error ("[1,2]", "JSON object");
  expect_error ("{\"channels\": []}", "membrane");
  expect_error ("{\"membrane\": {\"area_um2\": 10}}", "no channels");
  /* An empty list is a bare membrane (every channel switched off in the model builder): it loads and saves. */
  {
    g_autoptr (GError) bare_error = NULL;
    nd_model *bare = nd_model_file_parse ("{\"membrane\": {\"area_um2\": 10}, \"channels\": []}", -1, NULL, &bare_error);
    g_assert_no_error (bare_error);
    g_assert_nonnull (bare);
    nd_model_free (bare);
  }
  expect_error ("{\"membrane\": {}, \"channels\": [{\"type\": \"leak\"}]}", "area_um2");
  expect_error ("{\"membrane\": {\"area_um2\": -1}, \"channels\": [{\"type\": \"leak\"}]}", "must be 1 to 1e+08 µm²");
  /* Issue 15: non-physical membranes, malformed JSON and wrong-typed members are errors naming the place. */
  expect_error ("{\"membrane\": {\"area_um2\": 1e-12}, \"channels\": []}", "“area_um2” is 1e-12");
  expect_error ("{\"membrane\": {\"area_um2\": 10, \"cm_uF_per_cm2\": 1e308}, \"channels\": []}",
                "“cm_uF_per_cm2” is 1e+308; the specific capacitance must be 0.01 to 100");
  expect_error ("{\"membrane\": {\"area_um2\": 10}, \"channels\": [{\"type\": \"hh_na\", \"gbar_mS_per_cm2\": 0120}]}",
                "line 1, column 82: “0120”: a number may not start with 0 (write 120");
  expect_error ("{'membrane': {}}", "line 1, column 2: text must be in double quotes");
  expect_error ("{\"membrane\": {\"area_um2\": 10}, \"channels\": []} {}", "comes after the end of the JSON value");
  expect_error ("{\"membrane\": {\"area_um2\": 0x78}, \"channels\": []}", "“0x78” is a hexadecimal number");
  expect_error ("{\"membrane\": {\"area_um2\": 10},\n \"channels\": [{\"type\": \"leak\", \"e_rev_mV\": NaN}]}",
                "line 2, column 44: “NaN” is not a number JSON allows");
  expect_error ("{\"membrane\": {\"area_um2\": 1e999}, \"channels\": []}", "too large");
  expect_error ("{\"membrane\": {\"area_um2\": 10}, \"channels\": [{\"type\": 5}]}", "“type” must be text in double quotes, not a number");
  expect_error ("{\"membrane\": {\"area_um2\": 10}, \"channels\": [{\"type\": \"leak\", \"fit_gbar\": 1}]}",
                "“fit_gbar” must be true or false, not a number");
  expect_error ("{\"membrane\": [], \"channels\": []}", "“membrane” must be an object");
#define LEARNED "{\"membrane\": {\"area_um2\": 10}, \"channels\": [{\"type\": \"learned\", \"name\": \"K\", " \
                "\"gbar_mS_per_cm2\": 1, \"e_rev_mV\": -70, \"gates\": [{\"name\": \"n\", "
  expect_error (LEARNED "\"network\": []}]}]}", "“network” must be an object { … }, not a list");
  expect_error (LEARNED "\"network\": {\"weights\": {}}}]}]}", "“weights” must be a list [ … ], not an object");
  /* A 1x1 network has 1 + 1 + 2 + 2 + 2 = 8 weights (layer norm on). */
  expect_error (LEARNED "\"network\": {\"width\": 1, \"depth\": 1, \"weights\": [\"NaN\", 1, 1, 1, 1, 1, 1, 1]}}]}]}",
                "weight 1 must be a finite number, not text");
  expect_error (LEARNED "\"network\": {\"width\": 1, \"depth\": 1, \"weights\": [1, 1, 1, \"0.25\", 1, 1, 1, 1]}}]}]}",
                "weight 4 must be a finite number, not text");
  expect_error (LEARNED "\"network\": {\"width\": 1, \"depth\": 1, \"weights\": [1, 1, 1, 1, 1, 1, 1, true]}}]}]}",
                "weight 8 must be a finite number, not true or false");
  expect_error (LEARNED "\"prior\": 3}]}]}", "“prior” must be an object");
  expect_error ("{\"membrane\": {\"area_um2\": 10}, \"channels\": [{\"type\": \"learned_free\", \"latents\": 2, "
                "\"z_mean\": [0, \"1\"]}]}", "“z_mean”: value 2 must be a finite number, not text");
  {
    /* 100,000 levels: refused by depth before json-glib recurses. */
    GString *deep = g_string_new (NULL);
    for (int i = 0; i < 100000; i++)
      g_string_append_c (deep, '[');
    for (int i = 0; i < 100000; i++)
      g_string_append_c (deep, ']');
    expect_error (deep->str, "nested more than 64 levels deep");
    g_string_free (deep, TRUE);
  }
  expect_error ("{\"membrane\": {\"area_um2\": 10}, \"channels\": [{\"type\": \"kv9\"}]}", "unknown channel type");
  expect_error ("{\"membrane\": {\"area_um2\": 10}, \"channels\": [{\"type\": \"leak\", \"gbar_mS_per_cm2\": \"x\"}]}", "number");
  expect_error ("{\"membrane\": {\"area_um2\": 10}, \"channels\": [{\"type\": \"learned\", \"gbar_mS_per_cm2\": 1, \"e_rev_mV\": 0}]}", "one or two gates");
  expect_error ("{\"membrane\": {\"area_um2\": 10}, \"channels\": [{\"type\": \"learned\", \"gbar_mS_per_cm2\": 1, \"e_rev_mV\": 0, \"gates\": [{\"power\": 9}]}]}", "power");
  expect_error ("{\"membrane\": {\"area_um2\": 10}, \"channels\": [{\"type\": \"learned\", \"gbar_mS_per_cm2\": 1, \"e_rev_mV\": 0, \"gates\": [{\"network\": {\"width\": 2, \"depth\": 1, \"weights\": [1, 2]}}]}]}", "weights");
  expect_error ("{\"membrane\": {\"area_um2\": 10}, \"channels\": [{\"type\": \"learned\", \"gbar_mS_per_cm2\": 1, \"e_rev_mV\": 0, \"gates\": [{\"network\": {\"activation\": \"sin\"}}]}]}", "activation");
  expect_error ("{\"membrane\": {\"area_um2\": 10}, \"channels\": [{\"type\": \"hh_na\", \"gbar_mS_per_cm2\": -5}]}", "conductance");
  expect_error ("{\"membrane\": {\"area_um2\": 10}, \"channels\": [{\"type\": \"learned_free\", \"latents\": 99}]}", "latents");
  expect_error ("{\"membrane\": {\"area_um2\": 10}, \"channels\": [{\"type\": \"learned_free\", \"latents\": 1, "
                "\"z_init\": [1e300]}]}", "z_init");
  expect_error ("{\"membrane\": {\"area_um2\": 10}, \"channels\": [{\"type\": \"learned_free\", \"latents\": 1, "
                "\"z_leak_ms\": -2}]}", "z_leak_ms");
  g_autoptr (GError) error = NULL;
  g_assert_null (nd_model_file_load ("/nonexistent/model.json", NULL, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  /* A device is refused before anything is read (it would fill the memory). */
  g_assert_null (nd_model_file_load ("/dev/zero", NULL, &error));
  g_assert_nonnull (strstr (error->message, "“/dev/zero” is not a file but a device"));
}

/* A band (an ensemble fit's) survives the round trip exactly, appears in the kinetics table beside the
 * old columns, and a file without it loads as before; a broken band is an error naming it. */
static void
test_band (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("ND_TEST_DATA"), "engine", "k-hybrid.json", NULL);
  g_autoptr (GError) error = NULL;
  nd_model *m = nd_model_file_load (path, NULL, &error);
  g_assert_no_error (error);
  int c = m->n_channels - 1;
  g_assert_null (nd_model_gate_band (m, c, 0));
  g_autoptr (GString) plain = g_string_new (NULL);
  nd_model_kinetics_csv (m, plain);
  g_assert_true (g_str_has_prefix (plain->str, "channel,gate,v_mV,x_inf,tau_ms\n"));
  nd_gate_band band;
  static double x[2 * ND_BAND_N], t[2 * ND_BAND_N];
  for (int i = 0; i < ND_BAND_N; i++)
    {
      x[i] = 1.0 / (1.0 + exp (-(i - 80) / 9.0)), x[ND_BAND_N + i] = fmin (1.0, x[i] + 0.3 * (i > 100) + 0.002);
      t[i] = 1.0 + i / 7.0, t[ND_BAND_N + i] = t[i] * (1.0 + i * i / 10000.0);
    }
  nd_gate_band_compute (x, t, 2, &band);
  g_assert_false (nd_gate_band_has_range (&band));
  nd_model_set_gate_band (m, c, 0, &band);
  /* A band without the data's range (as files before it) writes none and reads back without one. */
  g_autofree char *no_range = nd_model_file_to_string (m);
  g_assert_null (strstr (no_range, "data_range_mV"));
  nd_model *old = nd_model_file_parse (no_range, -1, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (nd_gate_band_has_range (nd_model_gate_band (old, c, 0)));
  g_autoptr (GString) old_kin = g_string_new (NULL);
  nd_model_kinetics_csv (old, old_kin);
  g_auto (GStrv) old_lines = g_strsplit (old_kin->str, "\n", -1);
  int old_banded = 0;
  for (guint i = 1; old_lines[i]; i++)
    if (g_str_has_prefix (old_lines[i], "K,"))
      {
        g_assert_true (g_str_has_suffix (old_lines[i], ","));   /* in_data empty */
        old_banded++;
      }
  g_assert_cmpint (old_banded, ==, ND_BAND_N);
  nd_model_free (old);
  /* The potentials the data visited, -75.4 to +20.3 mV: the grid's -75 to +20 are "in_data". */
  nd_model_set_band_range (m, -75.4, 20.3);
  band.v_data_lo = -75.4;
  band.v_data_hi = 20.3;
  g_autofree char *text = nd_model_file_to_string (m);
  nd_model *back = nd_model_file_parse (text, -1, NULL, &error);
  g_assert_no_error (error);
  const nd_gate_band *b = nd_model_gate_band (back, c, 0);
  g_assert_nonnull (b);
  g_assert_cmpint (b->n_members, ==, 2);
  g_assert_cmpmem (b->x_lo, sizeof b->x_lo, band.x_lo, sizeof band.x_lo);
  g_assert_cmpmem (b->x_hi, sizeof b->x_hi, band.x_hi, sizeof band.x_hi);
  g_assert_cmpmem (b->tau_lo, sizeof b->tau_lo, band.tau_lo, sizeof band.tau_lo);
  g_assert_cmpmem (b->tau_hi, sizeof b->tau_hi, band.tau_hi, sizeof band.tau_hi);
  g_assert_cmpmem (b->constrained, sizeof b->constrained, band.constrained, sizeof band.constrained);
  g_assert_true (band.constrained[0] && !band.constrained[ND_BAND_N - 1]);
  g_assert_cmpfloat (b->v_data_lo, ==, -75.4);
  g_assert_cmpfloat (b->v_data_hi, ==, 20.3);

  /* kinetics.csv: the old columns first, then the band; gates without one (the known channels) leave it empty. */
  g_autoptr (GString) kin = g_string_new (NULL);
  nd_model_kinetics_csv (back, kin);
  g_auto (GStrv) lines = g_strsplit (kin->str, "\n", -1);
  g_assert_cmpstr (lines[0], ==, "channel,gate,v_mV,x_inf,tau_ms,x_inf_lo,x_inf_hi,tau_lo_ms,tau_hi_ms,constrained,"
                                 "in_data");
  g_auto (GStrv) plain_lines = g_strsplit (plain->str, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, g_strv_length (plain_lines));
  int banded = 0, in_data = 0;
  for (guint i = 1; lines[i] && lines[i][0]; i++)
    {
      g_assert_true (g_str_has_prefix (lines[i], plain_lines[i]));
      g_auto (GStrv) f = g_strsplit (lines[i], ",", -1);
      g_assert_cmpuint (g_strv_length (f), ==, 11);
      if (!strcmp (f[0], "K"))
        {
          int j = atoi (f[2]) - ND_BAND_V_FIRST_MV;
          /* %.9g in the table */
          g_assert_cmpfloat (fabs (g_ascii_strtod (f[5], NULL) - band.x_lo[j]), <=, 1e-8 * band.x_lo[j]);
          g_assert_cmpfloat (fabs (g_ascii_strtod (f[8], NULL) - band.tau_hi[j]), <=, 1e-8 * band.tau_hi[j]);
          g_assert_cmpstr (f[9], ==, band.constrained[j] ? "1" : "0");
          const int v = atoi (f[2]);
          g_assert_cmpstr (f[10], ==, v >= -75 && v <= 20 ? "1" : "0");
          in_data += f[10][0] == '1';
          banded++;
        }
      else
        g_assert_true (!strcmp (f[5], "") && !strcmp (f[10], ""));
    }
  g_assert_cmpint (banded, ==, ND_BAND_N);
  g_assert_cmpint (in_data, ==, 96);
  nd_model_free (back);

  /* Broken bands are errors that name the band; the old reader's files (no band) already load above. */
  g_autofree char *good = g_strdup (text);
  char *at = strstr (good, "\"v_step_mV\"");
  g_assert_nonnull (at);
  at[strlen ("\"v_step_mV\"")] = '0';   /* "v_step_mV"0... is no JSON: the parser names it */
  g_assert_null (nd_model_file_parse (good, -1, NULL, &error));
  g_clear_error (&error);
  g_autofree char *short_list = g_strdup (text);
  /* x_inf_lo with 160 numbers */
  char *lo = strstr (short_list, "\"x_inf_lo\"");
  char *first = strchr (lo, '[') + 1, *comma = strchr (first, ',');
  memmove (first, comma + 1, strlen (comma + 1) + 1);
  g_assert_null (nd_model_file_parse (short_list, -1, NULL, &error));
  g_assert_nonnull (strstr (error->message, "“x_inf_lo” must list 161 numbers"));
  g_clear_error (&error);
  /* A range upside down */
  const char *range = strstr (text, "\"data_range_mV\"");
  g_assert_nonnull (range);
  const char *open = strchr (range, '['), *close = strchr (range, ']');
  g_autofree char *head = g_strndup (text, (gsize) (open - text));
  g_autofree char *flipped = g_strconcat (head, "[20.3, -75.4", close, NULL);
  g_assert_null (nd_model_file_parse (flipped, -1, NULL, &error));
  g_assert_nonnull (strstr (error->message, "“data_range_mV” must be [lowest, highest]"));
  g_clear_error (&error);
  /* lo above hi */
  nd_gate_band bad = band;
  bad.x_lo[5] = bad.x_hi[5] + 0.01;
  nd_model_set_gate_band (m, c, 0, &bad);
  g_autofree char *bad_text = nd_model_file_to_string (m);
  g_assert_null (nd_model_file_parse (bad_text, -1, NULL, &error));
  g_assert_nonnull (strstr (error->message, "band at -95 mV"));
  nd_model_free (m);
}

/* A conductance whose shortest text is an exponent (1e-08) is written as a JSON number and reads back:
 * json-glib 1.6 writes such a double as "1e-08.0" (json-output.c mends it). */
static void
test_exponent_numbers (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("ND_TEST_DATA"), "engine", "hh-k-truth.json", NULL);
  g_autoptr (GError) error = NULL;
  nd_model *m = nd_model_file_load (path, NULL, &error);
  g_assert_no_error (error);
  const double tiny[] = { 1e-5, 1e-8, 2e-6 };
  for (guint k = 0; k < G_N_ELEMENTS (tiny); k++)
    {
      m->params[m->blocks[m->channels[0].block_gbar].offset] = tiny[k];
      g_autofree char *text = nd_model_file_to_string (m);
      g_assert_false (g_regex_match_simple ("[0-9]e[-+]?[0-9]+\\.0", text, 0, 0));
      nd_model *back = nd_model_file_parse (text, -1, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpfloat (back->params[back->blocks[back->channels[0].block_gbar].offset], ==, tiny[k]);
      nd_model_free (back);
    }
  nd_model_free (m);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/model-file/example", test_example);
  g_test_add_func ("/engine/model-file/bad", test_bad_files);
  g_test_add_func ("/engine/model-file/fit-extras", test_fit_extras);
  g_test_add_func ("/engine/model-file/band", test_band);
  g_test_add_func ("/engine/model-file/exponent-numbers", test_exponent_numbers);
  return g_test_run ();
}
