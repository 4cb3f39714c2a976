/* test-project-file.c: .neurode project files read and written by the engine (project-file.h).
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "icg-registry.h"
#include "nd-error.h"
#include "project-file.h"

static char *
data_path (const char *name)
{
  return g_build_filename (g_getenv ("ND_TEST_DATA"), "project", name, NULL);
}

static char *
out_path (const char *name)
{
  g_autofree char *dir = g_build_filename (g_getenv ("ND_TEST_OUTPUT"), "project-file", NULL);
  g_mkdir_with_parents (dir, 0755);
  return g_build_filename (dir, name, NULL);
}

/* A project as Neurode wrote it before the format moved into the engine: every member read, and written
 * back byte for byte. */
static void
test_file_of_89568ce (void)
{
  g_autofree char *path = data_path ("edited-demo-89568ce.neurode"), *text = NULL;
  g_autoptr (GError) error = NULL;
  gsize len;
  g_assert_true (g_file_get_contents (path, &text, &len, NULL));
  g_autoptr (NdProjectFile) pf = nd_project_file_parse (text, len, &error);
  g_assert_no_error (error);

  const NdProjectRecording *r = pf->recording;
  g_assert_nonnull (r);
  g_assert_cmpstr (r->path, ==, "/home/student/Recordings/hh-demo.csv");
  g_assert_cmpstr (r->relative_path, ==, "hh-demo.csv");
  g_assert_cmpint (r->stimulus, ==, ND_STIMULUS_SIGNAL);
  g_assert_cmpstr (r->stimulus_signal, ==, "i");
  g_assert_cmpuint (r->n_sweeps, ==, 6);
  g_assert_cmpuint (r->signals->len, ==, 2);
  g_assert_cmpstr (g_array_index (r->signals, NdProjectSignal, 1).units, ==, "pA");
  g_assert_cmpfloat (r->ljp_mV, ==, 2.5);
  g_assert_cmpfloat (r->capacitance_pF, ==, 30.0);

  g_assert_cmpuint (pf->train->len, ==, 2);
  g_assert_cmpuint (g_array_index (pf->train, guint, 1), ==, 3);
  g_assert_cmpint (nd_project_file_sweep_role (pf, 5), ==, ND_SWEEP_VALIDATE);
  g_assert_cmpint (nd_project_file_sweep_role (pf, 4), ==, ND_SWEEP_IGNORE);
  g_assert_cmpfloat (pf->window_start_ms, ==, 5.0);
  g_assert_cmpfloat (pf->window_end_ms, ==, 95.0);

  g_assert_nonnull (pf->model);
  g_assert_cmpfloat (pf->model->cm, ==, 1.1);
  g_assert_cmpint (pf->network_size, ==, ND_NET_SMALL);
  g_assert_true (pf->learned_enabled);
  g_assert_cmpstr (pf->compare_with, ==, "hh_na");
  g_assert_cmpuint (pf->catalogue_off->len, ==, 1);
  const NdProjectCatalogueOff *c = &g_array_index (pf->catalogue_off, NdProjectCatalogueOff, 0);
  const char *cls, *chan;
  g_assert_true (nd_icg_kind_source (c->kind, &cls, &chan, NULL));
  g_assert_cmpstr (chan, ==, "143100_Kv4f.mod");
  g_assert_cmpfloat (c->gbar, ==, 3.5);
  g_assert_true (c->fit_gbar && !c->fit_e && c->fit_v_shift);
  g_assert_cmpfloat (c->v_shift, ==, 2.0);

  g_assert_true (pf->fitted);
  g_assert_cmpuint (pf->scores->len, ==, 2);
  const NdSweepScore *s0 = &g_array_index (pf->scores, NdSweepScore, 0), *s1 = s0 + 1;
  g_assert_cmpint (s0->role, ==, ND_SWEEP_TRAIN);
  g_assert_cmpfloat (s0->rmse_mV, ==, 1.25);
  g_assert_cmpint (s0->spikes_model, ==, 2);
  g_assert_true (isnan (s0->subthreshold_rmse_mV));
  g_assert_true (isnan (s1->rmse_mV));   /* written as -1 */
  g_assert_false (s1->voltage_clamp);
  g_assert_cmpuint (pf->loss_train->len, ==, 3);
  g_assert_cmpuint (pf->loss_val->len, ==, 3);
  g_assert_true (isnan (g_array_index (pf->loss_val, double, 0)));
  g_assert_cmpfloat (g_array_index (pf->loss_val, double, 1), ==, 6.5);

  /* Saved beside its recording again, it is the same file. */
  g_autofree char *again = nd_project_file_to_string (pf, "/home/student/Recordings/edited.neurode");
  g_assert_cmpstr (again, ==, text);
}

