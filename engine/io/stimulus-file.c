/* stimulus-file.c: a proposed recording as ATF and CSV (stimulus-file.h).
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "stimulus-file.h"

#include <glib/gi18n.h>
#include <math.h>

/* Numbers in the C locale whatever the user's (a German "0,1" would be two fields). */
static void
append_num (GString *s, const char *fmt, double x)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_string_append (s, g_ascii_formatd (buf, sizeof buf, fmt, x == 0.0 ? 0.0 : x));
}

/* A row per sample: the time, the stimulus, then the first n_traces members' traces, sep between them. */
static void
append_rows (GString *s, const nd_proposal *p, char sep, int n_traces)
{
  for (size_t j = 0; j < p->n; j++)
    {
      append_num (s, "%.4f", (double) j * p->dt_ms);
      g_string_append_c (s, sep);
      append_num (s, "%.6g", p->stim[j]);
      for (int k = 0; k < n_traces; k++)
        {
          g_string_append_c (s, sep);
          append_num (s, "%.6g", p->traces[(size_t) k * p->n + j]);
        }
      g_string_append_c (s, '\n');
    }
}

char *
nd_protocol_describe (const nd_protocol *p)
{
  const nd_protocol *q = p;
  if (q->mode == ND_PROPOSE_VC)
    switch (q->kind)
      {
      case ND_PROTO_STEP:
        return g_strdup_printf (_("voltage clamp: hold at %.0f mV, step to %.0f mV for %.0f ms, then back to "
                                  "%.0f mV"), q->base, q->level, q->level_ms, q->base);
      case ND_PROTO_PREPULSE:
        return g_strdup_printf (_("voltage clamp: hold at %.0f mV for %.0f ms, then step to %.0f mV for %.0f ms "
                                  "(from and back to %.0f mV)"), q->pre, q->pre_ms, q->level, q->level_ms, q->base);
      case ND_PROTO_PAIR:
        return g_strdup_printf (_("voltage clamp: from %.0f mV, two steps to %.0f mV for %.0f ms each, %.0f ms "
                                  "apart at %.0f mV"), q->base, q->level, q->level_ms, q->gap_ms, q->pre);
      case ND_PROTO_RAMP:
        return g_strdup_printf (_("voltage clamp: ramp from %.0f mV to %.0f mV over %.0f ms"), q->base, q->level,
                                q->level_ms);
      case ND_PROTO_NOISE:
        break;
      }
  switch (q->kind)
    {
    case ND_PROTO_STEP:
      return g_strdup_printf (_("current clamp: inject %+.0f pA for %.0f ms"), q->level, q->level_ms);
    case ND_PROTO_PREPULSE:
      return g_strdup_printf (_("current clamp: inject %+.0f pA for %.0f ms (holds the cell near %.0f mV), then "
                                "step to %+.0f pA for %.0f ms"), q->pre, q->pre_ms, q->v_pre_mV, q->level,
                              q->level_ms);
    case ND_PROTO_PAIR:
      return g_strdup_printf (_("current clamp: two pulses of %+.0f pA for %.0f ms each, %.0f ms apart"), q->level,
                              q->level_ms, q->gap_ms);
    case ND_PROTO_RAMP:
      return g_strdup_printf (_("current clamp: ramp the current from 0 to %+.0f pA over %.0f ms"), q->level,
                              q->level_ms);
    case ND_PROTO_NOISE:
      return g_strdup_printf (_("current clamp: inject noise for %.0f ms, mean %+.0f pA, s.d. %.0f pA, "
                                "correlation time %.0f ms (the exact waveform is in the stimulus files)"),
                              q->level_ms, q->level, q->noise_sd, q->noise_tau_ms);
    }
  return g_strdup ("");
}

GString *
nd_stimulus_atf (const nd_proposal *p, const char *comment)
{
  const gboolean vc = p->proto.mode == ND_PROPOSE_VC;
  const char *signal = vc ? "Command" : "Stimulus", *units = vc ? "mV" : "pA";
  /* The ATF header records are quoted, tab-separated: no quote or tab inside. */
  g_autofree char *c = g_strdup (comment ? comment : "");
  g_strdelimit (c, "\"\t\r\n", '\'');
  GString *s = g_string_new ("ATF\t1.0\n4\t2\n");
  g_string_append_printf (s, "\"AcquisitionMode=Episodic Stimulation\"\n\"Comment=%s\"\n", c);
  g_string_append (s, "\"SweepStartTimesMS=0.000\"\n");
  g_string_append_printf (s, "\"Signals=\"\t\"%s\"\n\"Time (ms)\"\t\"%s (%s)\"\n", signal, signal, units);
  append_rows (s, p, '\t', 0);
  return s;
}

GString *
nd_stimulus_csv (const nd_proposal *p)
{
  GString *s = g_string_new (p->proto.mode == ND_PROPOSE_VC ? "t_ms,v_cmd_mV\n" : "t_ms,i_pA\n");
  append_rows (s, p, ',', 0);
  return s;
}

GString *
nd_proposal_predicted_csv (const nd_proposal *p)
{
  const gboolean vc = p->proto.mode == ND_PROPOSE_VC;
  GString *s = g_string_new (vc ? "t_ms,v_cmd_mV" : "t_ms,i_pA");
  for (int k = 0; k < p->n_members; k++)
    g_string_append_printf (s, vc ? ",member%d_i_pA" : ",member%d_v_mV", k + 1);
  g_string_append_c (s, '\n');
  append_rows (s, p, ',', p->n_members);
  return s;
}
