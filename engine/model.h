/* model.h: a single compartment with known channels and learned slots.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * C dV/dt = I_inj - sum_c I_c. A channel is one of
 *  - known: a kind from the channel library, I = gbar prod x_k^p_k (V - E);
 *  - learned: the same current form with one or two gates whose x_inf(V) and
 *    tau(V) come from an MLP each (learned-gate.h);
 *  - free: an MLP of (V, z_1..z_N), z-scored, returning the current and dz/dt
 *    of N latent states.
 * Every number a fit may change (gbar, E, network weights) lives in one flat
 * vector `params`, described by a table of blocks with bounds and a trainable
 * flag, so an optimiser is one loop over one array.
 *
 * In the time loop a learned gate is evaluated through a table of its network
 * outputs (a, log tau) on a uniform V grid with Catmull-Rom interpolation
 * (C1, third order), filled lazily node by node; the model *is* this
 * interpolant, so gradients are exact for it. The tables depend on params:
 * call nd_model_params_changed() after writing to params.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "channel.h"
#include "learned-gate.h"
#include "mlp.h"

#define ND_MAX_LEARNED_GATES 2
#define ND_MAX_LATENTS 8
#define ND_NAME_LEN 32

typedef enum {
  ND_CHANNEL_KNOWN,
  ND_CHANNEL_LEARNED,
  ND_CHANNEL_FREE,
} nd_channel_slot;

typedef enum {
  ND_PARAM_GBAR,
  ND_PARAM_E,
  ND_PARAM_GATE_MLP,
  ND_PARAM_FREE_MLP,
  ND_PARAM_POWER,       /* exponent of a learned gate (real, 1..8) */
  ND_PARAM_FREE_INIT,   /* latent states of a free learned current at t = 0 */
  ND_PARAM_VSHIFT,      /* offset (mV) of a known channel's kinetics: its gates see V - shift */
  ND_PARAM_GATE_PRIOR,  /* a learned gate's Boltzmann prior: slope (1/mV), v_half (mV), log tau (ms) */
  ND_PARAM_VSHIFT_INACT, /* a further offset (mV) of a known channel's inactivation gates only */
} nd_param_kind;

typedef struct {
  char name[2 * ND_NAME_LEN];   /* "K.gbar", "K.n.weights" */
  nd_param_kind kind;
  int channel;
  int gate;                     /* learned gate index, or -1 */
  size_t offset, count;         /* slice of params */
  double lo, hi;                /* bounds of every element */
  bool trainable;
} nd_param_block;

/* Lazily filled interpolation table of one learned gate. */
typedef struct {
  double *a, *logtau;           /* network head outputs at the nodes */
  unsigned char *ready;
  double *ga, *glogtau;         /* adjoint accumulators at the nodes */
} nd_gate_table;

typedef struct {
  char name[ND_NAME_LEN];
  int power;                    /* initial exponent; the value in use is params[block_power] */
  nd_learned_gate net;          /* shape and head */
  int block;                    /* its weights' block */
  int block_power;              /* its exponent's block (fixed unless made trainable) */
  /* The network's outputs are added to a prior: logit x_inf = slope (V -
   * v_half) + a(V), log tau = log tau0 + b(V). All zero (the default), the
   * gate is the network alone; a real recording's fit sets it from its
   * search (fit-search.h) and zeroes the network's output layer, so the
   * gate starts as that Boltzmann gate and the network learns what differs. */
  int block_prior;
  nd_gate_table table;
  /* The range of the curves over an ensemble of fits (gate-band.h), or NULL. */
  struct nd_gate_band *band;
} nd_learned_gate_slot;

typedef struct {
  nd_channel_slot slot;
  char name[ND_NAME_LEN];       /* kind's type for known channels, the user's name otherwise */
  const nd_channel_kind *kind;  /* known channels only */
  int n_gates;
  int power[ND_MAX_GATES];      /* known channels' exponents */
  nd_learned_gate_slot learned[ND_MAX_LEARNED_GATES];
  int block_gbar, block_e;      /* conductance channels */
  int block_vshift;             /* known channels with gates, else -1 */
  int block_hshift;             /* known channels with an inactivation gate, else -1 */
  /* free learned current */
  int n_latent;
  nd_mlp_shape free_shape;
  int block_free;
  int block_z0;                 /* initial latent states (-1 without latents) */
  double v_mean, v_std;         /* z-scoring of V */
  double z_mean[ND_MAX_LATENTS], z_std[ND_MAX_LATENTS];
  double i_scale;               /* uA/cm2 per network output unit */
  /* Leak of the latents towards z_mean, dz/dt = net - (z - z_mean)/z_leak_ms
   * (0: none). With a bounded network it bounds the latents, so a free run
   * longer than the training sweeps cannot drift away. */
  double z_leak_ms;
  /* Rest anchor: the network's output at (v_anchor, z_mean) is subtracted,
   * so there the current is 0 and the latents stay put, and the initial
   * latents are z_mean. A reduced cell at rest sends no axial current. */
  bool anchored;
  double v_anchor;
  bool anchor_ready;                            /* anchor_out is current */
  double anchor_out[1 + ND_MAX_LATENTS];
  double anchor_gout[1 + ND_MAX_LATENTS];       /* adjoint accumulator */
  int state_off;                /* first of this channel's states in the state vector */
} nd_channel;