/* Format 1 before the role of a score was stored: the selection gives it. */
static void
test_format1_roles (void)
{
  g_autofree char *path = data_path ("fitted-demo-format1.neurode");
  g_autoptr (GError) error = NULL;
  g_autoptr (NdProjectFile) pf = nd_project_file_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pf->recording->n_sweeps, ==, 0);
  g_assert_cmpuint (pf->recording->signals->len, ==, 0);
  g_assert_cmpuint (pf->scores->len, ==, 4);
  for (guint i = 0; i < pf->scores->len; i++)
    g_assert_cmpint (g_array_index (pf->scores, NdSweepScore, i).role, ==, ND_SWEEP_VALIDATE);
  g_assert_cmpuint (pf->loss_val->len, ==, pf->loss_train->len);
}

#define MODEL "\"model\": {\"membrane\": {\"area_um2\": 100}, \"channels\": [{\"type\": \"leak\"," \
              " \"gbar_mS_per_cm2\": 0.3, \"e_rev_mV\": -70}]}"

static void
expect_error (const char *members, const char *words)
{
  g_autofree char *json = g_strdup_printf ("{\"neurode_project\": 1, %s%s%s}", MODEL, *members ? ", " : "", members);
  g_autoptr (GError) error = NULL;
  g_autoptr (NdProjectFile) pf = nd_project_file_parse (json, strlen (json), &error);
  g_assert_null (pf);
  g_assert_nonnull (error);
  if (!strstr (error->message, words))
    g_error ("%s: “%s” does not say “%s”", members, error->message, words);
}

/* Wrong types are errors that name the member, never defaults. */
static void
test_strict (void)
{
  expect_error ("\"selection\": {\"train\": [1.5]}", "“selection”: “train” must hold sweep numbers");
  expect_error ("\"selection\": {\"validate\": [-1]}", "“validate” must hold sweep numbers");
  expect_error ("\"selection\": {\"train\": \"1\"}", "“train” must be a list");
  expect_error ("\"selection\": {\"window_ms\": [1]}", "“window_ms” must list 2 numbers");
  expect_error ("\"recording\": {\"path\": 5}", "“recording”: “path” must be text");
  expect_error ("\"recording\": {}", "“recording”: “path” is missing");
  expect_error ("\"recording\": []", "“recording” must be an object");
  expect_error ("\"recording\": {\"path\": \"/x.abf\", \"ljp_mV\": \"2\"}", "“ljp_mV” must be a number, not text");
  expect_error ("\"recording\": {\"path\": \"/x.abf\", \"stimulus\": \"mains\"}", "“stimulus” is “mains”");
  expect_error ("\"recording\": {\"path\": \"/x.abf\", \"sweeps\": true}", "“sweeps” must hold");
  expect_error ("\"builder\": {\"network_size\": \"huge\"}", "“network_size” is “huge”; it must be one of “small”");
  expect_error ("\"builder\": {\"learned_enabled\": 1}", "“learned_enabled” must be true or false");
  expect_error ("\"builder\": {\"catalogue_off\": [3]}", "entry 1 of “catalogue_off” must be an object");
  expect_error ("\"fit\": {\"fitted\": \"yes\"}", "“fit”: “fitted” must be true or false");
  expect_error ("\"fit\": {\"validation\": [{\"sweep\": 0, \"rmse_mV\": \"1\"}]}", "“rmse_mV” must be a number");
  expect_error ("\"fit\": {\"validation\": [{\"sweep\": 0, \"role\": \"test\"}]}", "“role” is “test”");
  expect_error ("\"fit\": {\"loss_train_mV2\": [1, \"x\"]}", "“loss_train_mV2”: value 2 must be a number or null");
  expect_error ("\"fit\": []", "“fit” must be an object");
  expect_error ("\"recording\": {\"path\": \"/x.abf\"}, \"fitted_with\": {}", "“fitted_with”: “path” is missing");
  expect_error ("\"recording\": {\"path\": \"/x.abf\"}, \"fitted_with\": 3", "“fitted_with” must be an object");
  expect_error ("\"recording\": {\"path\": \"/x.abf\"}, \"fitted_with\": {\"path\": \"/y.abf\", \"ljp_mV\": []}",
                "“fitted_with”: “ljp_mV” must be a number");

  g_autoptr (GError) error = NULL;
  const char *version = "{\"neurode_project\": \"1\", " MODEL "}";
  g_assert_null (nd_project_file_parse (version, strlen (version), &error));
  g_assert_nonnull (strstr (error->message, "“neurode_project” must be the format’s number"));
  g_clear_error (&error);
  const char *no_model = "{\"neurode_project\": 1}";
  g_assert_null (nd_project_file_parse (no_model, strlen (no_model), &error));
  g_assert_nonnull (strstr (error->message, "no model"));
  g_clear_error (&error);
  /* A minimal project: a model alone; null scores are "not measured". */
  const char *minimal = "{\"neurode_project\": 1, " MODEL ", \"fit\": {\"validation\": [{\"sweep\": 2,"
                        " \"rmse_mV\": null, \"rmse_pA\": null}]}}";
  g_autoptr (NdProjectFile) pf = nd_project_file_parse (minimal, strlen (minimal), &error);
  g_assert_no_error (error);
  g_assert_null (pf->recording);
  const NdSweepScore *sc = &g_array_index (pf->scores, NdSweepScore, 0);
  g_assert_true (isnan (sc->rmse_mV) && sc->voltage_clamp && isnan (sc->rmse_pA));
  g_assert_cmpint (sc->role, ==, ND_SWEEP_VALIDATE);
}

