/* presets.h: the classic experiments of a Hodgkin-Huxley course, ready to run.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each preset sets every explore parameter (explore.h) for one experiment on the classic HH
 * compartment and says, in one or two sentences, what it shows and what to look for. The texts are
 * English and marked for translation (N_): the user interface passes them through gettext.
 */
#pragma once

#include "explore.h"

typedef enum {
  ND_PRESET_VIEW_TIME,    /* V, currents and gates over time */
  ND_PRESET_VIEW_PHASE,   /* phase plane */
  ND_PRESET_VIEW_FI,      /* f-I curve (computed when the preset is chosen) */
  ND_PRESET_VIEW_IV,      /* I-V curve (computed when the preset is chosen) */
} nd_preset_view;

typedef struct {
  const char *id;           /* stable name for actions and files: "threshold" */
  const char *title;        /* short title, translatable */
  const char *explanation;  /* what the experiment is, one or two sentences, translatable */
  const char *look_for;     /* what to look for, translatable */
  nd_preset_view view;
  void (*apply) (nd_explore_params *p);
} nd_preset;

/* The presets in teaching order, NULL-terminated. */
const nd_preset *const *nd_presets (void);
const nd_preset *nd_preset_lookup (const char *id);
/* Resets p to the defaults, then sets the preset's experiment. */
void nd_preset_apply (const nd_preset *preset, nd_explore_params *p);
