/* reduce.h: a multicompartment cell reduced to its soma plus a learned current.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Beck et al. (2026), experiment 3: the full cell is simulated under the
 * user's stimuli; the reduced model is the soma compartment (its area, cm and
 * channels) plus a free learned current, an MLP of (V, z_1..z_N) giving the
 * current and dz/dt of N latent states, fitted to the soma voltage. The
 * current it must learn is the axial current the soma sends into the rest of
 * the cell, which the full simulation records for comparison.
 */
#pragma once

#include <stdatomic.h>
#include <stddef.h>

#include "fit.h"
#include "model.h"
#include "morph/morph-sim.h"

/* One stimulus sweep and what the full cell did under it. */
typedef struct {
  size_t n;             /* samples */
  double dt_ms;         /* sample interval */
  const double *i_pA;   /* stimulus, held over each sample interval */
  double *v_mV;         /* soma voltage at the samples (n, filled by nd_morph_record) */
  double *i_axial_pA;   /* soma axial current at the samples (n, filled), or NULL: not wanted */
} nd_morph_trace;

/* Simulates the full cell for one sweep from rest (integration steps of at
 * most max_dt_ms); returns 0, or -1 if the simulation diverged. */
int nd_morph_record (const nd_cable *cable, const nd_membrane *membrane, double v_init_mV,
                     int stim_node, double max_dt_ms, nd_morph_trace *trace);
/* The same, checking *cancel (may be NULL) at every sample, so a large cell
 * stops at once when a window closes (returns -2 then), and adding the
 * samples simulated to *done (may be NULL) as it goes, for a progress bar. */
int nd_morph_record_ctl (const nd_cable *cable, const nd_membrane *membrane, double v_init_mV,
                         int stim_node, double max_dt_ms, nd_morph_trace *trace,
                         const atomic_int *cancel, atomic_int *done);

/* Integration steps per sample interval for a largest step max_dt_ms. */
int nd_morph_substeps (double dt_sample_ms, double max_dt_ms);

typedef struct {
  int n_latent;         /* latent states of the learned current (0..ND_MAX_LATENTS) */
  int width, depth;     /* MLP hidden layers */
  double z_leak_ms;     /* leak of the latents (0: none), see model.h */
  bool free_at_rest;    /* no rest anchor (model.h): the current may be nonzero at rest */
} nd_reduce_shape;

/* Defaults of a reduction, measured on the shipped CA1 cell and its stimuli
 * (data/cells/README.md): 4 latents with a 10 ms leak, MLP 32x2. */
#define ND_REDUCE_LATENTS 4
#define ND_REDUCE_Z_LEAK_MS 10.0

/* The fit schedule of a reduction (used by `neurode-cli reduce` and the
 * window): see reduce.c for why. */
void nd_reduce_fit_options_default (nd_fit_options *o);


/* Scales of the learned current's input (V) and output (uA/cm2 at the soma),
 * accumulated over the training sweeps' soma voltage and axial current. */
typedef struct {
  double v_sum, v_sq, i_sq, count;
} nd_reduce_scales;

void nd_reduce_scales_add (nd_reduce_scales *s, const double *v_mV, const double *i_axial_pA, size_t n,
                           double soma_area_um2);
/* Mean and s.d. of V (s.d. at least 1 mV) and the RMS axial current density
 * (at least 1 uA/cm2), as nd_reduced_model_new takes them. */
void nd_reduce_scales_get (const nd_reduce_scales *s, double *v_mean, double *v_std, double *i_scale);

/* The soma model plus a free learned current named "axial"; V is z-scored
 * with v_mean/v_std and the network's current unit is i_scale uA/cm2.
 * NULL on bad arguments. */
nd_model *nd_reduced_model_new (const nd_cable *cable, const nd_membrane *membrane, double v_init_mV,
                                const nd_reduce_shape *shape, double v_mean, double v_std, double i_scale);

/* Free run of the reduced model for one sweep (stimulus i_pA, n samples of
 * dt_ms, n_sub steps each): V (mV) and the learned current (pA, outward
 * positive like the axial current) at the samples. */
void nd_reduced_run (nd_model *m, size_t n, double dt_ms, int n_sub, const double *i_pA,
                     double *v_mV, double *i_learned_pA);