/* A voltage-clamp score (no such file is in tests/data) is written with its current members, nulls
 * where not measured, and read back the same. */
static void
test_voltage_clamp_scores (void)
{
  const char *json = "{\"neurode_project\": 1, " MODEL ", \"fit\": {\"fitted\": true, \"validation\": [{\"sweep\": 3,"
                     " \"rmse_mV\": 0.5, \"role\": \"train\", \"rmse_pA\": 12.5, \"peak_pA\": -300,"
                     " \"peak_model_pA\": null}]}}";
  g_autoptr (GError) error = NULL;
  g_autoptr (NdProjectFile) pf = nd_project_file_parse (json, strlen (json), &error);
  g_assert_no_error (error);
  g_autofree char *text = nd_project_file_to_string (pf, "/tmp/vc.neurode");
  g_assert_nonnull (strstr (text, "\"rmse_pA\" : 12.5"));
  g_assert_nonnull (strstr (text, "\"peak_pA\" : -300.0"));
  g_assert_nonnull (strstr (text, "\"peak_model_pA\" : null"));
  g_autoptr (NdProjectFile) again = nd_project_file_parse (text, strlen (text), &error);
  g_assert_no_error (error);
  const NdSweepScore *sc = &g_array_index (again->scores, NdSweepScore, 0);
  g_assert_true (sc->voltage_clamp);
  g_assert_cmpuint (sc->sweep, ==, 3);
  g_assert_cmpint (sc->role, ==, ND_SWEEP_TRAIN);
  g_assert_cmpfloat (sc->rmse_pA, ==, 12.5);
  g_assert_cmpfloat (sc->peak_pA, ==, -300.0);
  g_assert_true (isnan (sc->peak_model_pA));
  g_autofree char *text2 = nd_project_file_to_string (again, "/tmp/vc.neurode");
  g_assert_cmpstr (text2, ==, text);
}

/* The stage of every step of the fit (pulled towards the recording or running free) is kept, so a reopened
 * project draws the error plot as the finished fit did; a file of before the stages has none and is written
 * back without them; stages that do not match the losses are refused by name. */
