/* explore.h: live experiments on one compartment, for teaching (stimulus protocols, current and
 * voltage clamp, drugs, temperature, f-I and I-V curves, phase plane).
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything starts from a base model (the classic HH compartment or the model builder's) and a set
 * of parameters. nd_explore_prepare() copies the model and applies the teaching modifiers to the copy
 * (blocked channels get gbar 0, conductances scaled, reversal potentials set or computed by Nernst,
 * temperature), so a run never changes the base and runs on different threads do not share state.
 *
 * Time stepping is the integrator's scheme (integrator.h): gates by exponential Euler at the old V,
 * V by backward Euler. Under voltage clamp V follows the command exactly, held over each interval,
 * so the gates' exponential update is the exact solution for a step and the clamp current is the
 * total ionic current (an ideal clamp with the capacitive transient subtracted, as in Hodgkin and
 * Huxley's figures).
 *
 * Units: mV, ms, uA/cm2 (current densities), mS/cm2, degrees Celsius.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "model.h"

#define ND_EXPLORE_MAX_CHANNELS 16
#define ND_EXPLORE_MAX_GATES (ND_EXPLORE_MAX_CHANNELS * ND_MAX_GATES)

typedef enum {
  ND_EXPLORE_CURRENT_CLAMP,
  ND_EXPLORE_VOLTAGE_CLAMP,
} nd_clamp_mode;

typedef enum {
  ND_PROTOCOL_STEP,   /* one step of `amplitude` from `delay` for `width` */
  ND_PROTOCOL_PAIR,   /* two pulses of `width`, onsets `interval` apart */
  ND_PROTOCOL_TRAIN,  /* `n_pulses` pulses of `width`, onsets `interval` apart */
  ND_PROTOCOL_RAMP,   /* linear from `offset` to `offset + amplitude` over `width`, then off */
  ND_PROTOCOL_NOISE,  /* Ornstein-Uhlenbeck noise of `noise_sd` around `amplitude` during the step */
  ND_N_PROTOCOLS,
} nd_protocol;

/* Drugs, by the name a teacher uses; each blocks the channels whose kind names it as blocker. */
typedef enum {
  ND_DRUG_TTX = 1 << 0,    /* sodium channels */
  ND_DRUG_TEA = 1 << 1,    /* delayed-rectifier potassium channels */
  ND_DRUG_ZD7288 = 1 << 2, /* HCN (Ih) channels */
} nd_drug;

typedef struct {
  nd_clamp_mode clamp;
  nd_protocol protocol;
  double t_stop;          /* ms */
  double dt;              /* ms */
  /* Current clamp (uA/cm2) */
  double offset;          /* held throughout (a bias current) */
  double amplitude;       /* added during the stimulus */
  double delay, width;    /* ms: onset and duration of the step, pulses or ramp */
  double interval;        /* ms between pulse onsets (pair, train) */
  int n_pulses;           /* train */
  double noise_sd;        /* uA/cm2 */
  double noise_tau;       /* ms, correlation time of the noise */
  unsigned long seed;
  /* Voltage clamp (mV); the step uses delay and width */
  double v_hold, v_step;
  /* Teaching modifiers */
  double celsius;
  unsigned drugs;         /* nd_drug flags */
  double gbar_scale[ND_EXPLORE_MAX_CHANNELS]; /* factor on each channel's conductance */
  double e_rev[ND_EXPLORE_MAX_CHANNELS];      /* mV, or NAN for the model's own */
  bool nernst;            /* sodium and potassium reversal potentials from the concentrations */
  double na_out, na_in, k_out, k_in;          /* mM */
  /* Curves computed on request */
  double fi_lo, fi_hi;    /* uA/cm2 */
  int fi_points;
  double fi_duration;     /* ms of each step */
  double iv_lo, iv_hi;    /* mV */
  int iv_points;
} nd_explore_params;

/* The classic Hodgkin-Huxley compartment (squid axon at 6.3 C, rest -65 mV): 1 uF/cm2, gNa 120,
 * gK 36, gL 0.3 mS/cm2, E 50, -77, -54.387 mV. Free it with nd_model_free. */
nd_model *nd_explore_classic_hh (void);

/* Defaults: current clamp, a 10 uA/cm2 step from 10 to 160 ms in 200 ms at dt 0.025 ms, 6.3 C,
 * nothing blocked, squid axon concentrations. */
void nd_explore_params_init (nd_explore_params *p);

/* Checks ranges; returns NULL when usable, else a short English description of the first problem. */
const char *nd_explore_params_check (const nd_explore_params *p);

