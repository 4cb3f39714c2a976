/* fuzz-abf.c: libFuzzer harness for the ABF 1 and 2 reader.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "fuzz-common.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GBytes) bytes = g_bytes_new (data, size);
  g_autoptr (GError) error = NULL;
  NdRecording *rec = nd_recording_parse_abf (bytes, "fuzz.abf", &error);
  if (rec)
    fuzz_exercise (rec);
  else
    g_assert (error && error->domain == ND_ERROR && g_utf8_validate (error->message, -1, NULL));
  nd_recording_free (rec);
  return 0;
}
