/* nd-fit-view-next.h: the Fit view's proposal of what to record next, for tests (nd-fit-view-next.c).
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Apart from nd-fit-view.h because propose.h's names (nd_protocol) clash with explore.h's in files that
 * include both.
 */
#pragma once

#include "nd-fit-view.h"
#include "propose.h"

G_BEGIN_DECLS

/* The chosen proposal of what to record next (NULL while there is none: no ensemble, fewer than two kept fits,
 * or still being worked out); *proposing: TRUE while it is worked out. */
const nd_proposal *nd_fit_view_get_proposal (NdFitView *self, gboolean *proposing);
/* Chooses proposal i (0: the best) as the group's rows do; FALSE without it. */
gboolean     nd_fit_view_choose_proposal (NdFitView *self, int i);
/* As the Record Next group's "Also propose voltage-clamp recordings" row: on, with the clamp current's noise
 * (pA); proposes again. FALSE when the row is not offered (no current-clamp ensemble with two kept fits). */
gboolean     nd_fit_view_propose_vc (NdFitView *self, gboolean on, double noise_pA);
/* Seconds the last proposal took on its thread (NaN before any). */
double       nd_fit_view_get_proposal_seconds (NdFitView *self);

G_END_DECLS
