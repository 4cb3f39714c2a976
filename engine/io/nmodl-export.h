/* nmodl-export.h: a learned channel as a NEURON NMODL (.mod) mechanism.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The mechanism carries, for every learned gate, the same table Neurode's time
 * loop uses: the network outputs (a, log tau) at the nodes of the model's V
 * grid (-150..+100 mV every 0.25 mV), with the same Catmull-Rom interpolation
 * and the same clamping at the ends, so x_inf = sigmoid(a) and tau = exp(log
 * tau) reproduce the learned curves to rounding. Pure NMODL (GLOBAL arrays
 * filled once in INITIAL, no VERBATIM), so nrnivmodl builds it on any NEURON.
 * The current is NONSPECIFIC_CURRENT i = gbar prod x^p (v - e), gbar in S/cm2.
 */
#pragma once

#include <glib.h>

#include "model.h"

G_BEGIN_DECLS

/* The NMODL text of learned channel `channel` of m (the first learned one if
 * channel < 0); NULL with an error when there is none. The suffix is
 * "nd_" + the channel's name made into an identifier. */
char *nd_nmodl_export (nd_model *m, int channel, GError **error);
/* The suffix nd_nmodl_export gives channel `channel` (free it). */
char *nd_nmodl_suffix (const nd_model *m, int channel);

/* Every learned channel of m as its own mechanism file in dir, each saved
 * atomically: the first as first_name (NULL: "<suffix>.mod"), the others as
 * "<suffix>.mod". Returns the paths written (NULL-terminated, g_strfreev),
 * or NULL with an error (no learned channel, two channels with the same
 * suffix, a file that cannot be written). */
char **nd_nmodl_export_all (nd_model *m, const char *dir, const char *first_name, GError **error);

G_END_DECLS
