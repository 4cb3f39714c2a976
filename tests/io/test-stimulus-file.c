/* test-stimulus-file.c: a proposed recording written as ATF and CSV (stimulus-file.h) opens in Neurode's own
 * readers as the same stimulus, sample for sample, in current and in voltage clamp.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <math.h>
#include <string.h>

#include "recording.h"
#include "stimulus-file.h"

static nd_proposal
make (nd_protocol proto)
{
  nd_proposal p = { .proto = proto, .dt_ms = 0.1, .n_members = 2 };
  p.n = (size_t) llround (ND_PROPOSE_MS / p.dt_ms) + 1;
  p.stim = g_new (double, p.n);
  p.traces = g_new (double, 2 * p.n);
  nd_protocol_render (&proto, p.dt_ms, p.n, p.stim);
  for (size_t j = 0; j < 2 * p.n; j++)
    p.traces[j] = -65.0 + 0.001 * (double) j;
  return p;
}

static NdRecording *
load_text (const GString *text, const char *name)
{
  g_autofree char *dir = g_dir_make_tmp ("nd-stim-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_assert_true (g_file_set_contents (path, text->str, (gssize) text->len, NULL));
  g_autoptr (GError) error = NULL;
  NdRecording *rec = nd_recording_load (path, &error);
  g_assert_no_error (error);
  g_remove (path);
  g_rmdir (dir);
  return rec;
}

/* The stimulus the reader finds in rec equals p's, at the same times. */
static void
check_same (const NdRecording *rec, const nd_proposal *p)
{
  g_assert_cmpuint (nd_recording_n_sweeps (rec), ==, 1);
  g_assert_cmpfloat_with_epsilon (nd_recording_sample_rate_hz (rec), 1000.0 / p->dt_ms, 1e-6);
  g_autoptr (GError) error = NULL;
  double max_err = 0.0;
  if (p->proto.mode == ND_PROPOSE_VC)
    {
      g_assert_true (nd_recording_is_voltage_clamp (rec));
      NdClampTrace cl;
      g_assert_true (nd_recording_get_command_sweep (rec, 0, &cl, &error));
      g_assert_cmpuint (cl.n, ==, p->n);
      for (size_t j = 0; j < p->n; j++)
        max_err = fmax (max_err, fabs (cl.v_cmd_mV[j] - p->stim[j]) + fabs (cl.t_ms[j] - (double) j * p->dt_ms));
      nd_clamp_trace_clear (&cl);
    }
  else
    {
      g_assert_false (nd_recording_is_voltage_clamp (rec));
      NdSweepTrace sw;
      g_assert_true (nd_recording_get_stimulus_sweep (rec, 0, &sw, &error));
      g_assert_cmpuint (sw.n, ==, p->n);
      for (size_t j = 0; j < p->n; j++)
        max_err = fmax (max_err, fabs (sw.i_pA[j] - p->stim[j]) + fabs (sw.t_ms[j] - (double) j * p->dt_ms));
      nd_sweep_trace_clear (&sw);
    }
  g_assert_no_error (error);
  /* Six significant digits of the stimulus, four decimals of the time. */
  g_assert_cmpfloat (max_err, <, 1e-3);
}

static void
round_trip (nd_protocol proto, const char *expect_in_description)
{
  nd_proposal p = make (proto);
  g_autofree char *desc = nd_protocol_describe (&p.proto);
  g_assert_nonnull (strstr (desc, expect_in_description));
  g_autoptr (GString) atf = nd_stimulus_atf (&p, desc);
  g_assert_true (g_str_has_prefix (atf->str, "ATF\t1.0\n4\t2\n"));
  NdRecording *rec = load_text (atf, "stimulus.atf");
  g_assert_cmpstr (nd_recording_format (rec), ==, "ATF");
  check_same (rec, &p);
  nd_recording_free (rec);
  g_autoptr (GString) csv = nd_stimulus_csv (&p);
  rec = load_text (csv, "stimulus.csv");
  check_same (rec, &p);
  nd_recording_free (rec);
  /* The predictions: a header naming each member, then one row per sample. */
  g_autoptr (GString) pred = nd_proposal_predicted_csv (&p);
  g_auto (GStrv) lines = g_strsplit (pred->str, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, p.n + 2);   /* the last is empty */
  g_assert_true (g_str_has_suffix (lines[0], proto.mode == ND_PROPOSE_VC ? ",member1_i_pA,member2_i_pA"
                                                                          : ",member1_v_mV,member2_v_mV"));
  g_free (p.stim);
  g_free (p.traces);
}

static void
test_current_clamp (void)
{
  nd_protocol pre = { .mode = ND_PROPOSE_CC, .kind = ND_PROTO_PREPULSE, .pre = -17.25, .pre_ms = 200.0,
                      .level = 12.5, .level_ms = 100.0, .v_pre_mV = -90.0 };
  round_trip (pre, "-17 pA for 200 ms (holds the cell near -90 mV), then step to +12 pA");
  nd_protocol ramp = { .mode = ND_PROPOSE_CC, .kind = ND_PROTO_RAMP, .level = 40.0, .level_ms = 200.0 };
  round_trip (ramp, "ramp the current from 0 to +40 pA over 200 ms");
  nd_protocol noise = { .mode = ND_PROPOSE_CC, .kind = ND_PROTO_NOISE, .level = 10.0, .noise_sd = 6.0,
                        .noise_tau_ms = 3.0, .level_ms = 200.0 };
  round_trip (noise, "inject noise for 200 ms, mean +10 pA, s.d. 6 pA, correlation time 3 ms");
}

static void
test_voltage_clamp (void)
{
  nd_protocol pre = { .mode = ND_PROPOSE_VC, .kind = ND_PROTO_PREPULSE, .base = -70.0, .pre = -90.0,
                      .pre_ms = 200.0, .level = -40.0, .level_ms = 100.0 };
  round_trip (pre, "hold at -90 mV for 200 ms, then step to -40 mV for 100 ms");
  nd_protocol pair = { .mode = ND_PROPOSE_VC, .kind = ND_PROTO_PAIR, .base = -70.0, .pre = -90.0, .level = 0.0,
                       .level_ms = 30.0, .gap_ms = 20.0 };
  round_trip (pair, "two steps to 0 mV for 30 ms each, 20 ms apart at -90 mV");
}

int
main (int argc, char **argv)
{
  /* The numbers are written in the C locale whatever the user's. */
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/stimulus-file/current-clamp", test_current_clamp);
  g_test_add_func ("/stimulus-file/voltage-clamp", test_voltage_clamp);
  return g_test_run ();
}