/* Number of samples of a run: t_stop / dt + 1. */
size_t nd_explore_n_samples (const nd_explore_params *p);

/* The command of every sample (uA/cm2 in current clamp, mV in voltage clamp) into out[n]. */
void nd_explore_command (const nd_explore_params *p, size_t n, double *out);

/* The effective reversal potential of channel c (mV) under p. */
double nd_explore_reversal (const nd_model *base, int c, const nd_explore_params *p);
/* Whether p's drugs block channel c. */
bool nd_explore_blocked (const nd_model *base, int c, const nd_explore_params *p);

/* A copy of `base` with the modifiers of p applied (free it with nd_model_free), or NULL if the
 * model has more than ND_EXPLORE_MAX_CHANNELS channels. */
nd_model *nd_explore_prepare (const nd_model *base, const nd_explore_params *p);

/* Gates of a model with conductance-based channels, in state order. */
typedef struct {
  int n;
  int channel[ND_EXPLORE_MAX_GATES];
  int gate[ND_EXPLORE_MAX_GATES];
  int state[ND_EXPLORE_MAX_GATES];   /* index in the state vector */
} nd_explore_gates;
void nd_explore_list_gates (const nd_model *m, nd_explore_gates *out);

/* One run, every trace sampled every dt from t = 0. */
typedef struct {
  size_t n;
  double dt;
  nd_clamp_mode clamp;
  int n_channels;
  nd_explore_gates gates;
  double *command;                     /* uA/cm2 (current clamp) or mV (voltage clamp) */
  double *v;                           /* mV */
  double *i_clamp;                     /* uA/cm2 the clamp injects (current clamp: the command) */
  double *gate[ND_EXPLORE_MAX_GATES];  /* each gate's open fraction */
  double *current[ND_EXPLORE_MAX_CHANNELS]; /* each channel's current, uA/cm2 (outward positive) */
  size_t n_spikes;
  double *spike_t;                     /* ms */
} nd_explore_trace;

/* Runs the experiment; NULL on bad parameters or a model with too many channels. */
nd_explore_trace *nd_explore_run (const nd_model *base, const nd_explore_params *p);
/* Same on an already prepared model (the copy from nd_explore_prepare), which it may change. */
nd_explore_trace *nd_explore_run_prepared (nd_model *m, const nd_explore_params *p);
void nd_explore_trace_free (nd_explore_trace *t);


/* Progress of a long computation: fraction done; return false to cancel. */
typedef bool (*nd_explore_progress_fn) (void *data, double fraction);

/* f-I curve: steady firing rate (Hz) for fi_points currents from fi_lo to fi_hi, each a step of
 * fi_duration ms from rest (current clamp; the protocol of p is ignored). The rate is the inverse
 * mean interval of the spikes in the second half of the step (0 with fewer than two there).
 * Returns the number of points computed (fewer when cancelled). */
int nd_explore_fi_curve (const nd_model *base, const nd_explore_params *p, double *current, double *rate,
                         nd_explore_progress_fn progress, void *data);

/* The smallest current (to tol) in [lo, hi] that gives steady firing by the f-I curve's measure,
 * by bisection; NAN unless the cell is silent at lo and fires at hi. */
double nd_explore_fi_onset (const nd_model *base, const nd_explore_params *p, double lo, double hi, double tol);

/* I-V curve under voltage clamp: from v_hold, a step of `width` ms (at most 100) to each of
 * iv_points potentials from iv_lo to iv_hi. `late` is the total current at the end of the step and
 * peak[c * iv_points + i] the current of channel c of largest magnitude during step i (the transient
 * peak of an inactivating current, the steady value of a non-inactivating one), in uA/cm2 (peak
 * needs base->n_channels * iv_points doubles). Returns the number of points computed. */
int nd_explore_iv_curve (const nd_model *base, const nd_explore_params *p, double *v, double *late,
                         double *peak, nd_explore_progress_fn progress, void *data);

/* Phase plane of V against gate k (index into nd_explore_list_gates of the prepared model), with
 * the other gates at steady state: for each of n potentials from v_lo to v_hi, the gate nullcline
 * x_inf(V) and the V nullcline, the value of the gate at which dV/dt = 0 with injected current
 * i_inj (NAN where none lies in [0, 1]). `m` is a prepared model. */
void nd_explore_nullclines (nd_model *m, int k, double i_inj, double v_lo, double v_hi, int n, double *v,
                            double *x_gate, double *x_v);

/* Steady state and time constant of gate k of a prepared model at n potentials. */
void nd_explore_kinetics (nd_model *m, int k, const double *v, int n, double *x_inf, double *tau);