static void
test_loss_stages (void)
{
  const char *json = "{\"neurode_project\": 1, " MODEL ", \"fit\": {\"fitted\": true, \"loss_train_mV2\": [4, 2, 1.5],"
                     " \"loss_validation_mV2\": [null, 3, null], \"loss_running_free\": [false, true, true]}}";
  g_autoptr (GError) error = NULL;
  g_autoptr (NdProjectFile) pf = nd_project_file_parse (json, strlen (json), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pf->loss_free->len, ==, 3);
  g_assert_cmpuint (g_array_index (pf->loss_free, guint8, 0), ==, 0);
  g_assert_cmpuint (g_array_index (pf->loss_free, guint8, 1), ==, 1);
  g_autofree char *text = nd_project_file_to_string (pf, "/tmp/stages.neurode");
  g_autoptr (NdProjectFile) again = nd_project_file_parse (text, strlen (text), &error);
  g_assert_no_error (error);
  g_assert_cmpmem (again->loss_free->data, again->loss_free->len, pf->loss_free->data, pf->loss_free->len);

  /* Before the stages: none read, none written. */
  g_autofree char *old_path = data_path ("edited-demo-89568ce.neurode");
  g_autoptr (NdProjectFile) old = nd_project_file_load (old_path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (old->loss_free->len, ==, 0);
  g_autofree char *old_text = nd_project_file_to_string (old, "/tmp/old.neurode");
  g_assert_null (strstr (old_text, "loss_running_free"));

  expect_error ("\"fit\": {\"loss_train_mV2\": [1, 2], \"loss_running_free\": [true]}",
                "“loss_running_free” has 1 values for 2 training losses");
  expect_error ("\"fit\": {\"loss_train_mV2\": [1], \"loss_running_free\": [1]}",
                "“loss_running_free”: value 1 must be true or false");
}

/* A second recording fitted together with the project's: written beside "recording" with its path relative
 * to the project, read back the same, looked for where it was and then beside the project, and named in
 * the error when found nowhere. */
static void
test_fitted_with (void)
{
  const char *json = "{\"neurode_project\": 1, " MODEL ", \"recording\": {\"path\": \"/a/b/cell/cc.abf\"},"
                     " \"fitted_with\": {\"path\": \"/a/b/cell/vc.csv\", \"stimulus\": \"signal\","
                     " \"stimulus_signal\": \"v_cmd\", \"sweeps\": 6}}";
  g_autoptr (GError) error = NULL;
  g_autoptr (NdProjectFile) pf = nd_project_file_parse (json, strlen (json), &error);
  g_assert_no_error (error);
  g_assert_nonnull (pf->fitted_with);
  g_assert_cmpstr (pf->fitted_with->path, ==, "/a/b/cell/vc.csv");
  g_assert_cmpuint (pf->fitted_with->n_sweeps, ==, 6);
  g_assert_cmpstr (pf->fitted_with->stimulus_signal, ==, "v_cmd");
  g_autofree char *text = nd_project_file_to_string (pf, "/a/b/p.neurode");
  g_assert_nonnull (strstr (text, "\"relative_path\" : \"cell/vc.csv\""));
  g_autoptr (NdProjectFile) again = nd_project_file_parse (text, strlen (text), &error);
  g_assert_no_error (error);
  g_autofree char *text2 = nd_project_file_to_string (again, "/a/b/p.neurode");
  g_assert_cmpstr (text2, ==, text);
  /* Without a recording of its own, a project has nothing to fit it with. */
  const char *bare = "{\"neurode_project\": 1, " MODEL ", \"fitted_with\": {\"path\": \"/a/b/cell/vc.csv\"}}";
  g_autoptr (NdProjectFile) alone = nd_project_file_parse (bare, strlen (bare), &error);
  g_assert_no_error (error);
  g_assert_null (alone->fitted_with);

  /* Found beside the project after both moved; not found: the error says which recording and where. */
  g_autofree char *project = out_path ("with.neurode"), *vc = out_path ("cell/vc.csv");
  g_autofree char *cell = g_path_get_dirname (vc);
  g_mkdir_with_parents (cell, 0755);
  g_unlink (vc);
  NdRecording *rec = nd_project_recording_open (again->fitted_with, "the recording fitted together with it", project,
                                                NULL, &error);
  g_assert_null (rec);
  g_assert_error (error, ND_ERROR, ND_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "the recording fitted together with it was not found"));
  g_assert_nonnull (strstr (error->message, vc));
  g_clear_error (&error);
  const char *table = "sweep,t_ms,v_cmd_mV,i_pA\n0,0,-80,-2\n0,0.1,-80,-2\n0,0.2,-40,50\n0,0.3,-40,48\n";
  g_assert_true (g_file_set_contents (vc, table, -1, NULL));
  g_autofree char *looked = NULL;
  rec = nd_project_recording_open (again->fitted_with, "the recording fitted together with it", project, &looked,
                                   &error);
  g_assert_no_error (error);
  g_assert_cmpstr (looked, ==, vc);
  g_assert_true (nd_recording_is_voltage_clamp (rec));
  nd_recording_free (rec);
}

