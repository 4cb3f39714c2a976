/* test-cell-recording.c: cell properties of the real recordings against a calculation by hand, and
 * `neurode-cli passive`.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The references come from tests/tools/passive-by-hand.py (Python standard library over the CSV of
 * `neurode-cli export`), which shares no code or method detail with engine/cell-props.c: the step
 * epoch and currents are the protocol's as `neurode-cli info` prints them, the baseline is the plain
 * median before the step (spikes kept), the steady state the mean of the step's last 100 ms, spikes
 * upward crossings of 0 mV. Its output (see docs/cell-properties.md):
 *
 *   File_axon_5.abf        rest -72.55 mV  R_in 155.2 MOhm  tau63 65.5, 48.1 ms     rheobase 200 pA
 *   17o05028_ic_steps.abf  rest -45.03 mV  R_in 1370.8 MOhm tau63 61.0 ... 12.6 ms  rheobase 0 pA
 *   190619B_0003.abf       rest -67.14 mV  R_in 272.0 MOhm  tau63 40.7, 63.5 ms     rheobase 120 pA
 *
 * R_in by hand: the least-squares line through the origin and (step current, steady-state deflection)
 * of every hyperpolarising step. The issue asks for R_in within 10 % and the resting potential within 1 mV.
 *
 * Sweep to sweep by hand (RMS difference of neighbouring sweeps where their currents have been equal for
 * 150 ms, 3 ms before to 10 ms after each 0 mV crossing left out; median over the pairs): File_axon_5
 * 0.96 mV (8 pairs), 17o05028 4.39 mV (15 pairs), 190619B 1.32 mV (9 pairs). engine/cell-repeat.c
 * settles for three time constants and cuts spikes as the fit reports do; within 10 % of these.
 */
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>
#include <sys/wait.h>

#include "cell-rc.h"
#include "cell-recording.h"
#include "test-io-util.h"

typedef struct {
  const char *file;
  double v_rest, r_in, tau_lo, tau_hi, rheobase;
  double base_lo, base_hi;         /* the lowest and highest sweep's baseline */
  double first_pA, inc_pA;         /* the protocol's step: first + sweep x inc */
  int n_sweeps;
  int step_spikes[16];             /* 0 mV crossings in the step (by hand), -1: not compared */
} HandCase;

static const HandCase hand_cases[] = {
  { "File_axon_5.abf", -72.55, 155.2, 48.1, 65.5, 200.0, -73.35, -70.53, -100.0, 50.0, 9, { 0, 0, 0, 0, 0, 0, 2, 2, 3 } },
  /* The cell fires spontaneously at rest; at -10 pA its charging curve is cut short by the firing
   * stopping (tau63 12.6 ms), so the time constant is bounded by the other four steps. Plateau spikes
   * that stay below 0 mV are counted by the detector but not by the 0 mV crossings: not compared. */
  { "17o05028_ic_steps.abf", -45.03, 1370.8, 56.1, 62.2, 0.0, -60.94, -42.72, -50.0, 10.0, 16,
    { 0, 0, 0, 0, 0, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1 } },
  { "190619B_0003.abf", -67.14, 272.0, 40.7, 63.5, 120.0, -72.88, -64.51, -120.0, 60.0, 10, { 0, 0, 0, 0, 3, 6, 8, 12, 13, 16 } },
};

/* The hand's sweep-to-sweep figure of each hand case, and its number of pairs. */
static const double hand_repeat_mV[] = { 0.96, 4.39, 1.32 };
static const int hand_repeat_pairs[] = { 8, 15, 9 };

