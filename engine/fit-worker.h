/* fit-worker.h: a fit on its own thread, for the GUI and the command line.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The worker owns copies of everything it uses (model, stimuli, recordings),
 * so the caller may free its own data at once. The progress callback runs on
 * the worker thread at most every options.progress_interval_s seconds (and
 * once at the end); it must copy what it needs and hand it to its own main
 * loop (e.g. g_idle_add). Pause, resume and cancel take effect between
 * iterations; cancelling keeps the best parameters found so far.
 * Plain C with POSIX threads: no GLib, no GTK.
 */
#pragma once

#include <stdbool.h>

#include "fit.h"

typedef struct nd_fit_worker nd_fit_worker;

/* Copies model, sweeps and options and starts fitting; NULL if the thread
 * could not start. */
nd_fit_worker *nd_fit_worker_start (const nd_model *m, const nd_fit_sweep *train, int n_train,
                                    const nd_fit_sweep *val, int n_val, const nd_fit_options *opt,
                                    nd_fit_progress_fn progress, void *user);
void nd_fit_worker_pause (nd_fit_worker *w, bool paused);
void nd_fit_worker_cancel (nd_fit_worker *w);
/* Cancels and abandons the simulation under way (integrator.h, nd_drive.abort): the thread ends within
 * a few milliseconds of simulation, and its result is not worth keeping (a closed window's fit). */
void nd_fit_worker_abort (nd_fit_worker *w);
/* True once the fit has finished (nd_fit_worker_finish will not block). */
bool nd_fit_worker_done (nd_fit_worker *w);
/* Waits for the thread, returns the fitted model (caller frees) and the
 * result (caller clears with nd_fit_result_clear), and frees the worker. */
nd_model *nd_fit_worker_finish (nd_fit_worker *w, nd_fit_result *result);
/* For tests of a closed window's fit: workers whose thread is still running in the process, and the time
 * from the last nd_fit_worker_abort to the end of its fit (µs; -1 before any). */
int nd_fit_worker_n_running (void);
long long nd_fit_worker_last_abort_us (void);
