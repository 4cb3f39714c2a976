/* fuzz-cell.c: libFuzzer harness for cell description files (JSON).
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Any input must be refused with a message or give a cell description whose
 * numbers are within the documented ranges and whose protocol fits the
 * sample bound; the morphology it names is not read (it is a file on disk:
 * fuzz-swc covers the SWC reader).
 */
#include <glib.h>
#include <math.h>
#include <stdint.h>

#include "cell-file.h"
#include "nd-error.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  NdCellFile *cell = nd_cell_file_parse ((const char *) data, size, "fuzz/cell.json", &error);
  if (!cell)
    {
      g_assert (error && g_utf8_validate (error->message, -1, NULL));
      return 0;
    }
  g_assert (cell->morphology_path && *cell->morphology_path);
  g_assert (cell->membrane.cm > 0.0 && isfinite (cell->membrane.cm) && cell->ra_ohm_cm > 0.0);
  g_assert (cell->stim_x >= 0.0 && cell->stim_x <= 1.0);
  for (int r = 0; r < ND_N_REGIONS; r++)
    for (int c = 0; c < cell->membrane.n_channels[r]; c++)
      g_assert (cell->membrane.channels[r][c].kind && isfinite (cell->membrane.channels[r][c].gbar));
  if (cell->has_protocol)
    g_assert (cell->dt_ms > 0.0 && cell->duration_ms / cell->dt_ms <= ND_CELL_MAX_SAMPLES
              && cell->step_start_ms <= cell->step_end_ms);
  nd_cell_file_free (cell);
  return 0;
}
