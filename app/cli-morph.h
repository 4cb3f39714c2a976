/* cli-morph.h: what the morphology subcommands share.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <time.h>

typedef struct {
  double dt_ms;     /* sample interval */
  double t0_ms;     /* time of the first sample */
  gsize n;
  double *i_pA;     /* stimulus current */
} NdCliSweep;

/* Every sweep's stimulus current (pA) from any recording Neurode reads; a
 * file of currents only (sweep,t_ms,i_pA) is fine. The array frees the
 * currents when it is unreferenced. */
GArray *nd_cli_load_current_stimulus (const char *path, GError **error);
/* An empty sweep array that frees its currents. */
GArray *nd_cli_sweeps_new (void);

/* Seconds on `clock` (CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID). */
double nd_cli_now_s (clockid_t clock);
