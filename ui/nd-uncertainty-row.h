/* nd-uncertainty-row.h: the "Uncertainty" row — how many times to repeat a fit (an ensemble), 1 shown as Off.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Fit view and Fit Several Recordings offer the same choice in the same words.
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define ND_UNCERTAINTY_MAX_FITS 16

/* A row with a spin button of 1 (Off) to ND_UNCERTAINTY_MAX_FITS fits, at `value`; the spin in *out_spin. */
GtkWidget *nd_uncertainty_row (int value, GtkSpinButton **out_spin);

G_END_DECLS
