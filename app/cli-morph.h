/* cli-morph.h: what the morphology subcommands share.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <time.h>

/* Stimulus files are read by the engine (reduce-workflow.h: nd_stimulus_sweeps_load), the same way for
 * morph-simulate, reduce and the Reduce window. */
#include "reduce-workflow.h"

/* Seconds on `clock` (CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID). */
double nd_cli_now_s (clockid_t clock);
