/* test-fit-plan.c: the one plan of a recording's fit that neurode-cli fit and the window share.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * On real recordings: 17o05028 (current steps) gives the template its cell and the automatic training
 * sweeps, and the choices reach the options unchanged (a seed of 0 included); 17o05024 (voltage-clamp
 * steps) frees the leak unless it is kept and sizes the template from its capacitance. The two fitted
 * together (`fit --with`) propose recordings in both clamp modes, each scored against its own noise.
 */
#include <glib.h>
#include <math.h>

#include "fit-plan.h"
#include "propose-fit.h"
#include "templates.h"

static NdRecording *
load (const char *name)
{
  g_autofree char *path = g_build_filename (g_getenv ("ND_TEST_DATA"), "abf", name, NULL);
  g_autoptr (GError) error = NULL;
  NdRecording *rec = nd_recording_load (path, &error);
  g_assert_no_error (error);
  return rec;
}

static void
test_current_steps (void)
{
  NdRecording *rec = load ("17o05028_ic_steps.abf");
  nd_template_cell cell;
  nd_template_cell_unknown (&cell);
  NdFitPlanCell info;
  nd_fit_plan_template_cell (rec, 1.0, NAN, &cell, &info);
  g_print ("17o05028: rest %.1f mV, R_in %.0f MOhm, area %.0f um2 (%s)\n", cell.v_rest_mV, cell.r_in_MOhm,
           cell.area_um2, info.why ? info.why : "measured");
  g_assert_true (info.measured);
  g_assert_cmpfloat (cell.v_rest_mV, <, -30.0);
  g_assert_cmpfloat (cell.v_rest_mV, >, -90.0);
  g_assert_cmpfloat (cell.r_in_MOhm, >, 10.0);
  g_assert_cmpfloat (cell.area_um2, >, 100.0);

  /* The automatic split: three sweeps, none of them a validation sweep the user chose. */
  int train[3];
  int n = nd_fit_plan_default_train (rec, NULL, 0, train, 3);
  g_assert_cmpint (n, ==, 3);
  int val[] = { train[1] };
  int train2[3];
  int n2 = nd_fit_plan_default_train (rec, val, 1, train2, 3);
  g_assert_cmpint (n2, ==, 2);
  g_assert_cmpint (train2[0], ==, train[0]);
  g_assert_cmpint (train2[1], ==, train[2]);
  /* The same from the cell the template measured (neurode-cli fit measures it once), at another
   * capacitance too: the split depends on the steps alone. */
  int train3[3];
  g_assert_cmpint (nd_fit_plan_default_train_of (&info.props, val, 1, train3, 3), ==, 2);
  g_assert_cmpint (train3[0], ==, train2[0]);
  g_assert_cmpint (train3[1], ==, train2[1]);
  nd_cell_props_clear (&info.props);
  g_free (info.why);
  nd_template_cell other;
  nd_template_cell_unknown (&other);
  nd_fit_plan_template_cell (rec, 2.0, 150.0, &other, &info);
  g_assert_cmpint (nd_fit_plan_default_train_of (&info.props, NULL, 0, train3, 3), ==, 3);
  for (int i = 0; i < 3; i++)
    g_assert_cmpint (train3[i], ==, train[i]);
  nd_cell_props_clear (&info.props);
  g_free (info.why);

  nd_model *m = nd_template_model (ND_TEMPLATE_CORTICAL, &cell, true);
  NdFitPlanSpec spec;
  nd_fit_plan_spec_init (&spec);
  spec.train = train;
  spec.n_train = n;
  spec.seed = 0;
  spec.total_iterations = 50;
  spec.restarts = 2;
  spec.search_evals = 0;
  spec.window_start_ms = 100.0;
  spec.window_end_ms = 700.0;
  g_autoptr (GError) error = NULL;
  g_autoptr (NdFitPlan) plan = nd_fit_plan_new (rec, m, &spec, &error);
  g_assert_no_error (error);
  g_assert_cmpint (plan->data->n_train, ==, 3);
  /* Sweeps in neither list are not read (fit-data.h). */
  g_assert_cmpint (plan->data->n_val, ==, 0);
  g_assert_cmpint (plan->leak_freed, ==, 0);
  g_assert_cmpuint (plan->opt.seed, ==, 0);
  g_assert_cmpint (plan->opt.total_iterations, ==, 50);
  g_assert_cmpint (plan->opt.restarts, ==, 2);
  g_assert_cmpint (plan->opt.search_evals, ==, 0);
  /* A window: only it and a lead-in are simulated (not whole sweeps). */
  g_assert_cmpfloat (plan->data->train[0].drive.n * plan->data->train[0].drive.dt_sample, <, 720.0);
  /* The plan fits a copy. */
  g_assert_true (plan->model != m);
  nd_model_free (m);

  /* Automatic choices stay automatic. */
  nd_fit_plan_spec_init (&spec);
  g_autoptr (NdFitPlan) auto_plan = nd_fit_plan_new (rec, plan->model, &spec, &error);
  g_assert_no_error (error);
  g_assert_cmpint (auto_plan->opt.search_evals, ==, ND_FIT_AUTO);
  g_assert_cmpint (auto_plan->opt.restarts, ==, 0);
  g_assert_cmpint (auto_plan->opt.iterations, ==, 0);
  g_assert_cmpuint (auto_plan->opt.seed, ==, 1);
  nd_recording_free (rec);
}

