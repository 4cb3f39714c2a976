/* stimulus-file.h: a proposed recording (propose.h) as files for the amplifier and for Neurode.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An Axon Text File (ATF 1.0) with one sweep of one signal — the injected
 * current "Stimulus (pA)" in current clamp, the command "Command (mV)" in
 * voltage clamp — that acquisition software imports as a stimulus waveform
 * and Neurode's ATF reader (recording-atf.c) opens as a stimulus; the same
 * as a CSV table (`t_ms,i_pA` or `t_ms,v_cmd_mV`) for `neurode-cli simulate
 * --stimulus`; and the members' predicted traces side by side. The texts are
 * returned, for an atomic writer (cli-output.h) to save.
 */
#pragma once

#include <glib.h>

#include "propose.h"

G_BEGIN_DECLS

/* The protocol in the amplifier's terms, in the user's language, e.g. "hold
 * at -90 mV for 200 ms, then step to -40 mV for 100 ms" (g_free). */
char *nd_protocol_describe (const nd_protocol *p);

/* The stimulus as ATF text; `comment` (may be NULL) goes into its Comment record. */
GString *nd_stimulus_atf (const nd_proposal *p, const char *comment);
/* The stimulus as CSV: t_ms,i_pA (current clamp) or t_ms,v_cmd_mV. */
GString *nd_stimulus_csv (const nd_proposal *p);
/* t_ms, the stimulus, then each member's trace: member1_v_mV, ... (or member1_i_pA, ...). */
GString *nd_proposal_predicted_csv (const nd_proposal *p);

G_END_DECLS
