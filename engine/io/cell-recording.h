/* cell-recording.h: cell properties (cell-props.h) of an opened recording.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reads every sweep through nd_recording_get_cc_sweep() (mV, pA), so the
 * recording's stimulus choice applies, and measures them. Shared by
 * `neurode-cli passive`, the Recording view's Cell card and the window's
 * default choice of training sweeps.
 */
#pragma once

#include <glib.h>

#include "cell-props.h"
#include "recording.h"

G_BEGIN_DECLS

/* cm: specific membrane capacitance (µF/cm², the model's) for the area.
 * c_known_pF: a capacitance the user knows (NAN: none; then the one the
 * file's amplifier telegraph reported, else tau/R_in). ljp_mV: the
 * liquid-junction potential subtracted from V; NAN keeps the recording's own
 * (nd_recording_get_ljp), a number replaces it. Spike times and the curve's
 * times are in the sweep's time (t_ms of nd_recording_get_cc_sweep).
 *
 * Returns FALSE with a message in the user's words (domain ND_ERROR) when the
 * recording is in voltage clamp, has no sweeps, no current step or no
 * hyperpolarising step. *out is then filled as far as the sweeps allow (e.g.
 * resting potential and spikes without a hyperpolarising step) or zeroed;
 * free it with nd_cell_props_clear() in every case. */
gboolean nd_cell_props_from_recording (const NdRecording *rec, double cm, double c_known_pF, double ljp_mV,
                                       nd_cell_props *out, GError **error);

/* Voltage clamp: the membrane capacitance (pF) charged by the capacitive
 * transients of every sweep (clamp.h), or NAN with a message when the
 * recording is not in voltage clamp or has no jump of the command. */
double nd_cell_capacitance_from_clamp (const NdRecording *rec, GError **error);

/* The message of a status, translated ("needs a hyperpolarising current step to measure the input
 * resistance"); NULL for ND_CELL_OK. */
const char *nd_cell_status_message (nd_cell_status status);

G_END_DECLS
