/* fuzz-csv.c: libFuzzer harness for the CSV reader.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "fuzz-common.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  NdRecording *rec = nd_recording_parse_csv ((const char *) data, size, "fuzz.csv", &error);
  if (rec)
    fuzz_exercise (rec);
  else
    g_assert (error && error->domain == ND_ERROR && g_utf8_validate (error->message, -1, NULL));
  nd_recording_free (rec);
  return 0;
}
