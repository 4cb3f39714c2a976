/* fuzz-common.h: what every recording fuzzer does with a parsed recording.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A successful parse must give a recording whose every accessor works: read
 * the start and end of every sweep x signal, the stimulus, the current-clamp
 * view and the decimation. Reads are capped so one input stays fast.
 */
#pragma once

#include <glib.h>
#include <stdint.h>

#include "recording-private.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static inline void
fuzz_exercise (NdRecording *rec)
{
  enum { EDGE = 2048 };
  static double buf[EDGE], mins[16], maxs[16];
  g_assert (nd_recording_sample_rate_hz (rec) > 0.0);
  for (guint s = 0; s < nd_recording_n_sweeps (rec) && s < 64; s++)
    {
      gsize n = nd_recording_sweep_length (rec, s);
      gsize m = MIN (n, (gsize) EDGE);
      for (guint i = 0; i < nd_recording_n_signals (rec); i++)
        {
          g_assert (nd_recording_read (rec, s, i, 0, m, buf, NULL));
          g_assert (nd_recording_read (rec, s, i, n - m, m, buf, NULL));
          g_assert (nd_recording_minmax (rec, s, i, n - m, m, 16, mins, maxs, NULL));
        }
      if (nd_recording_stimulus_source (rec) != ND_STIMULUS_NONE)
        {
          g_assert (nd_recording_read_stimulus (rec, s, 0, m, buf, NULL));
          g_assert (nd_recording_read_stimulus (rec, s, n - m, m, buf, NULL));
        }
      static NdEpochSegment seg[ND_PROTOCOL_MAX_SEGMENTS];
      gsize nseg = nd_recording_protocol_segments (rec, s, seg);
      for (gsize k = 0; k < nseg; k++)
        g_assert (seg[k].start <= seg[k].end && seg[k].end <= n);
      if (n <= 65536)
        {
          NdSweepTrace tr;
          if (nd_recording_get_cc_sweep (rec, s, &tr, NULL))
            nd_sweep_trace_clear (&tr);
        }
    }
  (void) nd_recording_stimulus_description (rec);
  for (guint t = 0; t < nd_recording_n_tags (rec); t++)
    g_assert (g_utf8_validate (nd_recording_tag (rec, t)->text, -1, NULL));
  for (guint i = 0; i < nd_recording_n_signals (rec); i++)
    g_assert (g_utf8_validate (nd_recording_signal (rec, i)->name, -1, NULL) &&
              g_utf8_validate (nd_recording_signal (rec, i)->units, -1, NULL));
}
