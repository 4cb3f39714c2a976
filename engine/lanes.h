/* lanes.h: a model's copies, to simulate independent sweeps or candidates on several cores.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A fit spends its time in simulations that do not depend on each other: the
 * training sweeps of one gradient, the validation sweeps of one check, the
 * candidates of one generation of the search. Each lane is a copy of the
 * model (lane 0 is the model itself) with its own scratch and settling memo;
 * nd_lanes_run hands items to the lanes and returns when all are done. The
 * caller writes each item's result to its own slot and combines them in item
 * order afterwards, so a result never depends on the number of lanes or on
 * which lane ran what (tested bit for bit). Threads are started at the first
 * run that needs them and wait between runs.
 */
#pragma once

#include "model.h"

typedef struct nd_lanes nd_lanes;

/* The cores this process may run on (its CPU affinity: a Slurm task's
 * allocation, taskset), at least 1. */
int nd_cpu_count (void);

/* Lanes for m (which stays lane 0 and is not owned), at most n (>= 1). */
nd_lanes *nd_lanes_new (nd_model *m, int n);
void nd_lanes_free (nd_lanes *l);
int nd_lanes_count (const nd_lanes *l);

/* Calls fn (item, model, lane, user) once for every item in [0, n_items),
 * on up to nd_lanes_count lanes at once; lane 0 is the calling thread. The
 * other lanes' models first take lane 0's parameters, blocks and settling
 * memo switch as they are when the run starts. With one lane, or one item,
 * it runs in order on the calling thread. */
typedef void (*nd_lane_fn) (int item, nd_model *m, int lane, void *user);
void nd_lanes_run (nd_lanes *l, int n_items, nd_lane_fn fn, void *user);
