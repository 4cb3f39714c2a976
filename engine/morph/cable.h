/* cable.h: a morphology cut into compartments, as NEURON discretises it.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each section of L um gets nseg compartments (fixed, or NEURON's d_lambda
 * rule); compartment k is centred at x = (k + 1/2)/nseg and owns the membrane
 * of [k/nseg, (k+1)/nseg] (frusta areas, as NEURON's seg.area()). Neighbouring
 * centres are joined by the resistance of the cable between them, half a
 * segment on each side (as NEURON's seg.ri()). Where sections meet at a
 * section's x = 1 end (or the root's x = 0 end), NEURON has a node without
 * membrane; it is kept here as a junction node (area 0), so that the tree and
 * its resistances are exactly NEURON's. End nodes with nothing attached carry
 * no current and are left out.
 *
 * Nodes are numbered parents first; node 0 is the soma compartment (soma(0.5)
 * for a one-segment soma), the root of the tree.
 */
#pragma once

#include "morph.h"

typedef enum {
  ND_SEGMENT_FIXED,      /* nseg compartments per section */
  ND_SEGMENT_D_LAMBDA,   /* NEURON's d_lambda rule at freq_hz */
} nd_segment_mode;

typedef struct {
  nd_segment_mode mode;
  int nseg;              /* ND_SEGMENT_FIXED: >= 1 */
  double d_lambda;       /* ND_SEGMENT_D_LAMBDA: fraction of lambda, e.g. 0.1 */
  double freq_hz;        /* ND_SEGMENT_D_LAMBDA: e.g. 100 */
} nd_segmentation;

typedef struct {
  int n_nodes;
  int n_compartments;    /* nodes with membrane */
  int *parent;           /* node index < own index; -1 for node 0 */
  double *area_um2;      /* membrane area, 0 for junction nodes */
  double *g_axial_nS;    /* conductance to the parent node (0 for node 0) */
  int *section;          /* owning section */
  double *x;             /* position in the section: (k + 1/2)/nseg, or 0/1 at junctions */
  nd_region *region;
  int *section_first;    /* per section: node of its compartment 0 */
  int *section_nseg;     /* per section: compartments */
  int n_sections;
  double ra_ohm_cm;
} nd_cable;

#define ND_CABLE_MAX_COMPARTMENTS 1000000

/* Fails (with a message) on bad Ra, cm or segmentation, or beyond
 * ND_CABLE_MAX_COMPARTMENTS compartments. */
nd_cable *nd_cable_new (const nd_morph *morph, const nd_segmentation *seg, double ra_ohm_cm,
                        double cm_uF_cm2, char *err, size_t err_len);
void nd_cable_free (nd_cable *cable);

/* The compartment holding position x (0..1) of a section (NEURON's rule: the
 * segment containing x; x = 1 is the last one). */
int nd_cable_node_at (const nd_cable *cable, int section, double x);
double nd_cable_total_area (const nd_cable *cable);
