/* nd-cell-card.h: the Recording view's "Cell" card — what the step protocol says about the cell.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Resting potential, input resistance, time constant, capacitance and the membrane area it implies,
 * sag and rheobase (engine/cell-props.h), each with a tooltip saying how it is measured; the
 * liquid-junction potential and a known capacitance as fields stored in the project; a button that
 * makes the implied area the model's. It measures when the project's recording changes and when its
 * own fields change (tens of milliseconds for a typical protocol, on the main thread), then emits
 * "measured" so the view can draw the charging curve and label the sweeps.
 */
#pragma once

#include <adwaita.h>

#include "cell-props.h"
#include "nd-project.h"

G_BEGIN_DECLS

#define ND_TYPE_CELL_CARD (nd_cell_card_get_type ())
G_DECLARE_FINAL_TYPE (NdCellCard, nd_cell_card, ND, CELL_CARD, AdwPreferencesGroup)

GtkWidget           *nd_cell_card_new (void);
void                 nd_cell_card_set_project (NdCellCard *self, NdProject *project);
/* Measures again (the view calls it when the recording or its stimulus changed). */
void                 nd_cell_card_refresh (NdCellCard *self);
/* The last measurement (owned by the card; values NAN where they could not be measured), or NULL when
 * the recording's sweeps could not be read at all (voltage clamp, no injected current). */
const nd_cell_props *nd_cell_card_get_props (NdCellCard *self);
/* Why something is missing, in the user's words, or NULL when everything was measured. */
const char          *nd_cell_card_get_problem (NdCellCard *self);
/* The value shown in a row, for tests: "rest", "r_in", "tau", "c_m", "area", "sag", "rheobase". */
const char          *nd_cell_card_get_value_text (NdCellCard *self, const char *which);
/* The note under a row's title ("" without one), for tests; the same names. */
const char          *nd_cell_card_get_note (NdCellCard *self, const char *which);

G_END_DECLS