static void
test_against_hand (void)
{
  for (guint c = 0; c < G_N_ELEMENTS (hand_cases); c++)
    {
      const HandCase *h = &hand_cases[c];
      g_autoptr (NdRecording) rec = nd_test_load_abf (h->file);
      nd_cell_props p;
      g_autoptr (GError) error = NULL;
      gboolean ok = nd_cell_props_from_recording (rec, 1.0, NAN, NAN, &p, &error);
      g_assert_no_error (error);
      g_assert_true (ok);
      g_test_message ("%s: rest %.2f mV, R_in %.1f MOhm, tau %.1f ms, C %.1f pF, area %.0f um2, sag %.3f, "
                      "rheobase %.0f pA", h->file, p.v_rest_mV, p.r_in_MOhm, p.tau_m_ms, p.c_m_pF, p.area_um2,
                      p.sag_ratio, p.rheobase_pA);
      g_assert_cmpfloat (fabs (p.v_rest_mV - h->v_rest), <=, 1.0);
      /* Sweeps that do not start from one rest are told apart from those that do (File_axon_5: 2.8 mV). */
      g_assert_cmpfloat (fabs (p.v_base_lo_mV - h->base_lo), <=, 1.0);
      g_assert_cmpfloat (fabs (p.v_base_hi_mV - h->base_hi), <=, 1.0);
      g_assert_true (nd_cell_props_baseline_drifts (&p) == (h->base_hi - h->base_lo > ND_CELL_BASELINE_DRIFT_MV));
      g_assert_false (nd_cell_props_rest_unusual (&p));
      g_assert_cmpfloat (fabs (p.r_in_MOhm - h->r_in), <=, 0.10 * h->r_in);
      /* The fitted time constant lies within the range of the hand's 63 % times. */
      g_assert_cmpfloat (p.tau_m_ms, >=, 0.9 * h->tau_lo);
      g_assert_cmpfloat (p.tau_m_ms, <=, 1.1 * h->tau_hi);
      g_assert_cmpfloat (fabs (p.c_m_pF - p.tau_m_ms / p.r_in_MOhm * 1000.0), <, 1e-9 * p.c_m_pF);
      g_assert_cmpfloat (fabs (p.area_um2 - 100.0 * p.c_m_pF), <, 1e-9 * p.area_um2);
      g_assert_cmpfloat (p.sag_ratio, >=, 0.0);
      g_assert_cmpfloat (p.sag_ratio, <, 0.2);
      g_assert_cmpfloat (p.rheobase_pA, ==, h->rheobase);
      g_assert_cmpfloat (fabs (p.repeat_rmse_mV - hand_repeat_mV[c]), <=, 0.10 * hand_repeat_mV[c]);
      g_assert_cmpint (p.repeat_pairs, ==, hand_repeat_pairs[c]);
      g_assert_cmpfloat (p.repeat_lo_mV, <=, p.repeat_rmse_mV);
      g_assert_cmpfloat (p.repeat_hi_mV, >=, p.repeat_rmse_mV);
      g_assert_cmpint (p.n_sweeps, ==, h->n_sweeps);
      g_assert_cmpint (p.sag_sweep, ==, 0);
      for (int s = 0; s < p.n_sweeps; s++)
        {
          g_assert_cmpfloat (fabs (p.sweeps[s].stimulus_pA - (h->first_pA + h->inc_pA * s)), <, 1e-6);
          if (h->step_spikes[s] >= 0)
            g_assert_cmpint ((int) p.sweeps[s].n_step_spikes, ==, h->step_spikes[s]);
        }
      /* The curve drawn is a fit of one of the hyperpolarising sweeps, inside the step. */
      g_assert_cmpint (p.charge.sweep, >=, 0);
      g_assert_cmpfloat (p.sweeps[p.charge.sweep].stimulus_pA, <, 0.0);
      g_assert_cmpfloat (p.charge.t0_ms, >=, p.step_start_ms);
      g_assert_cmpfloat (p.charge.t1_ms, <=, p.step_end_ms);
      /* The default training sweeps: the most hyperpolarising, the rheobase sweep, the strongest. */
      int train[3];
      g_assert_cmpint (nd_cell_props_default_split (&p, train, 3), ==, 3);
      g_assert_cmpint (train[0], ==, 0);
      g_assert_cmpint (train[1], ==, p.rheobase_sweep);
      g_assert_cmpint (train[2], ==, h->n_sweeps - 1);
      nd_cell_props_clear (&p);
    }
}

