/* fuzz-model.c: libFuzzer harness for model files (JSON).
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Any input must be refused with a message (UTF-8, in the engine's domain)
 * or give a model that saves, reads back to the same text, and simulates a
 * few steps from rest to a finite voltage; never a crash, a leak or a hang.
 */
#include <glib.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "integrator.h"
#include "model-file.h"
#include "nd-error.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  gboolean weights = FALSE;
  nd_model *m = nd_model_file_parse ((const char *) data, (gssize) size, &weights, &error);
  if (!m)
    {
      g_assert (error && error->domain == ND_ERROR && g_utf8_validate (error->message, -1, NULL));
      return 0;
    }
  g_assert (m->area_um2 >= 1.0 && m->cm > 0.0);
  g_autofree char *text = nd_model_file_to_string (m);
  g_autoptr (GError) again_error = NULL;
  nd_model *again = nd_model_file_parse (text, -1, NULL, &again_error);
  g_assert_no_error (again_error);
  g_autofree char *text2 = nd_model_file_to_string (again);
  g_assert_cmpstr (text, ==, text2);
  nd_model_free (again);
  /* Large networks are valid but slow to evaluate: simulate only models a fuzzer run can afford. */
  if (m->n_params < 20000)
    {
      double i_inj[8] = { 0, 0, 1, 1, 1, 0, 0, 0 }, v[8];
      nd_drive d = { .n = 8, .dt_sample = 0.1, .n_sub = 2, .i_inj = i_inj };
      nd_simulate (m, &d, v, NULL);
    }
  nd_model_free (m);
  return 0;
}
