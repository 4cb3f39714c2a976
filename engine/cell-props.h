/* cell-props.h: a cell's passive properties, spikes and rheobase from its current-step sweeps.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What an experimenter reads off a current-clamp step protocol before any
 * model: the resting potential, the input resistance, the membrane time
 * constant, the capacitance and the membrane area it implies, the sag of the
 * hyperpolarising steps, the rheobase and the spikes of every sweep. The
 * Recording view's Cell card, `neurode-cli passive` and the default choice of
 * training sweeps all read them from here.
 *
 * Methods (each chosen to survive real recordings, see docs/cell-properties.md):
 *  - The main step epoch is found from the injected current alone: the
 *    longest stretch where the sweeps' currents differ from each other (a
 *    protocol's varying step); with one sweep, or identical sweeps, the longest
 *    stretch away from the current at the start. Step amplitude = median
 *    current in the middle of the step minus the holding current before it.
 *  - Baseline of a sweep = median potential before the step, with every spike
 *    (0.5 ms before its onset to 3 ms after its peak) left out, so a cell that
 *    fires spontaneously still has a resting level. Resting potential = the
 *    median of the sweeps' baselines.
 *  - Steady state = mean potential over the last 15 % of the step (after any
 *    sag). Input resistance = slope of the least-squares line through the
 *    steady-state deflections (steady - baseline) against the step current of
 *    every hyperpolarising step without spikes, and the origin (no current, no
 *    deflection).
 *  - Time constant: V = v_inf + amp exp(-(t - t0)/tau) fitted by least squares
 *    (exact in v_inf and amp, golden-section search in log tau) from where the
 *    deflection passes 10 % of its peak (past the electrode's fast artefact) to
 *    the peak (before a sag pulls it back), on each hyperpolarising step used
 *    for the input resistance; tau_m is the median (of two middle ones, the
 *    smaller step's, which stirs the least h-current), and that sweep's curve
 *    is the one drawn.
 *  - No step protocol (no sweep has a step level: a chirp, a noise current):
 *    R_in and tau_m from a passive membrane fitted to every sweep
 *    (cell-rc.h), when it explains enough of the voltage.
 *  - A sine sweep: the impedance per cycle, the resonance frequency and Q
 *    (impedance.h).
 *  - Capacitance = tau_m / R_in unless a known one is given (amplifier
 *    telegraph, the user); area = C / specific capacitance.
 *  - Sag ratio of the most hyperpolarising step = (steady - peak) / (baseline
 *    - peak), peak = extreme of the 1 ms running mean: 0 without sag.
 *  - Sweep to sweep: the cell against itself where neighbouring sweeps get
 *    the same current (cell-repeat.h), the floor of any model's error.
 *  - Spikes: nd_spikes_find() (spikes.h) over the whole sweep; rheobase = the
 *    smallest non-negative step current whose step holds a spike (a
 *    hyperpolarising step that starts during spontaneous firing is no
 *    rheobase).
 * Potentials are corrected for the liquid-junction potential first:
 * V = V_recorded - ljp_mV.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* One recorded sweep: n samples dt_ms apart of the membrane potential and the injected current. */
typedef struct {
  const double *v_mV, *i_pA;
  size_t n;
  double dt_ms;
} nd_cell_sweep;

typedef struct {
  double cm_uF_per_cm2;   /* specific capacitance for the area (default 1.0) */
  double c_known_pF;      /* a capacitance known otherwise (header, user): used instead of tau/R; NAN: none */
  double ljp_mV;          /* liquid-junction potential subtracted from V (default 0) */
} nd_cell_options;

typedef enum {
  ND_CELL_OK = 0,
  ND_CELL_NO_SWEEPS,            /* nothing to measure */
  ND_CELL_NO_STEP,              /* the injected current never changes */
  ND_CELL_NO_BASELINE,          /* nothing recorded before the step */
  ND_CELL_NO_HYPERPOLARISING,   /* no usable hyperpolarising step: no R_in, tau, C, sag */
  ND_CELL_NO_MEMORY,
} nd_cell_status;

/* What one sweep shows. Times are from the sweep's first sample. */
typedef struct {
  double stimulus_pA;     /* step current relative to the holding current; NAN when the sweep is too short
                           * or its current is no step there (it wanders far more than the other sweeps') */
  double holding_pA;      /* current before the step */
  double baseline_mV;     /* level before the step, spikes left out; NAN without finite samples */
  double steady_mV;       /* mean over the last 15 % of the step */
  double peak_mV;         /* extreme of the 1 ms running mean in the step, towards the step's sign */
  double tau_ms;          /* charging-curve fit (hyperpolarising steps used for R_in), else NAN */
  bool used_for_r_in;
  size_t n_spikes;        /* in the whole sweep */
  size_t n_step_spikes;   /* with their peak inside the step */
  double *spike_times_ms; /* n_spikes peak times (owned) */
} nd_cell_sweep_props;

