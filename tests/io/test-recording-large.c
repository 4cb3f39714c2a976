/* test-recording-large.c: a 20-minute gap-free ABF2 opens without reading
 * its samples into memory, and decimates for display in bounded memory.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The file is made from the header of the real gap-free recording
 * 2020_07_29_0062.abf (2 channels, 10 kHz) with 20 minutes of synthetic
 * samples: channel 0 a sawtooth raw = (k % 1000) - 500, channel 1 raw = k % 7.
 */
#include <math.h>
#include <stdio.h>
#include <glib/gstdio.h>
#include <string.h>

#include "recording.h"
#include "test-io-util.h"

/* Anonymous resident memory of this process in kB (heap, not file pages). */
static long
rss_anon_kb (void)
{
  g_autofree char *status = NULL;
  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  const char *p = strstr (status, "RssAnon:");
  return p ? atol (p + 8) : -1;
}

static void
test_twenty_minutes (void)
{
  g_autofree char *src = nd_test_data_path ("abf/2020_07_29_0062.abf");
  g_autofree guint8 *d = NULL;
  gsize size = 0;
  g_assert_true (g_file_get_contents (src, (char **) &d, &size, NULL));
  guint32 data_block;
  memcpy (&data_block, d + 236, 4);
  gsize header = (gsize) data_block * 512;

  const gint64 frames = 20 * 60 * 10000;   /* 20 minutes at 10 kHz */
  const gint64 count = 2 * frames;
  g_autofree guint8 *head = g_memdup2 (d, header);
  memcpy (head + 244, &count, 8);
  memset (head + 252, 0, 16);   /* tags: none */
  memset (head + 284, 0, 16);   /* delta section: none */
  g_autofree char *path = nd_test_output_path ("gapfree-20min.abf");
  FILE *f = fopen (path, "wb");
  g_assert_nonnull (f);
  fwrite (head, 1, header, f);
  enum { BLOCK = 65536 };
  static gint16 buf[2 * BLOCK];
  for (gint64 k0 = 0; k0 < frames; k0 += BLOCK)
    {
      gint64 m = MIN ((gint64) BLOCK, frames - k0);
      for (gint64 j = 0; j < m; j++)
        {
          buf[2 * j] = (gint16) ((k0 + j) % 1000 - 500);
          buf[2 * j + 1] = (gint16) ((k0 + j) % 7);
        }
      g_assert_cmpuint (fwrite (buf, 4, (size_t) m, f), ==, (size_t) m);
    }
  g_assert_cmpint (fclose (f), ==, 0);

  long before = rss_anon_kb ();
  gint64 t0 = g_get_monotonic_time ();
  g_autoptr (GError) error = NULL;
  g_autoptr (NdRecording) rec = nd_recording_load (path, &error);
  g_assert_no_error (error);
  double open_ms = (g_get_monotonic_time () - t0) / 1000.0;
  g_assert_cmpstr (nd_recording_acquisition (rec), ==, "gap-free");
  g_assert_cmpuint (nd_recording_n_sweeps (rec), ==, 1);
  g_assert_cmpuint (nd_recording_sweep_length (rec, 0), ==, (gsize) frames);
  g_assert_cmpfloat (fabs ((double) nd_recording_sweep_length (rec, 0) / nd_recording_sample_rate_hz (rec) - 1200.0), <, 1e-9);
  double s0 = nd_recording_signal (rec, 0)->scale, s1 = nd_recording_signal (rec, 1)->scale;

  /* A range deep inside: values from the formula. */
  double y[100];
  gsize first = (gsize) frames - 54321;
  g_assert_true (nd_recording_read (rec, 0, 0, first, 100, y, NULL));
  for (gsize j = 0; j < 100; j++)
    g_assert_cmpfloat (y[j], ==, (double) ((gint64) (first + j) % 1000 - 500) * s0);
  g_assert_true (nd_recording_read (rec, 0, 1, first, 100, y, NULL));
  for (gsize j = 0; j < 100; j++)
    g_assert_cmpfloat (y[j], ==, (double) ((gint64) (first + j) % 7) * s1);

  /* Display decimation of the whole 20 minutes into 1200 columns. */
  enum { BINS = 1200 };
  static double mins[BINS], maxs[BINS];
  t0 = g_get_monotonic_time ();
  g_assert_true (nd_recording_minmax (rec, 0, 0, 0, (gsize) frames, BINS, mins, maxs, NULL));
  double minmax_ms = (g_get_monotonic_time () - t0) / 1000.0;
  for (guint b = 0; b < BINS; b++)
    {
      g_assert_cmpfloat (mins[b], ==, -500.0 * s0);
      g_assert_cmpfloat (maxs[b], ==, 499.0 * s0);
    }
  long after = rss_anon_kb ();
  g_test_message ("20 min gap-free, %.1f MB: open %.2f ms, min/max of 12e6 samples %.0f ms, "
                  "anonymous memory +%ld kB", (double) (header + 4 * frames) / 1e6, open_ms, minmax_ms,
                  after - before);
  if (before >= 0 && after >= 0)
    g_assert_cmpint (after - before, <, 8 * 1024);   /* the samples alone are 48 MB */
  g_unlink (path);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/large/twenty-minutes-gapfree", test_twenty_minutes);
  return g_test_run ();
}