static void
test_ljp (void)
{
  g_autoptr (NdRecording) rec = nd_test_load_abf ("File_axon_5.abf");
  nd_cell_props a, b, c;
  g_assert_true (nd_cell_props_from_recording (rec, 1.0, NAN, NAN, &a, NULL));
  /* Given here ... */
  g_assert_true (nd_cell_props_from_recording (rec, 1.0, NAN, 10.0, &b, NULL));
  g_assert_cmpfloat (fabs (b.v_rest_mV - (a.v_rest_mV - 10.0)), <, 1e-9);
  g_assert_cmpfloat (fabs (b.r_in_MOhm - a.r_in_MOhm), <, 1e-9 * a.r_in_MOhm);
  g_assert_cmpfloat (fabs (b.charge.v_inf_mV - (a.charge.v_inf_mV - 10.0)), <, 1e-4);
  /* ... or carried by the recording (what the fit reads): the same, and the trace is corrected too. */
  NdSweepTrace raw, corrected;
  g_assert_true (nd_recording_get_cc_sweep (rec, 0, &raw, NULL));
  nd_recording_set_ljp (rec, 10.0);
  g_assert_cmpfloat (nd_recording_get_ljp (rec), ==, 10.0);
  g_assert_true (nd_recording_get_cc_sweep (rec, 0, &corrected, NULL));
  g_assert_cmpfloat (fabs (corrected.v_mV[100] - (raw.v_mV[100] - 10.0)), <, 1e-12);
  nd_sweep_trace_clear (&raw);
  nd_sweep_trace_clear (&corrected);
  g_assert_true (nd_cell_props_from_recording (rec, 1.0, NAN, NAN, &c, NULL));
  g_assert_cmpfloat (fabs (c.v_rest_mV - b.v_rest_mV), <, 1e-9);
  nd_cell_props_clear (&c);
  /* A given one replaces the recording's, it is not added to it. */
  g_assert_true (nd_cell_props_from_recording (rec, 1.0, NAN, 0.0, &c, NULL));
  g_assert_cmpfloat (fabs (c.v_rest_mV - a.v_rest_mV), <, 1e-9);
  nd_cell_props_clear (&a);
  nd_cell_props_clear (&b);
  nd_cell_props_clear (&c);
}

/* A copy of `file` with the float at `offset` set to `value` (the telegraphed capacitance). */
static NdRecording *
load_patched (const char *file, gsize offset, float value, const char *name)
{
  g_autofree char *path = nd_test_abf_path (file);
  g_autofree char *data = NULL;
  gsize len;
  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  g_assert_cmpuint (offset + 4, <=, len);
  memcpy (data + offset, &value, 4);   /* little-endian, as the test machines */
  g_autofree char *out = nd_test_output_path (name);
  g_assert_true (g_file_set_contents (out, data, (gssize) len, NULL));
  g_autoptr (GError) error = NULL;
  NdRecording *rec = nd_recording_load (out, &error);
  g_assert_no_error (error);
  return rec;
}

static void
test_telegraph_capacitance (void)
{
  /* The files as recorded: no capacitance was telegraphed (0 pF). */
  g_autoptr (NdRecording) plain = nd_test_load_abf ("File_axon_5.abf");
  g_assert_true (isnan (nd_recording_membrane_capacitance_pF (plain)));

  /* ABF2: fTelegraphMembraneCap at byte 14 of the channel's ADC entry (section 1: block at byte 92). */
  g_autofree char *path = nd_test_abf_path ("File_axon_5.abf");
  g_autofree char *data = NULL;
  gsize len;
  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  guint32 block;
  memcpy (&block, data + 92, 4);
  g_autoptr (NdRecording) rec2 = load_patched ("File_axon_5.abf", (gsize) block * 512 + 14, 45.5f, "cap-abf2.abf");
  g_assert_cmpfloat (nd_recording_membrane_capacitance_pF (rec2), ==, 45.5);
  nd_cell_props p;
  g_assert_true (nd_cell_props_from_recording (rec2, 1.0, NAN, NAN, &p, NULL));
  g_assert_true (p.c_known);
  g_assert_cmpfloat (p.c_m_pF, ==, 45.5);
  g_assert_cmpfloat (fabs (p.area_um2 - 4550.0), <, 1e-6);
  nd_cell_props_clear (&p);
  /* The user's value wins over the amplifier's, and the area follows the specific capacitance. */
  g_assert_true (nd_cell_props_from_recording (rec2, 0.5, 80.0, NAN, &p, NULL));
  g_assert_cmpfloat (p.c_m_pF, ==, 80.0);
  g_assert_cmpfloat (fabs (p.area_um2 - 16000.0), <, 1e-6);
  nd_cell_props_clear (&p);

  /* ABF1: at 4704 + 4 x channel; a stray value below 1 pF is no capacitance. */
  g_autoptr (NdRecording) rec1 = load_patched ("190619B_0003.abf", 4704, 33.0f, "cap-abf1.abf");
  g_assert_cmpfloat (nd_recording_membrane_capacitance_pF (rec1), ==, 33.0);
  g_autoptr (NdRecording) stray = load_patched ("190619B_0003.abf", 4704, 0.048828125f, "cap-stray.abf");
  g_assert_true (isnan (nd_recording_membrane_capacitance_pF (stray)));
}

