/* channel.h: ion channel kinds and their gates.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A channel carries I = gbar * prod_k x_k^p_k * (V - E) (uA/cm2 with gbar in
 * mS/cm2 and V, E in mV). Each gate follows dx/dt = (x_inf(V) - x) / tau(V).
 * A gate with tau == 0 is instantaneous (x = x_inf(V)).
 *
 * Rates are given with their derivatives with respect to V because the
 * discrete adjoint needs them. A kind is immutable and may be shared between
 * threads; per-instance data (e.g. a catalogue channel's tables) hangs off
 * `data`.
 */
#pragma once

#include <stdbool.h>

#define ND_MAX_GATES 3

typedef struct {
  double x_inf;   /* steady state, 0..1 */
  double tau;     /* time constant in ms (0: instantaneous gate) */
  double dx_inf;  /* d x_inf / dV, per mV */
  double dtau;    /* d tau / dV, ms per mV */
} nd_gate_rates;

typedef void (*nd_gate_rates_fn) (const void *data, double v_mV, double celsius,
                                  nd_gate_rates *out);

typedef struct {
  const char *name;        /* "m", "h", "n" */
  int power;               /* exponent p_k in the current */
  nd_gate_rates_fn rates;
  bool inactivation;       /* closes on depolarisation: also sees the channel's inactivation offset */
} nd_gate_kind;

typedef struct {
  const char *type;        /* file name of the kind: "hh_na", "pospischil_m", ... */
  const char *label;       /* short English name for people: "HH sodium (Na)" */
  const char *ion;         /* "na", "k", "ca", "h" (mixed cation) or "leak" */
  const char *blocker;     /* usual pharmacological blocker ("TTX", "TEA", "ZD7288") or NULL */
  const char *citation;    /* where the formulas come from */
  double gbar_default;     /* mS/cm2 */
  double e_default;        /* mV */
  int n_gates;
  nd_gate_kind gates[ND_MAX_GATES];
  const void *data;        /* passed to every rates function of the kind */
} nd_channel_kind;

/* The built-in library (NULL-terminated, in the order the model builder shows it). */
const nd_channel_kind *const *nd_channel_library (void);
const nd_channel_kind *nd_channel_lookup (const char *type);

/* Steady-state open fraction prod_k x_inf_k^p_k at V. */
double nd_channel_open_inf (const nd_channel_kind *kind, double v_mV, double celsius);
