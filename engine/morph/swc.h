/* swc.h: reading neuron morphologies in the SWC format.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An SWC file lists sample points "id type x y z radius parent" (um), one per
 * line, '#' starting a comment. Neurode accepts one tree whose root is a soma
 * point (type 1); the soma may be one point (a sphere) or several. Broken files
 * (cycles, missing parents, duplicate ids, radii <= 0, text where a number
 * belongs, no soma) are refused with a message naming the line.
 *
 * Plain C (nd-core): errors are written into a caller's buffer.
 */
#pragma once

#include <stddef.h>

/* Regions of a cell, from the SWC type. */
typedef enum {
  ND_REGION_SOMA,
  ND_REGION_AXON,
  ND_REGION_BASAL,
  ND_REGION_APICAL,
  ND_REGION_OTHER,   /* SWC types 0 and >= 5 */
  ND_N_REGIONS
} nd_region;

typedef struct {
  long id;
  int type;          /* SWC type: 1 soma, 2 axon, 3 basal, 4 apical, others */
  double x, y, z;    /* um */
  double radius;     /* um, > 0 */
  long parent_id;    /* -1 for the root */
  int parent;        /* index into points, -1 for the root */
  int line;          /* line number in the file, for messages */
} nd_swc_point;

/* Points sorted by id, so that (as in NEURON's reader) every parent comes
 * before its children whenever the ids allow it. */
typedef struct {
  nd_swc_point *points;
  int n_points;
} nd_swc;

#define ND_MORPH_ERROR_LEN 256
/* The largest SWC file read (a detailed reconstruction is a few MB). */
#define ND_SWC_MAX_BYTES (256 << 20)

/* Both return NULL and write a message into err (if not NULL) on failure. */
nd_swc *nd_swc_parse (const char *text, size_t len, char *err, size_t err_len);
nd_swc *nd_swc_read_file (const char *path, char *err, size_t err_len);
void nd_swc_free (nd_swc *swc);

nd_region nd_region_from_swc_type (int type);
/* "soma", "axon", "basal", "apical", "other"; NULL for an invalid region. */
const char *nd_region_name (nd_region region);
/* Returns -1 for an unknown name. */
int nd_region_from_name (const char *name);
