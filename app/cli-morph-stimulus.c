/* cli-morph-stimulus.c: the clock of the morphology subcommands (their stimulus files are read by
 * the engine, reduce-workflow.h).
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "cli-morph.h"

double
nd_cli_now_s (clockid_t clock)
{
  struct timespec ts;
  clock_gettime (clock, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}