/* The recording where it was, else beside the project; a clear error naming where it was looked for. */
static void
test_recording (void)
{
  g_autofree char *src = data_path ("edited-demo-89568ce.neurode");
  g_autoptr (GError) error = NULL;
  g_autoptr (NdProjectFile) pf = nd_project_file_load (src, &error);
  g_assert_no_error (error);

  g_autofree char *project = out_path ("p.neurode"), *csv = out_path ("hh-demo.csv");
  g_unlink (csv);
  g_autofree char *looked = NULL;
  NdRecording *rec = nd_project_file_open_recording (pf, project, &looked, &error);
  g_assert_null (rec);
  g_assert_error (error, ND_ERROR, ND_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "/home/student/Recordings/hh-demo.csv"));
  g_assert_nonnull (strstr (error->message, csv));
  g_assert_cmpstr (looked, ==, "/home/student/Recordings/hh-demo.csv");
  g_clear_error (&error);
  g_clear_pointer (&looked, g_free);

  g_autofree char *demo = g_build_filename (g_getenv ("ND_SOURCE_ROOT"), "data", "demo", "hh-demo.csv", NULL);
  g_autofree char *data = NULL;
  gsize len;
  g_assert_true (g_file_get_contents (demo, &data, &len, NULL));
  g_assert_true (g_file_set_contents (csv, data, (gssize) len, NULL));
  rec = nd_project_file_open_recording (pf, project, &looked, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (looked, ==, csv);
  g_assert_cmpint (nd_recording_stimulus_source (rec), ==, ND_STIMULUS_SIGNAL);
  g_assert_cmpint (nd_recording_stimulus_signal (rec), ==, nd_recording_find_signal (rec, "i"));
  g_assert_cmpfloat (nd_recording_get_ljp (rec), ==, 2.5);
  nd_recording_free (rec);

  /* What is written relative to where the project is saved. */
  g_autofree char *rel = nd_project_file_relative_path ("/a/b/p/x.neurode", "/a/b/data/rec.abf");
  g_assert_cmpstr (rel, ==, "../data/rec.abf");
  g_assert_null (nd_project_file_relative_path ("/a/x.neurode", "/b/rec.abf"));
}

static void
test_sniff (void)
{
  g_autofree char *neurode = data_path ("fitted-demo-format1.neurode"), *json = out_path ("project.json");
  g_autofree char *model = out_path ("model.json");
  g_assert_true (nd_project_file_sniff (neurode));
  g_assert_true (g_file_set_contents (json, "\n {\"neurode_project\": 1}", -1, NULL));
  g_assert_true (nd_project_file_sniff (json));
  g_assert_true (g_file_set_contents (model, "{\"membrane\": {}}", -1, NULL));
  g_assert_false (nd_project_file_sniff (model));
  g_assert_false (nd_project_file_sniff ("/nonexistent/file.csv"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/project-file/89568ce", test_file_of_89568ce);
  g_test_add_func ("/project-file/format1-roles", test_format1_roles);
  g_test_add_func ("/project-file/strict", test_strict);
  g_test_add_func ("/project-file/voltage-clamp-scores", test_voltage_clamp_scores);
  g_test_add_func ("/project-file/loss-stages", test_loss_stages);
  g_test_add_func ("/project-file/recording", test_recording);
  g_test_add_func ("/project-file/fitted-with", test_fitted_with);
  g_test_add_func ("/project-file/sniff", test_sniff);
  return g_test_run ();
}
