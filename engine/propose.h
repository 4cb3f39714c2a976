/* propose.h: what to record next — the stimulus on which an ensemble's equally good models disagree most.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The kept members of an ensemble (ensemble.h) explain the recording
 * equally well; where their kinetics differ, some other recording tells
 * them apart. nd_propose simulates every member on a fixed set of
 * protocols an amplifier applies (current clamp: steps, step pairs, ramps,
 * a hyperpolarising prepulse then a step, noise; voltage clamp: steps from a
 * holding potential, a prepulse then a step, step pairs) and ranks them by
 * the members' disagreement (nd_propose_disagreement). Every protocol lasts
 * ND_PROPOSE_MS, so the scores compare recordings of one length.
 *
 * Current-clamp amplitudes are scaled to the cell: steps and ramps in
 * fractions of the largest current of the training data (which the fit
 * shows the cell neither silent nor saturated at), prepulses as the
 * current that holds the members (their mean) at -80, -90 or -100 mV.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "model.h"

#define ND_PROPOSE_MS 400.0
#define ND_PROPOSE_LEAD_MS 50.0     /* at the base level before every protocol */
#define ND_PROPOSE_MAX_CANDIDATES 64

typedef enum { ND_PROPOSE_CC = 1, ND_PROPOSE_VC = 2 } nd_propose_mode;

typedef enum {
  ND_PROTO_STEP,       /* base, then `level` for level_ms, then base */
  ND_PROTO_PAIR,       /* two pulses of `level` for level_ms each, gap_ms apart (at `pre`) */
  ND_PROTO_RAMP,       /* from base to `level` over level_ms, then base */
  ND_PROTO_PREPULSE,   /* `pre` for pre_ms, then `level` for level_ms, then base */
  ND_PROTO_NOISE,      /* noise of mean `level`, s.d. noise_sd, correlation time noise_tau_ms for level_ms */
} nd_proto_kind;

/* One protocol in the amplifier's terms: current clamp in pA, voltage clamp
 * in mV (base: the holding potential); times in ms. */
typedef struct {
  nd_propose_mode mode;
  nd_proto_kind kind;
  double base, pre, pre_ms, level, level_ms, gap_ms;
  double noise_sd, noise_tau_ms;
  double v_pre_mV;     /* current-clamp prepulse: the potential it holds the members at */
} nd_protocol;

typedef struct nd_propose_options {
  int modes;           /* ND_PROPOSE_CC and/or ND_PROPOSE_VC */
  double dt_ms;        /* sample interval of the proposed recording */
  double max_dt_ms;    /* largest integration step (<= 0: 0.025) */
  double i_ref_pA;     /* current clamp: the largest |current| of the training data (<= 0: from the model) */
  double noise_mV;     /* noise s.d. of V (current clamp); floored at 0.3 mV */
  double noise_pA;     /* noise s.d. of the clamp current (voltage clamp); floored at 1 pA */
  double v_hold_mV;    /* voltage clamp: holding potential (NaN: -70) */
  /* May be NULL. Asked before every candidate: true ends nd_propose early
   * (it then returns 0), e.g. when the window that asked has closed. */
  bool (*cancelled) (void *user);
  void *cancelled_user;
} nd_propose_options;

typedef struct {
  nd_protocol proto;
  double score;        /* nd_propose_disagreement of the members' traces */
  size_t n;            /* samples, dt_ms apart, from t = 0 */
  double dt_ms;
  double *stim;        /* n: injected current (pA) or command (mV) */
  int n_members;
  double *traces;      /* n_members * n: V (mV) or ionic current (pA, outward positive) */
} nd_proposal;

/* The members' disagreement on one protocol: the mean over its samples of
 * the variance across members (n - 1 in the denominator) over noise^2.
 * Why: adding a recording of n samples with Gaussian noise s.d. sigma
 * changes the log-likelihood gap between two members by sum (y1 - y2)^2 /
 * (2 sigma^2); the across-member variance is the mean of that over member
 * pairs (up to a factor), so the score says how many noise variances per
 * sample the recording would add to tell the equally good models apart. A
 * score below about 1/n says the noise hides the disagreement. Traces with
 * a non-finite value give NaN. */
double nd_propose_disagreement (const double *traces, int n_members, size_t n, double noise);

/* The noise s.d. the scores of protocols in `mode` are measured in: the options' noise_mV (current clamp)
 * or noise_pA (voltage clamp), floored at 0.3 mV or 1 pA. */
double nd_propose_noise (const nd_propose_options *o, nd_propose_mode mode);

/* The candidate protocols for the members (their count, at most
 * ND_PROPOSE_MAX_CANDIDATES); the members are simulated only to find the
 * currents that hold them at the prepulse potentials. */
int nd_propose_candidates (nd_model *const *members, int n_members, const nd_propose_options *o,
                           nd_protocol *out);

/* The stimulus of a protocol, n samples dt_ms apart (noise: the same
 * waveform for the same protocol and dt_ms, from a fixed seed). */
void nd_protocol_render (const nd_protocol *p, double dt_ms, size_t n, double *stim);

/* Ranks every candidate by the members' disagreement and keeps the best
 * max_out in out (highest first; the caller clears each); returns how many,
 * or -1 when fewer than two members are given, 0 when cancelled. Candidates on which a member
 * blows up are left out. */
int nd_propose (nd_model *const *members, int n_members, const nd_propose_options *o, int max_out,
                nd_proposal *out);
void nd_proposal_clear (nd_proposal *p);

/* Whether the noise hides the members' disagreement on p even summed over its samples (a score below 1/n,
 * nd_propose_disagreement): the recording would have to be repeated to tell them apart. */
bool nd_proposal_hidden_by_noise (const nd_proposal *p);