/* A sine sweep (pyABF's 171116sh_0017, three sweeps of the same current, no step): the template is sized from
 * the passive membrane fitted to it, and sweeps spread over the recording train (the first and the last). */
static void
test_sine_sweep (void)
{
  NdRecording *rec = load ("more/171116sh_0017.abf");
  nd_template_cell cell;
  nd_template_cell_unknown (&cell);
  NdFitPlanCell info;
  nd_fit_plan_template_cell (rec, 1.0, NAN, &cell, &info);
  g_assert_true (info.measured && info.props.rc_fit);
  g_assert_cmpfloat (fabs (cell.r_in_MOhm - 158.6), <, 0.05 * 158.6);
  g_assert_cmpfloat (fabs (cell.area_um2 - 100.0 * info.props.c_m_pF), <, 1e-6 * cell.area_um2);
  int train[3];
  g_assert_cmpint (nd_fit_plan_default_train_of (&info.props, NULL, 0, train, 3), ==, 2);
  g_assert_cmpint (train[0], ==, 0);
  g_assert_cmpint (train[1], ==, 2);
  nd_cell_props_clear (&info.props);
  g_free (info.why);
  nd_recording_free (rec);
}

static void
test_voltage_clamp (void)
{
  NdRecording *rec = load ("17o05024_vc_steps.abf");
  g_assert_true (nd_recording_is_voltage_clamp (rec));
  nd_template_cell cell;
  nd_template_cell_unknown (&cell);
  NdFitPlanCell info;
  nd_fit_plan_template_cell (rec, 1.0, NAN, &cell, &info);
  g_print ("17o05024: capacitance %.1f pF%s, area %.0f um2\n", info.c_pF,
           info.c_from_transients ? " (transients)" : "", cell.area_um2);
  g_assert_true (isfinite (cell.area_um2) && cell.area_um2 > 0.0);
  g_assert_true (isnan (cell.v_rest_mV));
  g_free (info.why);
  nd_model *m = nd_template_model (ND_TEMPLATE_CORTICAL, &cell, false);
  NdFitPlanSpec spec;
  nd_fit_plan_spec_init (&spec);
  g_autoptr (GError) error = NULL;
  g_autoptr (NdFitPlan) plan = nd_fit_plan_new (rec, m, &spec, &error);
  g_assert_no_error (error);
  g_assert_true (plan->data->voltage_clamp);
  /* The leak's conductance and reversal potential are the cell's and the seal's: fitted. */
  g_assert_cmpint (plan->leak_freed, >, 0);
  g_assert_cmpuint (nd_model_n_trainable (plan->model), >, nd_model_n_trainable (m));
  spec.keep_leak = TRUE;
  g_autoptr (NdFitPlan) kept = nd_fit_plan_new (rec, m, &spec, &error);
  g_assert_no_error (error);
  g_assert_cmpint (kept->leak_freed, ==, 0);
  g_assert_cmpuint (nd_model_n_trainable (kept->model), ==, nd_model_n_trainable (m));
  nd_model_free (m);
  nd_recording_free (rec);
}

