/* cli-morph.h: what the morphology subcommands share.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <time.h>

#include "reduce-workflow.h"

/* The engine's stimulus sweeps (reduce-workflow.h), read the same way by reduce and the window. */
typedef nd_stimulus_sweep NdCliSweep;
#define nd_cli_load_current_stimulus nd_stimulus_sweeps_load
#define nd_cli_sweeps_new nd_stimulus_sweeps_new

/* Seconds on `clock` (CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID). */
double nd_cli_now_s (clockid_t clock);