/* A fitted charging curve V(t) = v_inf_mV + amp_mV exp(-(t - t0_ms) / tau_ms), t0_ms <= t <= t1_ms. */
typedef struct {
  int sweep;              /* -1: none */
  double t0_ms, t1_ms, v_inf_mV, amp_mV, tau_ms;
} nd_cell_charge_curve;

typedef struct {
  double v_rest_mV, r_in_MOhm, tau_m_ms, c_m_pF, area_um2, sag_ratio, rheobase_pA;
  /* The lowest and highest baseline of the sweeps: far apart when the cell
   * carries one sweep into the next (nd_cell_props_baseline_drifts). */
  double v_base_lo_mV, v_base_hi_mV;
  int rheobase_sweep;     /* -1: no sweep spikes in its step */
  int sag_sweep;          /* the most hyperpolarising step, -1: none */
  bool c_known;           /* c_m_pF is the given capacitance, not tau/R */
  double step_start_ms, step_end_ms;   /* the main step epoch */
  int n_r_in_steps;       /* hyperpolarising steps behind R_in and tau */
  /* The current is no step protocol (a chirp, a noise current): R_in and
   * tau_m come from a passive membrane fitted to the whole recording
   * (cell-rc.h), which explains rc_r2 of the voltage's variance; no step
   * epoch (step_start_ms NAN), no rheobase, sag or charging curve. */
  bool rc_fit;
  double rc_r2;
  /* A sine sweep (impedance.h): the resonance frequency (0: none), Q, and
   * the impedance at the lowest and highest frequencies; NAN otherwise. */
  double resonance_Hz, resonance_q;
  double z_lo_MOhm, z_lo_Hz, z_hi_MOhm, z_hi_Hz;
  /* How closely the cell repeats itself where neighbouring sweeps get the
   * same current (cell-repeat.h): the median subthreshold RMSE of a sweep
   * against the next, the smallest and largest pair's; NAN without a pair. */
  double repeat_rmse_mV, repeat_lo_mV, repeat_hi_mV;
  int repeat_pairs;
  nd_cell_charge_curve charge;
  int n_sweeps;
  nd_cell_sweep_props *sweeps;   /* n_sweeps (owned) */
} nd_cell_props;

void nd_cell_options_default (nd_cell_options *o);

/* Measures n sweeps (o NULL: defaults). Fills out as far as the sweeps allow
 * (unmeasured values NAN) even when the status is not ND_CELL_OK; free it with
 * nd_cell_props_clear() in every case. */
nd_cell_status nd_cell_props_measure (const nd_cell_sweep *sweeps, int n, const nd_cell_options *o,
                                      nd_cell_props *out);
void nd_cell_props_clear (nd_cell_props *p);

/* Baselines further apart than this (mV) mean the cell was not at the same
 * rest when each sweep began: 17o05028's span 18.1 mV (-60.9 mV after the
 * strongest steps, -42.8 mV before), 190619B's 8.4 mV; File_axon_5's, which
 * the defaults fit within 2 mV below threshold, 2.8 mV. */
#define ND_CELL_BASELINE_DRIFT_MV 5.0

/* True when the sweeps' baselines span more than ND_CELL_BASELINE_DRIFT_MV:
 * a model, which starts every sweep from the same rest, cannot follow them. */
bool nd_cell_props_baseline_drifts (const nd_cell_props *p);

/* Where living neurons rest (mV). A resting potential outside it is most
 * often an offset (the amplifier's zero, a junction potential corrected
 * twice) or no neuron at all: pyABF's 2020_03_02_0000 "rests" at -3.4 mV and
 * answers -200 ... +550 pA linearly with 503 MOhm, a model cell. */
#define ND_CELL_REST_MIN_MV -110.0
#define ND_CELL_REST_MAX_MV -30.0

/* True when the resting potential is measured and outside that range. */
bool nd_cell_props_rest_unusual (const nd_cell_props *p);

/* English text of a status (the I/O layer translates its own). */
const char *nd_cell_status_text (nd_cell_status s);

/* The value of the charging curve at t_ms. */
double nd_cell_charge_curve_at (const nd_cell_charge_curve *c, double t_ms);

/* Training sweeps for a fit, spread over the protocol: the most
 * hyperpolarising step, the rheobase sweep (else the strongest sweep without
 * spikes), the strongest step; every other sweep validates. Writes at most
 * max_train distinct sweep numbers to train, in that order, and returns how
 * many; keeps at least one sweep for validation when there are two or more. */
int nd_cell_props_default_split (const nd_cell_props *p, int *train, int max_train);
