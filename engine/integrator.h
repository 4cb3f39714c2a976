/* integrator.h: fixed-step integration of a model and its discrete adjoint.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One step of length dt from state y (V, gates, latents) with injected
 * current density I (uA/cm2), as NEURON and Jaxley do it:
 *  1. gates by exponential Euler at the old V:
 *       x' = x_inf(V) + (x - x_inf(V)) exp(-dt / tau(V))   (x' = x_inf(V) if tau = 0);
 *     latents of free currents by explicit Euler: z' = z + dt f(V, z);
 *  2. V by backward Euler with the new gates; the conductance currents are
 *     linear in V, so the implicit step is solved exactly:
 *       C (V' - V)/dt = I - sum_c g_c(x') (V' - E_c) - I_free(V, z).
 * First order in dt. A trace of n samples dt_sample apart is integrated with
 * n_sub steps per sample interval; the injected current of sample j is held
 * over [t_j, t_j+1) (zero-order hold, as a DAC plays it).
 *
 * Voltage forcing: with v_force set, V is pulled to the recording at every
 * sample, V := V + force (v_force_j - V), before the interval is integrated
 * (force 1: one-step-ahead prediction from the recorded V; 0: free run), or
 * only every force_every samples (multiple shooting with that horizon). The
 * model's output at sample j is V before this pull.
 *
 * Voltage clamp (v_clamp set): an ideal clamp, V is the command potential
 * of each sample, held over its interval; the gates (and latents) step as
 * above under it, and the model's output at sample j is the membrane's
 * ionic current density sum_c I_c (uA/cm2, outward positive) in the
 * sample's state at the sample's command: the recorded current with the
 * capacitive transient left out, as after P/N subtraction. The gates start
 * at their steady state at the first command sample (the holding
 * potential, as in a cell held there), and the settling phase holds it.
 *
 * nd_loss_gradient() returns the loss and its exact gradient for this
 * discrete scheme (reverse mode through every step, the discrete adjoint),
 * with checkpointing so memory grows as sqrt(n) for long traces.
 */
#pragma once

#include <stdatomic.h>
#include <stddef.h>

#include "model.h"

typedef struct {
  size_t n;              /* samples (>= 1) */
  double dt_sample;      /* ms between samples */
  int n_sub;             /* integration steps per sample interval (>= 1) */
  const double *i_inj;   /* uA/cm2 at each sample */
  const double *v_force; /* recorded V (mV) per sample, or NULL */
  double force;          /* 0..1 */
  int force_every;       /* pull only at samples j with j % force_every == 0 (0 or 1: every sample) */
  size_t checkpoint_every; /* samples per checkpoint segment; 0: automatic */
  /* Voltage clamp: the command potential (mV) per sample, or NULL for
   * current clamp. With it i_inj and v_force are not used, and the output
   * of nd_simulate/nd_loss_gradient is the ionic current (uA/cm2). */
  const double *v_clamp;
  /* When not NULL and set: the run is abandoned (a closed window's fit, fit-worker.h); the rest of the
   * trace is NaN, so losses are NaN and no gradient is taken. Checked every 64 samples. */
  const atomic_int *abort;
} nd_drive;

/* What the output is compared with: in current clamp v_obs, in voltage
 * clamp i_obs, in units of i_unit (the loss is then dimensionless). */
typedef struct {
  const double *v_obs;   /* current clamp: recorded V, mV per sample */
  const double *weight;  /* per sample (window/sweep selection), or NULL for all 1 */
  double dvdt_weight;    /* weight of the dV/dt MSE term (ms^2 units folded in), 0 to skip */
  /* Further terms that depend on the whole trace (window statistics of a
   * spiking recording, fit.c), or NULL: returns their loss and adds dL/dV_j
   * into dl (when not NULL). */
  double (*trace_loss) (const double *v, size_t n, double dt_sample, double *dl, void *user);
  void *trace_loss_user;
  /* Voltage clamp: the recorded membrane current (uA/cm2, outward
   * positive) per sample, and the current (uA/cm2) that counts as one unit
   * of the loss (0: 1). dvdt_weight and trace_loss are not used. */
  const double *i_obs;
  double i_unit;
} nd_loss_spec;

/* What a simulation accepts and gives (issue 15: no number may overflow the
 * step count, run for ever or come back as NaN or a non-physical trace):
 * the largest step a user may ask for, the widest sample interval of a
 * stimulus, the most integration steps of one sweep (a few minutes of a core
 * for a small model), the largest injected current, and the voltages a
 * membrane can reach. */
#define ND_DT_MIN_MS 1e-4
#define ND_DT_MAX_MS 1.0
#define ND_SAMPLE_DT_MAX_MS 1000.0
#define ND_MAX_STEPS 2e8
#define ND_CURRENT_MAX_PA 1e6          /* 1 µA: far above any patch-clamp amplifier's current clamp */
#define ND_V_PHYSICAL_MV 1000.0

/* Steps per sample interval: dt_sample split into steps of at most max_dt;
 * 0 when either is outside its range above or n samples would take more
 * than ND_MAX_STEPS steps. */
int nd_substeps (double dt_sample, double max_dt, size_t n);

/* The first sample of v[0..n) that is not finite or beyond ±ND_V_PHYSICAL_MV, or n. */
size_t nd_trace_unphysical (const double *v, size_t n);

/* One integration step y -> y_next (may alias). */
void nd_step (nd_model *m, const double *y, double dt, double i_inj, double *y_next);

/* Integrates from the model's initial state; writes V at every sample into
 * v_out (n doubles; in voltage clamp the ionic current density, uA/cm2)
 * and the final state into y_end (NULL to skip). */
void nd_simulate (nd_model *m, const nd_drive *d, double *v_out, double *y_end);
/* nd_simulate, also writing free learned current c (uA/cm2, outward
 * positive) at every sample into i_free (n doubles): the current of the
 * sample's state (after its pull, when the drive pulls). */
void nd_simulate_free (nd_model *m, const nd_drive *d, int c, double *v_out, double *i_free);

/* Loss of the trace against spec, with the gradient with respect to every
 * element of m->params added into grad (n_params doubles; NULL: loss only).
 * v_out (n doubles, may be NULL) receives the model's trace (in voltage
 * clamp its current, uA/cm2). Returns NaN if the simulation blew up. */
double nd_loss_gradient (nd_model *m, const nd_drive *d, const nd_loss_spec *spec,
                         double *v_out, double *grad);

/* Bytes nd_loss_gradient allocates for a trace of n samples. */
size_t nd_loss_gradient_memory (const nd_model *m, size_t n, int n_sub);

/* Loss only, from a trace (a current in voltage clamp: spec->i_obs set). */
double nd_loss_value (const nd_loss_spec *spec, size_t n, double dt_sample, const double *v);
