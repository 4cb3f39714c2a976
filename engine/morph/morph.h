/* morph.h: a morphology as NEURON builds it from an SWC file.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Sections (unbranched cables) follow NEURON 8.2's Import3d SWC reader
 * (read_swc.hoc, import3d_gui.hoc), so that a cell built here has the same
 * sections, 3-D points and connections as in NEURON:
 * - a section ends at a branch point, a leaf, a change of SWC type, or where
 *   a point's only child is not the next point in id order;
 * - every non-root section starts with its parent's point; where the parent
 *   is a soma point and the section is not soma, that first diameter is the
 *   section's own first diameter;
 * - a one-point soma becomes a 3-point cylinder along x with length = diameter
 *   (area 4 pi r^2); its children attach at soma(0.5) "by wire" (their first
 *   3-D point is their own first sample, not the soma centre), unless they
 *   have a single sample;
 * - NeuroMorpho.org's 3-point soma (centre plus two points one radius away,
 *   equal diameters) is a sphere, like a one-point soma;
 * - sections that attach to the first point of the root attach at 0;
 * - one-point and zero-length two-point sections are removed and their
 *   children reattached (NEURON's chk_valid);
 * - 3-D coordinates and diameters are rounded to single precision, as NEURON
 *   stores them.
 */
#pragma once

#include "swc.h"

typedef struct {
  int type;            /* SWC type of the section's points */
  nd_region region;
  int parent;          /* section index, -1 for the root (soma) */
  double parent_x;     /* where on the parent it attaches: 0, 0.5 or 1 */
  int n_points;
  double *x, *y, *z, *diam;   /* 3-D points, um */
  double *arc;                /* path length from the first point, um */
  double length;              /* = arc[n_points - 1] */
  int type_index;             /* NEURON's array index within its type: dend[type_index] */
} nd_section;

typedef struct {
  nd_section *sections;   /* parents before children; sections[0] is the soma root */
  int n_sections;
} nd_morph;

nd_morph *nd_morph_from_swc (const nd_swc *swc, char *err, size_t err_len);
void nd_morph_free (nd_morph *morph);

/* NEURON's name of a section: "soma[0]", "axon[3]", "dend[12]", "apic[5]",
 * "dend_7[0]" for SWC type 7. */
void nd_section_name (const nd_section *sec, char *buf, size_t len);
/* The section called `name` ("apic[5]"; "soma" alone means soma[0]), or -1. */
int nd_morph_find_section (const nd_morph *morph, const char *name);

/* Lateral surface (um2) of the section between arc positions a and b (um),
 * summed over its frusta with diameters interpolated at a and b. */
double nd_section_area (const nd_section *sec, double a, double b);
/* Axial resistance (MOhm) between arc positions a and b for Ra in Ohm cm:
 * each frustum contributes 4 Ra l / (pi d1 d2), its exact integral. */
double nd_section_resistance (const nd_section *sec, double a, double b, double ra_ohm_cm);
/* NEURON's lambda_f(freq): the AC length constant (um) over the section's
 * 3-D points, for cm in uF/cm2 and Ra in Ohm cm. */
double nd_section_lambda_f (const nd_section *sec, double freq_hz, double ra_ohm_cm, double cm_uF_cm2);
/* NEURON's d_lambda rule: nseg = int((L / (d_lambda lambda_f) + 0.9) / 2) * 2 + 1,
 * at most ND_MAX_NSEG. */
#define ND_MAX_NSEG 100001
int nd_section_nseg_d_lambda (const nd_section *sec, double d_lambda, double freq_hz,
                              double ra_ohm_cm, double cm_uF_cm2);
