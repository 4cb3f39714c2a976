/* cell-file.h: the cell description file (JSON) of a multicompartment cell.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   {
 *     "format": "neurode-cell", "version": 1,
 *     "name": "CA1 pyramidal cell",
 *     "morphology": "ca1.swc",                        (path relative to this file)
 *     "segmentation": { "per_branch": 1 }             (or { "d_lambda": 0.1, "frequency_hz": 100 })
 *     "passive": { "cm_uF_cm2": 1, "ra_ohm_cm": 100, "v_init_mV": -70, "celsius": 36 },
 *     "channels": {                                   (per region; "all" for regions not listed)
 *       "all":  [ { "type": "pospischil_na", "gbar_mS_cm2": 50, "e_mV": 50 }, ... ],
 *       "soma": [ ... ], "axon": [ ... ], "basal": [ ... ], "apical": [ ... ], "other": [ ... ]
 *     },
 *     "stimulus": { "section": "soma[0]", "x": 0.5 }, (where current is injected: NEURON's section name,
 *                                                      e.g. "apic[10]", or Neurode's section number)
 *     "protocol": { "amplitude_pA": 650, "start_ms": 10, "end_ms": 50, "duration_ms": 70, "dt_ms": 0.025 }
 *   }
 * "protocol" (a current step) and "name" are optional. The soma voltage is
 * recorded at soma(0.5). Missing gbar/e take the channel's defaults.
 */
#pragma once

#include <glib.h>

#include "morph/morph-sim.h"

G_BEGIN_DECLS

typedef struct {
  char *name;
  char *morphology_path;          /* resolved against the JSON file's folder */
  nd_segmentation segmentation;
  nd_membrane membrane;
  double ra_ohm_cm;
  double v_init_mV;
  int stim_section;               /* used when stim_section_name is NULL */
  char *stim_section_name;        /* NEURON's name, resolved by nd_cell_build() */
  double stim_x;
  gboolean has_protocol;
  double step_amplitude_pA, step_start_ms, step_end_ms, duration_ms, dt_ms;
} NdCellFile;

/* The most samples a cell file's protocol may ask for (80 MB per trace). */
#define ND_CELL_MAX_SAMPLES 10000000

NdCellFile *nd_cell_file_load (const char *path, GError **error);
/* The cell file text[0..len) read from path (for messages and the morphology's folder). */
NdCellFile *nd_cell_file_parse (const char *text, gsize len, const char *path, GError **error);
void nd_cell_file_free (NdCellFile *cell);

/* A cell ready to simulate: the morphology, its compartments and sites. */
typedef struct {
  nd_morph *morph;
  nd_cable *cable;
  int soma_node;
  int stim_node;
} NdCell;

NdCell *nd_cell_build (const NdCellFile *file, GError **error);
void nd_cell_free (NdCell *cell);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NdCellFile, nd_cell_file_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NdCell, nd_cell_free)

G_END_DECLS