static void
test_refusals (void)
{
  /* Voltage clamp. */
  g_autoptr (NdRecording) vc = nd_test_load_abf ("17o05024_vc_steps.abf");
  nd_cell_props p;
  g_autoptr (GError) error = NULL;
  g_assert_false (nd_cell_props_from_recording (vc, 1.0, NAN, NAN, &p, &error));
  g_assert_error (error, ND_ERROR, ND_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "voltage-clamp"));
  nd_cell_props_clear (&p);
  g_clear_error (&error);

  /* Only the depolarising sweeps of a protocol (a CSV of sweeps 3-8): partial results and the reason. */
  g_autofree char *csv = nd_test_output_path ("depolarising-only.csv");
  g_autofree char *abf = nd_test_abf_path ("File_axon_5.abf");
  const char *cli = g_getenv ("NEURODE_CLI");
  const char *argv[] = { cli, "export", abf, "--out", csv, "--sweeps", "3-8", NULL };
  int status;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, NULL,
                               &status, NULL));
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  g_autoptr (NdRecording) dep = nd_recording_load (csv, &error);
  g_assert_no_error (error);
  g_assert_false (nd_cell_props_from_recording (dep, 1.0, NAN, NAN, &p, &error));
  g_assert_error (error, ND_ERROR, ND_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "hyperpolarising"));
  g_assert_cmpint (p.n_sweeps, ==, 6);
  g_assert_true (isfinite (p.v_rest_mV));
  g_assert_true (isnan (p.r_in_MOhm));
  g_assert_cmpfloat (p.rheobase_pA, ==, 200.0);
  nd_cell_props_clear (&p);
}

static JsonObject *
parse_object (JsonParser *parser, const char *text)
{
  g_autoptr (GError) error = NULL;
  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  g_assert_no_error (error);
  return json_node_get_object (json_parser_get_root (parser));
}