typedef struct {
  double cm;                    /* uF/cm2 */
  double area_um2;
  double v_init;                /* mV */
  double celsius;
  /* Before sample 0 every simulation integrates this long (ms) under the
   * first sample's current from the initial state, so a trace starts from
   * the model's own rest (or its state under a holding current) as a
   * recorded sweep starts from the cell's: without it a model whose rest is
   * not exactly v_init drifts there in the first hundred milliseconds of
   * every sweep. 0 (the default): start at v_init with gates at x_inf. */
  double settle_ms;
  int n_channels;
  nd_channel *channels;
  int n_state;                  /* V, then every gate / latent */
  size_t n_params;
  double *params;
  int n_blocks;
  nd_param_block *blocks;
  /* table grid of learned gates */
  double grid_lo, grid_h;
  int grid_n;
  size_t cache_doubles;         /* scratch for one network pass */
  double *scratch;
  /* The settling runs of the present parameters (integrator.c), while a fit
   * asks for it (nd_model_settle_memo); NULL otherwise and in a copy. */
  struct nd_settle_memo *settle_memo;
} nd_model;

nd_model *nd_model_new (double cm, double area_um2, double v_init, double celsius);
void nd_model_free (nd_model *m);
nd_model *nd_model_copy (const nd_model *m);
/* Whether simulations remember their settling phase (settle_ms) for the
 * present parameters: sweeps that start under the same current then settle
 * once, and a gradient reuses the forward run's states. The results are the
 * same bit for bit; a fit turns it on for its duration. Costs
 * (settle steps + 1) x n_state doubles per distinct first current. */
void nd_model_settle_memo (nd_model *m, bool on);

/* Each returns the channel index, or -1 on bad arguments. */
int nd_model_add_known (nd_model *m, const nd_channel_kind *kind, double gbar, double e);
int nd_model_add_learned (nd_model *m, const char *name, double gbar, double e, int n_gates,
                          const char *const *gate_names, const int *powers,
                          const nd_learned_gate *net);
int nd_model_add_free (nd_model *m, const char *name, int n_latent, const nd_mlp_shape *shape,
                       double v_mean, double v_std, const double *z_mean, const double *z_std,
                       double i_scale);

/* Anchors free current c at rest (see nd_channel): fixes its initial
 * latents at z_mean (no longer trained). Returns false if c is no free
 * current or v_mV is not finite. */
bool nd_model_anchor_free (nd_model *m, int c, double v_mV);

/* Small normal initialisation of every network, deterministic in seed. */
void nd_model_init_networks (nd_model *m, uint64_t seed, double scale);
/* Must follow any change of params (drops the learned gates' tables). */
void nd_model_params_changed (nd_model *m);
/* Clamps every parameter into its block's bounds. */
void nd_model_clamp (nd_model *m);
int nd_model_find_block (const nd_model *m, int channel, nd_param_kind kind, int gate);
/* The first learned channel of m, or -1 (also for m NULL). */
int nd_model_learned_channel (const nd_model *m);
/* Number of trainable parameters. */
size_t nd_model_n_trainable (const nd_model *m);

/* The prior of learned gate g of channel c (see nd_learned_gate_slot). */
enum { ND_PRIOR_SLOPE, ND_PRIOR_V_HALF, ND_PRIOR_LOG_TAU, ND_PRIOR_N };
double *nd_model_gate_prior (nd_model *m, int c, int g);
/* Zeroes the output layer of learned gate g's network: the gate is its
 * prior alone until a fit trains the network. */
void nd_model_gate_zero_output (nd_model *m, int c, int g);

/* Steady-state initial state at v_init (n_state doubles). */
void nd_model_initial_state (nd_model *m, double *y);

/* Offset (mV) of known channel c's kinetics (0 for other channels). */
double nd_model_v_shift (const nd_model *m, int c);
/* The further offset of known channel c's inactivation gates (0 without one). */
double nd_model_inact_shift (const nd_model *m, int c);
/* The potential known channel c's gate g sees at membrane potential v:
 * v - v_shift, and - inact_shift too for an inactivation gate. */
double nd_model_gate_v (const nd_model *m, int c, int g, double v);
#define ND_VSHIFT_MAX_MV 30.0
#define ND_GBAR_MAX 10000.0   /* mS/cm2: a few S/cm2 is the most any membrane has */
/* The membranes a model may have: specific capacitance (µF/cm²; cells have
 * about 1) and area (µm²: from a small bleb to a whole squid axon). */
#define ND_CM_MIN 0.01
#define ND_CM_MAX 100.0
#define ND_AREA_MIN_UM2 1.0
#define ND_AREA_MAX_UM2 1e8

/* Exponent of gate g of channel c (a learned gate's may be a fitted real number). */
double nd_model_gate_power (const nd_model *m, int c, int g);
/* Rates of gate g of channel c at V, as the time loop sees them. */
void nd_model_gate_rates (nd_model *m, int c, int g, double v, nd_gate_rates *out);
/* Sets the reversal potential of leak channel c (a known channel without
 * gates) so the model's steady-state current at v_rest is zero: the model
 * rests at v_rest (if that rest is stable). Clamped to the block's bounds;
 * returns how far (mV) the clamp left it from the balance, or NAN when c is
 * no leak or its conductance is 0. */
double nd_model_balance_leak (nd_model *m, int c, double v_rest);

/* Ionic current density sum_c I_c (uA/cm2) in state y. */
double nd_model_ionic_current (nd_model *m, const double *y);