static void
test_joint_proposal (void)
{
  NdRecording *cc_rec = load ("17o05028_ic_steps.abf"), *vc_rec = load ("17o05024_vc_steps.abf");
  nd_template_cell cell;
  nd_template_cell_unknown (&cell);
  cell.area_um2 = 10000.0;
  nd_model *m = nd_template_model (ND_TEMPLATE_CORTICAL, &cell, false);
  const int cc_train[] = { 0, 8 }, vc_train[] = { 1, 3 };
  NdFitDataSpec cs = { .train = cc_train, .n_train = 2, .max_dt_ms = 0.05 };
  NdFitDataSpec vs = { .train = vc_train, .n_train = 2, .max_dt_ms = 0.05 };
  g_autoptr (GError) error = NULL;
  NdFitData *cc = nd_fit_data_new (cc_rec, m, &cs, &error);
  g_assert_no_error (error);
  NdFitData *vc = nd_fit_data_new (vc_rec, m, &vs, &error);
  g_assert_no_error (error);
  nd_propose_options alone, joint, swapped;
  nd_propose_options_for_fit (&alone, cc, m->area_um2, 1.0);
  nd_propose_options_for_joint_fit (&joint, cc, vc, m->area_um2);
  nd_propose_options_for_joint_fit (&swapped, vc, cc, m->area_um2);
  const double noise_mV = nd_fit_noise_estimate (cc->train, cc->n_train);
  const double noise_pA = nd_fit_noise_estimate (vc->train, vc->n_train) * vc->i_unit_pA;
  g_print ("joint: noise %.3f mV (current clamp), %.2f pA (voltage clamp), current clamp up to %.0f pA\n", noise_mV,
           noise_pA, joint.i_ref_pA);
  g_assert_cmpint (alone.modes, ==, ND_PROPOSE_CC);
  g_assert_cmpint (joint.modes, ==, ND_PROPOSE_CC | ND_PROPOSE_VC);
  g_assert_cmpint (swapped.modes, ==, ND_PROPOSE_CC | ND_PROPOSE_VC);
  g_assert_cmpfloat (joint.noise_mV, ==, noise_mV);
  g_assert_cmpfloat (joint.noise_pA, ==, noise_pA);
  g_assert_cmpfloat (noise_mV, >, 0.0);
  g_assert_cmpfloat (noise_pA, >, 0.0);
  /* The current-clamp candidates are scaled to the current-clamp recording whichever comes first. */
  g_assert_cmpfloat (joint.i_ref_pA, ==, alone.i_ref_pA);
  g_assert_cmpfloat (swapped.i_ref_pA, ==, alone.i_ref_pA);
  g_assert_cmpfloat (swapped.noise_mV, ==, noise_mV);
  g_assert_cmpfloat (swapped.noise_pA, ==, noise_pA);
  g_assert_cmpfloat (nd_propose_noise (&joint, ND_PROPOSE_VC), ==, fmax (noise_pA, 1.0));
  nd_fit_data_free (cc);
  nd_fit_data_free (vc);
  nd_model_free (m);
  nd_recording_free (cc_rec);
  nd_recording_free (vc_rec);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/fit-plan/current-steps", test_current_steps);
  g_test_add_func ("/fit-plan/sine-sweep", test_sine_sweep);
  g_test_add_func ("/fit-plan/voltage-clamp", test_voltage_clamp);
  g_test_add_func ("/fit-plan/joint-proposal", test_joint_proposal);
  return g_test_run ();
}