/* The JSON keys are a contract: exactly these, numbers or null, and the same values as the engine's. */
static void
test_cli_json (void)
{
  static const char *const keys[] = { "v_rest_mV", "r_in_MOhm", "tau_m_ms", "c_m_pF", "area_um2", "sag_ratio",
                                      "rheobase_pA", "baseline_lo_mV", "baseline_hi_mV", "rest_unusual",
                                      "repeat_rmse_mV", "repeat_pairs", "passive_fit_r2", "resonance_Hz",
                                      "resonance_q", "sweeps" };
  for (guint c = 0; c < G_N_ELEMENTS (hand_cases); c++)
    {
      g_autofree char *path = nd_test_abf_path (hand_cases[c].file);
      g_autofree char *out = NULL, *err = NULL;
      const char *args[] = { "passive", path, "--json", NULL };
      g_assert_cmpint (nd_test_run_cli (args, &out, &err), ==, 0);
      g_autoptr (JsonParser) parser = json_parser_new ();
      JsonObject *o = parse_object (parser, out);
      g_assert_cmpuint (json_object_get_size (o), ==, G_N_ELEMENTS (keys));
      for (guint k = 0; k < G_N_ELEMENTS (keys); k++)
        g_assert_true (json_object_has_member (o, keys[k]));
      g_assert_cmpfloat (fabs (json_object_get_double_member (o, "v_rest_mV") - hand_cases[c].v_rest), <=, 1.0);
      g_assert_cmpfloat (fabs (json_object_get_double_member (o, "r_in_MOhm") - hand_cases[c].r_in), <=,
                         0.1 * hand_cases[c].r_in);
      g_assert_cmpfloat (json_object_get_double_member (o, "rheobase_pA"), ==, hand_cases[c].rheobase);
      g_assert_false (json_object_get_boolean_member (o, "rest_unusual"));   /* three living neurons */
      g_assert_cmpfloat (fabs (json_object_get_double_member (o, "repeat_rmse_mV") - hand_repeat_mV[c]), <=,
                         0.1 * hand_repeat_mV[c]);
      g_assert_cmpint (json_object_get_int_member (o, "repeat_pairs"), ==, hand_repeat_pairs[c]);
      g_assert_true (json_object_get_null_member (o, "passive_fit_r2"));   /* step protocols */
      g_assert_true (json_object_get_null_member (o, "resonance_Hz"));
      double lo = json_object_get_double_member (o, "baseline_lo_mV"), hi = json_object_get_double_member (o, "baseline_hi_mV");
      g_assert_cmpfloat (fabs (lo - hand_cases[c].base_lo), <=, 1.0);
      g_assert_cmpfloat (fabs (hi - hand_cases[c].base_hi), <=, 1.0);
      JsonArray *sw = json_object_get_array_member (o, "sweeps");
      g_assert_cmpuint (json_array_get_length (sw), ==, hand_cases[c].n_sweeps);
      double seen_lo = INFINITY, seen_hi = -INFINITY;
      for (guint s = 0; s < json_array_get_length (sw); s++)
        {
          JsonObject *e = json_array_get_object_element (sw, s);
          g_assert_cmpuint (json_object_get_size (e), ==, 5);
          /* The range is that of the sweeps' own baselines. */
          double base = json_object_get_double_member (e, "baseline_mV");
          seen_lo = fmin (seen_lo, base), seen_hi = fmax (seen_hi, base);
          g_assert_cmpint (json_object_get_int_member (e, "sweep"), ==, s);
          g_assert_cmpfloat (fabs (json_object_get_double_member (e, "stimulus_pA")
                                   - (hand_cases[c].first_pA + hand_cases[c].inc_pA * s)), <, 1e-6);
          JsonArray *times = json_object_get_array_member (e, "spike_times_ms");
          g_assert_cmpint (json_object_get_int_member (e, "spikes"), ==, json_array_get_length (times));
          for (guint k = 1; k < json_array_get_length (times); k++)
            g_assert_cmpfloat (json_array_get_double_element (times, k), >, json_array_get_double_element (times, k - 1));
        }
      g_assert_cmpfloat (seen_lo, ==, lo);
      g_assert_cmpfloat (seen_hi, ==, hi);
    }

  /* Not measured: null. The depolarising sweeps only, with the reason on stderr and status 1; a known
   * capacitance is used as given. */
  g_autofree char *abf = nd_test_abf_path ("File_axon_5.abf");
  g_autofree char *out = NULL, *err = NULL;
  const char *with_c[] = { "passive", abf, "--json", "--capacitance", "50", "--cm", "0.5", "--ljp", "-7.5", NULL };
  g_assert_cmpint (nd_test_run_cli (with_c, &out, &err), ==, 0);
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *o = parse_object (parser, out);
  g_assert_cmpfloat (json_object_get_double_member (o, "c_m_pF"), ==, 50.0);
  g_assert_cmpfloat (fabs (json_object_get_double_member (o, "area_um2") - 10000.0), <, 1e-6);
  g_assert_cmpfloat (fabs (json_object_get_double_member (o, "v_rest_mV") - (hand_cases[0].v_rest + 7.5)), <=, 1.0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_autofree char *vc = nd_test_abf_path ("17o05024_vc_steps.abf");
  const char *refuse[] = { "passive", vc, "--json", NULL };
  g_assert_cmpint (nd_test_run_cli (refuse, &out, &err), ==, 1);
  g_assert_nonnull (strstr (err, "voltage-clamp"));
  g_assert_cmpstr (out, ==, "");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  const char *usage[] = { "passive", NULL };
  g_assert_cmpint (nd_test_run_cli (usage, &out, &err), ==, 2);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* The table, in words. */
  const char *text[] = { "passive", abf, NULL };
  g_assert_cmpint (nd_test_run_cli (text, &out, &err), ==, 0);
  g_assert_nonnull (strstr (out, "Input resistance"));
  g_assert_nonnull (strstr (out, "MΩ"));
  g_assert_nonnull (strstr (out, "Rheobase"));
  g_assert_nonnull (strstr (out, "200 pA"));
  g_assert_nonnull (strstr (out, "Sweep to sweep"));
  g_assert_nonnull (strstr (out, "median of 8 pairs of sweeps"));
}

/* Every recording of the test data, and File_axon_5.abf cut short and damaged: `passive` measures or says
 * why not (status 1, one line), and never crashes. */
static void
test_cli_every_file (void)
{
  const char *dirs[] = { "abf", "atf", "io" };
  guint measured = 0, refused = 0;
  for (guint d = 0; d < G_N_ELEMENTS (dirs); d++)
    {
      g_autofree char *dir = nd_test_data_path (dirs[d]);
      g_autoptr (GDir) gd = g_dir_open (dir, 0, NULL);
      g_assert_nonnull (gd);
      const char *name;
      while ((name = g_dir_read_name (gd)))
        {
          if (g_str_has_suffix (name, ".md") || g_str_has_suffix (name, ".py"))
            continue;
          g_autofree char *path = g_build_filename (dir, name, NULL);
          g_autofree char *out = NULL, *err = NULL;
          const char *args[] = { "passive", path, NULL };
          int status = nd_test_run_cli (args, &out, &err);
          g_test_message ("%s: status %d %s", name, status, status ? err : "");
          g_assert_true (status == 0 || status == 1);
          if (status == 0)
            measured++;
          else
            {
              g_assert_true (g_str_has_prefix (err, "neurode-cli: "));
              refused++;
            }
        }
    }
  g_assert_cmpuint (measured, >=, 4);
  g_assert_cmpuint (refused, >=, 4);

  g_autofree char *abf = nd_test_abf_path ("File_axon_5.abf");
  g_autofree char *data = NULL;
  gsize len;
  g_assert_true (g_file_get_contents (abf, &data, &len, NULL));
  g_autofree char *bad = nd_test_output_path ("passive-damaged.abf");
  for (guint k = 0; k < 24; k++)
    {
      gsize cut = k < 12 ? len * (k + 1) / 13 : len;
      g_autofree char *copy = g_memdup2 (data, len);
      if (k >= 12)
        for (gsize j = 0; j < 64; j++)
          copy[(j * 7919 + k * 104729) % MIN (len, 8192)] ^= (char) (1 + j);
      g_assert_true (g_file_set_contents (bad, copy, (gssize) cut, NULL));
      g_autofree char *out = NULL, *err = NULL;
      const char *args[] = { "passive", bad, "--json", NULL };
      int status = nd_test_run_cli (args, &out, &err);
      g_assert_true (status == 0 || status == 1);
    }
}

/* pyABF's 2020_03_02_0000 is a model cell: it "rests" at -3.4 mV and answers every step of -200 ... +550 pA
 * with a deflection of 0.5 mV/pA (by hand from the pyABF reference table: -200 pA -> -103.9 mV in the step,
 * +550 pA -> +299.7 mV). Its properties are measured as for any cell, and the resting potential is told
 * apart as none a living neuron has; the same neuron with a junction potential of -50 mV subtracted is too. */
static void
test_model_cell (void)
{
  g_autoptr (NdRecording) rec = nd_test_load_abf ("2020_03_02_0000.abf");
  nd_cell_props p;
  g_autoptr (GError) error = NULL;
  g_assert_true (nd_cell_props_from_recording (rec, 1.0, NAN, NAN, &p, &error));
  g_assert_no_error (error);
  g_test_message ("model cell: rest %.2f mV, R_in %.1f MOhm", p.v_rest_mV, p.r_in_MOhm);
  g_assert_cmpfloat (fabs (p.v_rest_mV - -3.35), <, 0.5);
  g_assert_cmpfloat (fabs (p.r_in_MOhm - 503.0), <, 0.05 * 503.0);
  g_assert_true (nd_cell_props_rest_unusual (&p));
  nd_cell_props_clear (&p);

  g_autoptr (NdRecording) axon = nd_test_load_abf ("File_axon_5.abf");
  g_assert_true (nd_cell_props_from_recording (axon, 1.0, NAN, -50.0, &p, NULL));
  g_assert_cmpfloat (p.v_rest_mV, >, ND_CELL_REST_MAX_MV);
  g_assert_true (nd_cell_props_rest_unusual (&p));
  nd_cell_props_clear (&p);
  g_assert_false (nd_cell_props_rest_unusual (NULL));

  /* The command line says so in words and in its JSON. */
  g_autofree char *path = nd_test_abf_path ("2020_03_02_0000.abf");
  g_autofree char *out = NULL, *err = NULL;
  const char *text[] = { "passive", path, NULL };
  g_assert_cmpint (nd_test_run_cli (text, &out, &err), ==, 0);
  g_assert_nonnull (strstr (out, "living neurons rest between -110 and -30 mV"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  const char *json[] = { "passive", path, "--json", NULL };
  g_assert_cmpint (nd_test_run_cli (json, &out, &err), ==, 0);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_assert_true (json_object_get_boolean_member (parse_object (parser, out), "rest_unusual"));
}

/* pyABF's 171116sh_0017: a +-20 pA sine sweep of 0-32 Hz, three sweeps of 10 s, no step. R_in and tau from a
 * passive membrane fitted to it, against the hand's fit of the impedance of each of its 474 cycles
 * (tests/tools/passive-by-hand.py: 158.6 MOhm, 34.6 ms); no step levels, rheobase or sag; the command line
 * says how it was measured. */
static void
test_chirp (void)
{
  g_autoptr (NdRecording) rec = nd_test_load_abf ("more/171116sh_0017.abf");
  nd_cell_props p;
  g_autoptr (GError) error = NULL;
  g_assert_true (nd_cell_props_from_recording (rec, 1.0, NAN, NAN, &p, &error));
  g_assert_no_error (error);
  g_test_message ("chirp: rest %.2f mV, R_in %.1f MOhm, tau %.1f ms, C %.1f pF, r2 %.3f", p.v_rest_mV, p.r_in_MOhm,
                  p.tau_m_ms, p.c_m_pF, p.rc_r2);
  g_assert_true (p.rc_fit);
  g_assert_cmpfloat (fabs (p.r_in_MOhm - 158.6), <=, 0.05 * 158.6);
  g_assert_cmpfloat (fabs (p.tau_m_ms - 34.6), <=, 0.05 * 34.6);
  g_assert_cmpfloat (fabs (p.c_m_pF - p.tau_m_ms / p.r_in_MOhm * 1000.0), <, 1e-9 * p.c_m_pF);
  g_assert_cmpfloat (p.rc_r2, >=, ND_CELL_RC_MIN_R2);
  g_assert_cmpfloat (fabs (p.v_rest_mV - -61.4), <, 1.0);
  g_assert_true (isnan (p.rheobase_pA) && isnan (p.sag_ratio) && isnan (p.step_start_ms));
  g_assert_cmpint (p.n_sweeps, ==, 3);
  for (int s = 0; s < 3; s++)
    g_assert_true (isnan (p.sweeps[s].stimulus_pA));
  /* No resonance: its impedance falls from the slowest cycles on, within 10 % of the hand's passive membrane
   * there (158.6 MOhm, 34.6 ms). */
  g_test_message ("chirp: resonance %g Hz, Q %.2f, |Z| %.1f MOhm at %.2f Hz, %.1f MOhm at %.2f Hz", p.resonance_Hz,
                  p.resonance_q, p.z_lo_MOhm, p.z_lo_Hz, p.z_hi_MOhm, p.z_hi_Hz);
  g_assert_cmpfloat (p.resonance_Hz, ==, 0.0);
  g_assert_cmpfloat (p.resonance_q, ==, 1.0);
  double z_hand = 158.6 / sqrt (1.0 + pow (2.0 * G_PI * p.z_lo_Hz * 34.6e-3, 2.0));
  g_assert_cmpfloat (fabs (p.z_lo_MOhm - z_hand), <=, 0.1 * z_hand);
  g_assert_cmpfloat (p.z_lo_Hz, <, 2.0);
  g_assert_cmpfloat (p.z_hi_Hz, >, 25.0);
  g_assert_cmpfloat (p.z_hi_MOhm, <, 0.25 * p.z_lo_MOhm);
  nd_cell_props_clear (&p);

  g_autofree char *path = nd_test_abf_path ("more/171116sh_0017.abf");
  g_autofree char *out = NULL, *err = NULL;
  const char *text[] = { "passive", path, NULL };
  g_assert_cmpint (nd_test_run_cli (text, &out, &err), ==, 0);
  g_assert_nonnull (strstr (out, "its current is no step: a passive membrane fitted to every sweep explains"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  const char *json[] = { "passive", path, "--json", NULL };
  g_assert_cmpint (nd_test_run_cli (json, &out, &err), ==, 0);
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *o = parse_object (parser, out);
  g_assert_cmpfloat (json_object_get_double_member (o, "passive_fit_r2"), >=, ND_CELL_RC_MIN_R2);
  g_assert_cmpfloat (fabs (json_object_get_double_member (o, "r_in_MOhm") - 158.6), <=, 0.05 * 158.6);
  g_assert_true (json_object_get_null_member (o, "rheobase_pA"));
  g_assert_cmpfloat (json_object_get_double_member (o, "resonance_Hz"), ==, 0.0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (nd_test_run_cli (text, &out, &err), ==, 0);
  g_assert_nonnull (strstr (out, "Resonance"));
}

/* pyABF's 18425108_abf1: one sweep, a -50 pA test step for 250 ms, then a train of 2 ms pulses of 2.5 nA
 * (20 spikes). The test step is the step (the pulses deviate further but are brief), against the hand's
 * (tests/tools/passive-by-hand.py): rest -70.89 mV, 88.9 MOhm. It fires, so no passive membrane is fitted. */
static void
test_test_step_and_train (void)
{
  g_autoptr (NdRecording) rec = nd_test_load_abf ("more/18425108_abf1.abf");
  nd_cell_props p;
  g_autoptr (GError) error = NULL;
  g_assert_true (nd_cell_props_from_recording (rec, 1.0, NAN, NAN, &p, &error));
  g_assert_no_error (error);
  g_test_message ("train: step %.1f-%.1f ms, rest %.2f mV, R_in %.1f MOhm, tau %.1f ms", p.step_start_ms,
                  p.step_end_ms, p.v_rest_mV, p.r_in_MOhm, p.tau_m_ms);
  g_assert_false (p.rc_fit);
  g_assert_cmpfloat (fabs (p.step_start_ms - 250.0), <, 2.0);
  g_assert_cmpfloat (fabs (p.step_end_ms - 500.0), <, 2.0);
  g_assert_cmpfloat (fabs (p.sweeps[0].stimulus_pA - -50.0), <, 0.01);
  g_assert_cmpfloat (fabs (p.v_rest_mV - -70.89), <=, 1.0);
  g_assert_cmpfloat (fabs (p.r_in_MOhm - 88.9), <=, 0.10 * 88.9);
  g_assert_cmpint ((int) p.sweeps[0].n_spikes, ==, 20);
  nd_cell_props_clear (&p);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cell/against-hand", test_against_hand);
  g_test_add_func ("/cell/ljp", test_ljp);
  g_test_add_func ("/cell/model-cell", test_model_cell);
  g_test_add_func ("/cell/chirp", test_chirp);
  g_test_add_func ("/cell/test-step-and-train", test_test_step_and_train);
  g_test_add_func ("/cell/telegraph-capacitance", test_telegraph_capacitance);
  g_test_add_func ("/cell/refusals", test_refusals);
  g_test_add_func ("/cell/cli-json", test_cli_json);
  g_test_add_func ("/cell/cli-every-file", test_cli_every_file);
  return g_test_run ();
}
